"""What neighbours take part in: 我也遇到, a request's scope (a shared place or a household) and the
progress staff choose to make public."""

import secrets
from datetime import datetime

from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.tickets.access import is_assignee, is_dispatcher
from loudong.tickets.actions.base import RESIDENT_LABEL, lock, now_or, record, require_dispatcher, require_status, sync
from loudong.tickets.actions.placing import clean_phone
from loudong.tickets.models import OPEN, Request, Supporter

PUBLIC_NOTE_LENGTH = 200


def new_supporter(req: Request, phone: str, now: datetime) -> Supporter:
    return Supporter.objects.create(
        request=req, contact_phone=phone, created_at=now, tracking_token=secrets.token_urlsafe(16)
    )


@atomic_action
def support(req: Request, phone: str = "", *, now: datetime | None = None) -> Supporter:
    """我也遇到: a neighbour joins an open request and gets a link of their own. A phone already among
    the supporters gets that supporter back (nothing counted twice). The answer never tells whether a
    phone is the requester's: theirs is simply not kept with the supporter."""
    now = now_or(now)
    locked = lock(req)
    require_status(locked, OPEN, "加入")
    phone = clean_phone(phone)
    if phone:
        earlier = locked.supporters.filter(contact_phone=phone).first()
        if earlier is not None:
            return earlier
        if phone == locked.contact_phone:
            phone = ""
    supporter = new_supporter(locked, phone, now)
    locked.support_count += 1
    locked.updated_at = now
    locked.save(update_fields=["support_count", "updated_at"])
    record(locked, "supported", by=None, at=now, label=RESIDENT_LABEL, note="又有一位居民反映同样的问题")
    sync(req, locked)
    return supporter


@atomic_action
def set_scope(req: Request, scope: str, *, by: User, now: datetime | None = None) -> Request:
    """The leader or the admin corrects what the request is about: a shared place (shown to neighbours
    as an excerpt) or a household (seen by nobody else)."""
    now = now_or(now)
    locked = lock(req)
    require_dispatcher(by, locked, "更改范围")
    if scope not in Request.Scope.values:
        raise ActionRefused("请选择公共区域的事或家中的事。")
    if scope == locked.scope:
        raise ActionRefused(f"这条点单已经是“{locked.get_scope_display()}”。")
    before = locked.scope
    locked.scope = scope
    locked.updated_at = now
    locked.save(update_fields=["scope", "updated_at"])
    record(locked, "scoped", by=by, at=now, note=f"改为“{locked.get_scope_display()}”", scope=scope, before=before)
    return sync(req, locked)


@atomic_action
def publish(req: Request, note: str, *, by: User, now: datetime | None = None) -> Request:
    """公开进展: what neighbours who joined may read of the progress, written by staff for them (never
    the reply to the resident). An empty note takes the last one down."""
    now = now_or(now)
    locked = lock(req)
    if not (is_dispatcher(by, locked) or is_assignee(by, locked)):
        raise ActionRefused("只有组长、承办志愿者或社区管理员可以公开进展。")
    note = " ".join((note or "").split())
    if len(note) > PUBLIC_NOTE_LENGTH:
        raise ActionRefused(f"公开进展请不超过 {PUBLIC_NOTE_LENGTH} 个字。")
    if note == locked.public_note:
        raise ActionRefused("公开进展没有变化。")
    locked.public_note = note
    locked.public_note_at = now if note else None
    locked.updated_at = now
    locked.save(update_fields=["public_note", "public_note_at", "updated_at"])
    record(locked, "published", by=by, at=now, note=note or "撤下了公开进展")
    return sync(req, locked)
