"""Writing the audit log: every create, change, delete, full-value view, import and export of
personal data goes through `record`.

People's names, phones and ID numbers are not written into entries (which can never be changed):
each is written as a pseudonym, `⟦token⟧`, kept in AuditName and put back when the log is read
(`shown_text`). Erasing a person deletes their AuditName rows, and their entries keep the pseudonym
only. Which people an entry is about comes from its object (receivers of `people_in`, connected by the
domains that own people: a resident, a member record, a sign-in) and from `people=`.
"""

import re
import secrets
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

from loudong.accounts.models import AuditEntry, AuditName, User
from loudong.lib.clients import client_ip
from loudong.lib.hooks import Hook

# (resident id or None, the values that name them: name, phone, ID number)
Named = tuple[int | None, Iterable[str]]


def _account(obj: object) -> list[Named]:
    """A user account linked to a resident names them (its display name and username)."""
    if isinstance(obj, User) and obj.resident_id and obj.is_active:
        return [(obj.resident_id, [str(obj), obj.username])]
    return []


people_in = Hook(
    "Who an audited object is about: send(obj) answers, per receiver, a list of (resident id or None, "
    "[name, phone, id number]). The domains owning people connect (registry: residents and members)."
)
people_in.connect(_account)
TOKEN = re.compile(r"⟦([0-9a-f]{10})⟧")
ERASED = "（已删除的居民）"


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    *,
    community_id: int | None = None,
    detail: dict | None = None,
    actor: User | None = None,
    object_type: str = "",
    object_repr: str = "",
    people: Iterable[Named] = (),
) -> AuditEntry:
    actor = actor or (request.user if request is not None and request.user.is_authenticated else None)
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_repr = object_repr or str(obj)
        community_id = community_id or getattr(obj, "community_id", None)
    named = [*people, *(p for found in people_in.send(obj) for p in found)] if obj is not None else list(people)
    if actor is not None and actor.resident_id and actor.is_active:  # a resident's own account: their name is theirs
        named.append((actor.resident_id, [str(actor), actor.username]))
    pseudonyms = _pseudonyms(named)
    return AuditEntry.objects.create(
        community_id=community_id,
        actor=actor,
        actor_name=_replace(str(actor), pseudonyms) if actor else "系统",
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=_replace(object_repr, pseudonyms)[:200],
        detail=_replace(detail or {}, pseudonyms),
        ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""),
    )


def record_account_event(
    request: HttpRequest | None, action: str, user: User, *, detail: dict, actor: User | None = None
) -> AuditEntry:
    """An event of a user's own account (login, logout, password, two-factor login), written to the
    log of the account's first community."""
    return record(
        request, action, user, actor=actor, community_id=user.first_community_id(), object_type="user", detail=detail
    )


def _pseudonyms(named: list[Named]) -> list[tuple[str, str]]:
    """(value, ⟦token⟧) for every value of the people named, longest value first."""
    found: dict[str, str] = {}
    for resident_id, values in named:
        for value in values:
            if value and len(value) >= 2 and value not in found:
                found[value] = f"⟦{pseudonym(resident_id, value)}⟧"
    return sorted(found.items(), key=lambda pair: len(pair[0]), reverse=True)


def pseudonym(resident_id: int | None, value: str) -> str:
    """The token standing for `value` (of this resident) in the log, made once."""
    value = value[:200]
    row = AuditName.objects.filter(resident_id=resident_id, text=value).first()
    if row is None:
        try:
            with transaction.atomic():
                row = AuditName.objects.create(resident_id=resident_id, text=value, token=secrets.token_hex(5))
        except IntegrityError:  # written meanwhile by another process
            row = AuditName.objects.get(resident_id=resident_id, text=value)
    return row.token


def _replace(value: object, pseudonyms: list[tuple[str, str]]) -> object:
    if not pseudonyms:
        return value
    if isinstance(value, str):
        for plain, token in pseudonyms:
            value = value.replace(plain, token)
        return value
    if isinstance(value, list | tuple):
        return [_replace(v, pseudonyms) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pseudonyms) for k, v in value.items()}
    return value


def shown_text(text: str, names: dict[str, str] | None = None) -> str:
    """An entry's text with the pseudonyms put back; an erased person's stay a pseudonym."""
    if "⟦" not in text:
        return text
    if names is None:
        names = dict(AuditName.objects.filter(token__in=TOKEN.findall(text)).values_list("token", "text"))
    return TOKEN.sub(lambda m: names.get(m.group(1)) or f"{ERASED}{m.group(1)[:6]}", text)


def names_for(entries: Iterable[AuditEntry]) -> dict[str, str]:
    """{token: value} of every pseudonym in these entries, in one query (for a page of the log)."""
    tokens = set()
    for entry in entries:
        tokens.update(TOKEN.findall(f"{entry.actor_name}{entry.object_repr}{entry.detail}"))
    return dict(AuditName.objects.filter(token__in=tokens).values_list("token", "text")) if tokens else {}


def forget(resident_id: int, values: Iterable[str] = ()) -> int:
    """Delete the resident's pseudonyms (and the unattached ones holding these values): their entries
    keep the token only. The erasure calls it."""
    rows = AuditName.objects.filter(resident_id=resident_id) if resident_id else AuditName.objects.none()
    values = [v for v in values if v]
    if values:
        rows = rows | AuditName.objects.filter(resident_id__isnull=True, text__in=values)
    return rows.delete()[0]


def changes(before: dict, after: dict, masked: set[str] = frozenset({"phone", "id_number"})) -> dict:
    """Field changes for the log; phone and ID values are written masked, never in full."""
    from loudong.lib.identity import mask_id_number, mask_phone

    mask = {"phone": mask_phone, "id_number": lambda v: mask_id_number(v or "")}
    diff = {}
    for field, new in after.items():
        old = before.get(field)
        if old != new:
            if field in masked:
                old, new = mask[field](old or ""), mask[field](new or "")
            diff[field] = [_plain(old), _plain(new)]
    return diff


def _plain(value: object) -> object:
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
