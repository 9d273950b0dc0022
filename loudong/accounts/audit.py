"""Writing the audit log: every create, change, delete, full-value view, import and export of
personal data goes through `record`."""

from django.db import models
from django.http import HttpRequest

from loudong.accounts.models import AuditEntry, User
from loudong.lib.clients import client_ip


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
) -> AuditEntry:
    actor = actor or (request.user if request is not None and request.user.is_authenticated else None)
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_repr = object_repr or str(obj)
        community_id = community_id or getattr(obj, "community_id", None)
    return AuditEntry.objects.create(
        community_id=community_id,
        actor=actor,
        actor_name=str(actor) if actor else "系统",
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr[:200],
        detail=detail or {},
        ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""),
    )


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
