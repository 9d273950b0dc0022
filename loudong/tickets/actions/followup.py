"""The resident's side (confirm, rate, reopen, answer) and the paused clock (ask, resume, extend)."""

from datetime import datetime

from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.shanghai import deadline_label
from loudong.tickets import deadlines
from loudong.tickets.access import is_assignee, is_dispatcher
from loudong.tickets.actions.base import (
    RESIDENT_LABEL,
    leaders_of,
    lock,
    move,
    now_or,
    record,
    require_status,
    require_text,
    sync,
    tell_assignee,
    tell_resident,
    tell_staff,
)
from loudong.tickets.models import Request, Status

# After this many reopenings an 不满意 rating closes the request (and the community admin reads it).
MAX_REOPENS = 2


@atomic_action
def confirm(req: Request, rating: str, comment: str = "", *, now: datetime | None = None) -> Request:
    """The resident (by token) confirms and rates. 不满意 reopens it, up to MAX_REOPENS times."""
    now = now_or(now)
    locked = lock(req)
    require_status(locked, [Status.RESOLVED], "评价")
    if rating not in Request.Rating.values:
        raise ActionRefused("请选择满意、基本满意或不满意。")
    comment = (comment or "").strip()[:500]
    locked.rating = rating
    locked.rating_comment = comment
    locked.rated_at = now
    if rating == Request.Rating.UNSATISFIED and locked.reopen_count < MAX_REOPENS:
        record(locked, "rated", by=None, at=now, label=RESIDENT_LABEL, note=comment, rating=rating)
        _reopen(locked, comment, now)
        return sync(req, locked)
    locked.closed_at = now
    move(locked, Status.CLOSED, "confirmed", by=None, at=now, label=RESIDENT_LABEL, note=comment, rating=rating)
    label = locked.get_rating_display()
    tell_assignee(locked, f"居民评价：{label}", comment)
    if rating == Request.Rating.UNSATISFIED:
        tell_staff(leaders_of(locked), locked, "居民不满意", comment)
    return sync(req, locked)


@atomic_action
def reopen(req: Request, comment: str, *, now: datetime | None = None) -> Request:
    """The resident says it is not solved: back to the volunteer (or to the leader), with a new time limit."""
    now = now_or(now)
    locked = lock(req)
    require_status(locked, [Status.RESOLVED], "重新办理")
    if locked.reopen_count >= MAX_REOPENS:
        raise ActionRefused(f"这条点单已经重新办理过 {MAX_REOPENS} 次，请评价后联系社区。")
    _reopen(locked, require_text(comment, "哪里没有解决", 500), now)
    return sync(req, locked)


def _reopen(locked: Request, comment: str, now: datetime) -> None:
    locked.reopen_count += 1
    locked.resolved_at = None
    to = Status.ACCEPTED if locked.assignee_id else Status.SUBMITTED
    if locked.escalate_reason and not locked.assignee_id:
        to = Status.ESCALATED
    deadlines.start_clock(locked, now, deadlines.resolve_deadline(locked, now))
    move(locked, to, "reopened", by=None, at=now, label=RESIDENT_LABEL, note=comment, times=locked.reopen_count)
    if locked.assignee_id:
        tell_assignee(locked, "居民认为没有解决，请重新办理", comment)
    tell_staff(leaders_of(locked), locked, "点单被重新打开", comment)


@atomic_action
def pause_for_resident(req: Request, *, by: User, question: str, now: datetime | None = None) -> Request:
    """Ask the resident something; the clock stops until they answer."""
    now = now_or(now)
    locked = lock(req)
    if not (is_assignee(by, locked) or is_dispatcher(by, locked)):
        raise ActionRefused("只有承办志愿者或组长可以向居民询问。")
    require_status(locked, [Status.ACCEPTED], "向居民询问")
    locked.question = require_text(question, "要问居民的问题", 500)
    locked.paused_at = now
    move(locked, Status.WAITING, "paused", by=by, at=now, note=locked.question)
    tell_resident(locked, f"需要您补充：{locked.question[:60]} 请点链接回复：")
    return sync(req, locked)


@atomic_action
def resume(req: Request, note: str, *, by: User | None = None, now: datetime | None = None) -> Request:
    """The resident answers (by token, `by` None), or staff record an answer given in person."""
    now = now_or(now)
    locked = lock(req)
    if by is not None and not (is_assignee(by, locked) or is_dispatcher(by, locked)):
        raise ActionRefused("只有承办志愿者或组长可以恢复办理。")
    require_status(locked, [Status.WAITING], "恢复办理")
    note = require_text(note, "回复内容")
    paused = deadlines.shift_clock(locked, locked.paused_at, now)
    locked.paused_seconds += int((now - locked.paused_at).total_seconds())
    locked.paused_at = None
    locked.question = ""
    move(
        locked,
        Status.ACCEPTED,
        "resumed",
        by=by,
        at=now,
        label=RESIDENT_LABEL if by is None else None,
        note=note,
        paused_working_seconds=paused,
    )
    if by is None:
        tell_assignee(locked, "居民回复了", note[:80])
    return sync(req, locked)


@atomic_action
def extend(req: Request, *, by: User, reason: str, new_due_at: datetime, now: datetime | None = None) -> Request:
    """延期, asked before the deadline. Leaders and admins grant it; a volunteer may extend once
    by at most the category's working days (the one automatic extension)."""
    now = now_or(now)
    locked = lock(req)
    dispatcher = is_dispatcher(by, locked)
    if not (dispatcher or is_assignee(by, locked)):
        raise ActionRefused("只有承办志愿者、组长或社区管理员可以延期。")
    require_status(
        locked, [Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.WAITING, Status.ESCALATED], "延期"
    )
    reason = require_text(reason, "延期原因", 200)
    if locked.due_at is None or now >= locked.due_at:
        raise ActionRefused("延期要在办结期限之前申请；已超期的点单请尽快办理或上报社区。")
    if new_due_at <= locked.due_at:
        raise ActionRefused("新的期限要晚于原来的期限。")
    if not dispatcher:
        if locked.extension_count >= 1:
            raise ActionRefused("志愿者只能自行延期一次，再延期请找组长。")
        limit = deadlines.longest_self_extension(locked)
        if new_due_at > limit:
            raise ActionRefused(f"自行延期最晚到 {deadline_label(limit)}，更长请找组长。")
    before = locked.due_at
    locked.due_at = new_due_at
    locked.extension_count += 1
    locked.reminded_at = None
    locked.remind_at = now + (new_due_at - now) * deadlines.REMIND_AT_FRACTION
    locked.next_escalation_at = deadlines.next_escalation(locked)
    locked.updated_at = now
    locked.save()
    record(locked, "extended", by=by, at=now, note=reason, before=before.isoformat(), after=new_due_at.isoformat())
    news = f"新的期限：{locked.due_label}。原因：{reason}"
    if dispatcher:
        tell_assignee(locked, "点单已延期", news)
    else:
        tell_staff(leaders_of(locked), locked, "志愿者延期了点单", news)
    tell_resident(locked, f"办理期限延长至 {locked.due_label}，原因：{reason}。详情：")
    return sync(req, locked)
