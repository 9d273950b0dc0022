"""What every request action shares: locking, role checks, events and recipients."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from loudong.accounts.models import Role, User
from loudong.lib.actions import ActionRefused
from loudong.notify import outbox
from loudong.tickets.access import is_assignee, is_dispatcher
from loudong.tickets.hooks import finished_request_changed
from loudong.tickets.models import OPEN, Request, RequestEvent, Status

RESIDENT_LABEL = "居民"
SYSTEM_LABEL = "系统"


def lock(req: Request) -> Request:
    """The current row, locked for the rest of the transaction (the caller's copy may be stale)."""
    return (
        Request.objects.select_for_update(of=("self",)).select_related("community", "assignee__resident").get(pk=req.pk)
    )


def sync(target: Request, source: Request) -> Request:
    """Copy the saved values back onto the caller's instance so it sees the change."""
    if target is not source:
        for field in Request._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return source


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def status_label(status: str) -> str:
    return Status(status).label


def require_status(req: Request, allowed: Iterable[str], verb: str) -> None:
    if req.status not in set(allowed):
        raise ActionRefused(f"这条点单现在是“{status_label(req.status)}”，不能{verb}。")


def require_text(value: str, what: str, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise ActionRefused(f"请填写{what}。")
    if len(text) > max_length:
        raise ActionRefused(f"{what}太长了，请不超过 {max_length} 个字。")
    return text


def require_dispatcher(user: User | None, req: Request, verb: str) -> None:
    if not is_dispatcher(user, req):
        raise ActionRefused(f"只有本楼栋党小组组长或社区管理员可以{verb}。")


def require_assignee(user: User | None, req: Request, verb: str) -> None:
    if not is_assignee(user, req):
        raise ActionRefused(f"只有承办这条点单的志愿者可以{verb}。")


def actor_label(user: User | None) -> str:
    if user is None:
        return RESIDENT_LABEL
    return user.display_name or user.username


def record(
    req: Request,
    kind: str,
    *,
    by: User | None,
    at: datetime,
    from_status: str = "",
    note: str = "",
    label: str | None = None,
    **data: Any,
) -> RequestEvent:
    if req.status not in OPEN or from_status not in ("", *OPEN):
        finished_request_changed.send(req)  # a finished request changed, or stopped being finished
    return RequestEvent.objects.create(
        request=req,
        kind=kind,
        at=at,
        actor=by,
        actor_label=label if label is not None else actor_label(by),
        from_status=from_status,
        to_status=req.status if from_status else "",
        note=note,
        data=data,
    )


def move(
    req: Request,
    to: str,
    kind: str,
    *,
    by: User | None,
    at: datetime,
    note: str = "",
    label: str | None = None,
    **data: Any,
) -> RequestEvent:
    """Change the status, save the row and write the event."""
    before = req.status
    req.status = to
    req.updated_at = at
    req.save()
    return record(req, kind, by=by, at=at, from_status=before, note=note, label=label, **data)


# Recipients -----------------------------------------------------------------------------------


def staff_url(req: Request) -> str:
    return f"/c/{req.community.code}/requests/{req.pk}/"


def tracking_url(req: Request) -> str:
    return f"/ask/t/{req.tracking_token}/"


def leaders_of(req: Request) -> list[User]:
    if not req.group_id:
        return admins_of(req)
    users = list(User.objects.filter(grants__role=Role.LEADER, grants__group_id=req.group_id, is_active=True))
    return users or admins_of(req)


def admins_of(req: Request) -> list[User]:
    return list(User.objects.filter(grants__role=Role.ADMIN, grants__community_id=req.community_id, is_active=True))


def tell_staff(users: Iterable[User], req: Request, title: str, body: str = "") -> None:
    outbox.notify_users(
        users, f"{title}：{req.number}", body or req.description[:80], url=staff_url(req), community_id=req.community_id
    )


def tell_assignee(req: Request, title: str, body: str = "") -> None:
    """The volunteer's inbox; an SMS when they have no account."""
    if not req.assignee_id:
        return
    users = list(User.objects.filter(resident_id=req.assignee.resident_id, is_active=True))
    if users:
        tell_staff(users, req, title, body)
    else:
        outbox.notify_phone(
            req.assignee.resident.phone,
            f"{title}：{req.number} {req.category_name}",
            url=staff_url(req),
            community_id=req.community_id,
        )


def tell_group_robot(req: Request, title: str) -> None:
    outbox.notify_robot(
        req.community_id,
        req.group_id,
        f"{title}：{req.number}",
        f"{req.building.name} · {req.category_name}",
        url=staff_url(req),
    )


def tell_resident(req: Request, text: str) -> None:
    """An SMS to the phone the resident gave (with the tracking link); nothing without a phone."""
    outbox.notify_phone(
        req.contact_phone,
        f"【楼栋党小组】您的诉求 {req.number} {text}",
        url=tracking_url(req),
        community_id=req.community_id,
    )
