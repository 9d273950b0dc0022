"""The one write path of privacy requests: asked (from the tracking link or in person), answered,
refused. Each is audited; an answer to a deletion runs the erasure in the same transaction."""

import hmac
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.lib.personal import Person
from loudong.lib.workdays import add_working_days
from loudong.privacy import people
from loudong.privacy.erasure import erase_person
from loudong.privacy.models import COPY_DAYS, DUE_WORKING_DAYS, PersonalDataRequest
from loudong.registry.models import Resident
from loudong.tickets.deadlines import overrides
from loudong.tickets.models import Request

Kind, Status = PersonalDataRequest.Kind, PersonalDataRequest.Status


def due_after(community_id: int, received_at: datetime) -> datetime:
    """15 working days after the day received, on the community's calendar (its overrides too)."""
    return add_working_days(received_at, DUE_WORKING_DAYS, overrides(community_id, received_at))


def phone_matches(req: Request, phone: str) -> bool:
    """Whether `phone` is the contact phone the request was placed with (written any usual way)."""
    try:
        given = normalize_phone(phone)
    except InvalidValue:
        return False
    return bool(given and req.contact_phone) and hmac.compare_digest(given, req.contact_phone)


def _check(kind: str, details: str) -> None:
    if kind not in Kind.values:
        raise ActionRefused("请选择要办的事：查阅复制、更正或删除。")
    if kind == Kind.CORRECT and not details.strip():
        raise ActionRefused("请写明哪一项信息不对、应当是什么。")


@atomic_action
def ask(
    req: Request,
    *,
    kind: str,
    phone: str = "",
    details: str = "",
    now: datetime | None = None,
    http: HttpRequest | None = None,
) -> PersonalDataRequest:
    """The resident asks from their tracking link. With the phone the request was placed with, it
    covers everything held about them; without, only this request."""
    _check(kind, details)
    now = now or timezone.now()
    whole = phone_matches(req, phone)
    pdr = PersonalDataRequest.objects.create(
        community_id=req.community_id,
        kind=kind,
        channel=PersonalDataRequest.Channel.LINK,
        request=req,
        resident=people.resident_of_request(req) if whole else None,
        whole_person=whole,
        details=details.strip(),
        received_at=now,
        due_at=due_after(req.community_id, now),
    )
    record(http, AuditEntry.Action.CREATE, pdr, detail={"kind": pdr.get_kind_display(), "whole": whole})
    return pdr


@atomic_action
def record_in_person(
    resident: Resident,
    *,
    kind: str,
    by: User,
    details: str = "",
    now: datetime | None = None,
    http: HttpRequest | None = None,
) -> PersonalDataRequest:
    """The admin records a request the resident made in person (who they are checked at the desk)."""
    _check(kind, details)
    now = now or timezone.now()
    pdr = PersonalDataRequest.objects.create(
        community_id=resident.community_id,
        kind=kind,
        channel=PersonalDataRequest.Channel.IN_PERSON,
        resident=resident,
        whole_person=True,
        details=details.strip(),
        received_at=now,
        due_at=due_after(resident.community_id, now),
        recorded_by=by,
    )
    record(
        http,
        AuditEntry.Action.CREATE,
        pdr,
        actor=by,
        detail={"kind": pdr.get_kind_display(), "whole": True},
        people=[(resident.pk, [resident.name])],
    )
    return pdr


def person_of(pdr: PersonalDataRequest) -> Person:
    """Whom the request is about: the resident (all their data), or the request's contact only."""
    if pdr.resident_id:
        person = people.of_resident(pdr.resident)
        if pdr.request_id:
            person.request_ids.add(pdr.request_id)
            person.phones |= {pdr.request.contact_phone} - {""}
        return person
    if pdr.request_id:
        return people.of_request(pdr.request, whole=pdr.whole_person)
    raise ActionRefused("这份申请已找不到对应的居民或点单。")


def _open(pdr: PersonalDataRequest) -> PersonalDataRequest:
    pdr = PersonalDataRequest.objects.select_for_update().get(pk=pdr.pk)
    if pdr.status != Status.OPEN:
        raise ActionRefused("这份申请已经答复过了。")
    return pdr


@atomic_action
def answer(
    pdr: PersonalDataRequest,
    *,
    by: User,
    text: str = "",
    confirm_delete: bool = False,
    now: datetime | None = None,
    http: HttpRequest | None = None,
) -> PersonalDataRequest:
    """Done: a copy is made available (7 days on the tracking link), a correction noted (made on the
    resident's edit page), a deletion carried out (the erasure, refused while a role is active)."""
    pdr = _open(pdr)
    now = now or timezone.now()
    text = text.strip()
    erased = []
    if pdr.kind == Kind.DELETE:
        if not confirm_delete:
            raise ActionRefused("删除前请勾选确认：删除后无法恢复。")
        erased = erase_person(person_of(pdr), by=by, now=now, http=http, note=f"个人信息申请 {pdr.pk}")
        text = text or "已按您的申请删除您的个人信息。"
        pdr.details = ""  # nothing of theirs stays on the request itself
    elif pdr.kind == Kind.CORRECT and not text:
        raise ActionRefused("请写明更正了什么。")
    elif pdr.kind == Kind.COPY:
        text = text or f"副本已生成，{COPY_DAYS}天内可在点单链接的「我的个人信息」页面下载。"
        pdr.copy_until = now + timedelta(days=COPY_DAYS)
    pdr.status, pdr.answer, pdr.answered_by, pdr.answered_at = Status.DONE, text, by, now
    pdr.save()
    record(http, AuditEntry.Action.UPDATE, pdr, actor=by, detail={"status": pdr.get_status_display(), "清除": erased})
    return pdr


@atomic_action
def refuse(
    pdr: PersonalDataRequest, *, by: User, reason: str, now: datetime | None = None, http: HttpRequest | None = None
) -> PersonalDataRequest:
    """Not done, with the reason the resident will read (个人信息保护法 §50: a refusal says why)."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused("不予办理时必须写明理由，居民会看到。")
    pdr = _open(pdr)
    pdr.status, pdr.answer, pdr.answered_by, pdr.answered_at = Status.REFUSED, reason, by, now or timezone.now()
    pdr.save()
    record(http, AuditEntry.Action.UPDATE, pdr, actor=by, detail={"status": pdr.get_status_display(), "reason": reason})
    return pdr
