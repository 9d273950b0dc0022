"""Staff transitions: dispatch, take, decline, resolve, reject, escalate (吹哨), merge, flag."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.files.base import File

from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.shanghai import deadline_label
from loudong.registry.models import Member
from loudong.tickets import deadlines
from loudong.tickets.access import is_admin, is_assignee, is_dispatcher
from loudong.tickets.actions.base import (
    admins_of,
    leaders_of,
    lock,
    move,
    now_or,
    record,
    require_assignee,
    require_dispatcher,
    require_status,
    require_text,
    sync,
    tell_assignee,
    tell_resident,
    tell_staff,
)
from loudong.tickets.actions.public import new_supporter
from loudong.tickets.models import FINAL, Request, RequestPhoto, Status, Supporter

MAX_DONE_PHOTOS = 3
MAX_MINUTES = 24 * 60
# Phones' clocks drift: a time this close to now is taken as now.
CLOCK_SKEW = timedelta(minutes=5)


@atomic_action
def dispatch(req: Request, volunteer: Member, *, by: User, now: datetime | None = None) -> Request:
    """派单: give the request to a volunteer of the group (the admin may pick any member)."""
    now = now_or(now)
    locked = lock(req)
    require_dispatcher(by, locked, "派单")
    allowed = [Status.SUBMITTED, Status.DISPATCHED]
    if is_admin(by, locked):
        allowed.append(Status.ESCALATED)
    require_status(locked, allowed, "派单")
    if volunteer.community_id != locked.community_id:
        raise ActionRefused("这位党员不在本社区。")
    if not is_admin(by, locked) and volunteer.group_id != locked.group_id:
        raise ActionRefused("只能派给本楼栋党小组的党员。")
    if locked.status == Status.DISPATCHED and locked.assignee_id == volunteer.pk:
        raise ActionRefused(f"这条点单已经派给{volunteer}了。")
    before = locked.assignee
    locked.assignee = volunteer
    locked.dispatched_at = now
    locked.response_due_at = deadlines.response_deadline(locked, now)
    locked.response_late = False
    locked.flagged_unreasonable = False
    note = f"派给 {volunteer}" + (f"（原为 {before}）" if before and before != volunteer else "")
    move(locked, Status.DISPATCHED, "dispatched", by=by, at=now, note=note, volunteer_id=volunteer.pk)
    tell_assignee(
        locked, "给您派了一条点单", f"{locked.place_label} · {locked.category_name}：{locked.description[:60]}"
    )
    return sync(req, locked)


@atomic_action
def accept(req: Request, *, by: User, now: datetime | None = None) -> Request:
    """接单."""
    now = now_or(now)
    locked = lock(req)
    require_assignee(by, locked, "接单")
    require_status(locked, [Status.DISPATCHED], "接单")
    locked.accepted_at = now
    move(locked, Status.ACCEPTED, "accepted", by=by, at=now, late=locked.response_late)
    return sync(req, locked)


@atomic_action
def decline(req: Request, *, by: User, reason: str, now: datetime | None = None) -> Request:
    """The volunteer gives it back to the leader, with a reason."""
    now = now_or(now)
    locked = lock(req)
    require_assignee(by, locked, "退回")
    require_status(locked, [Status.DISPATCHED, Status.ACCEPTED], "退回")
    reason = require_text(reason, "退回原因", 200)
    volunteer = locked.assignee
    locked.assignee = None
    locked.accepted_at = None
    locked.response_due_at = deadlines.response_deadline(locked, now)
    locked.response_late = False
    move(locked, Status.SUBMITTED, "declined", by=by, at=now, note=reason, volunteer_id=volunteer.pk)
    tell_staff(leaders_of(locked), locked, f"{volunteer} 退回了点单", reason)
    return sync(req, locked)


@atomic_action
def resolve(
    req: Request,
    *,
    by: User,
    resolution: str,
    reply: str = "",
    minutes: int | None = None,
    photos: Iterable[File] = (),
    done_at: datetime | None = None,
    now: datetime | None = None,
) -> Request:
    """办结: an online answer (reply) or an offline errand (what was done, minutes, photos).

    `done_at`: when it was done, if earlier than now: resolved on the phone without signal and sent
    when the network came back. The request counts as resolved then (in time or late, the day of the
    service hours); its timeline entry is written now, saying when it was done."""
    now = now_or(now)
    locked = lock(req)
    done = _done_at(locked, done_at, now)
    if locked.status == Status.ESCALATED:
        if not is_admin(by, locked):
            raise ActionRefused("已上报社区的点单由社区管理员办理。")
    else:
        require_assignee(by, locked, "办结")
        require_status(locked, [Status.ACCEPTED, Status.WAITING], "办结")
    if resolution not in Request.Resolution.values:
        raise ActionRefused("请选择办理方式：线上答疑或线下跑腿。")
    what = "答复内容" if resolution == Request.Resolution.ONLINE else "做了什么"
    reply = require_text(reply, what)
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise ActionRefused("用时请填 0 到 1440 分钟之间的数。")
    # A volunteer's errand is counted in their service hours by these minutes (loudong.hours); an
    # escalated request the community itself resolves is no volunteer's service.
    if resolution == Request.Resolution.OFFLINE and locked.status != Status.ESCALATED and not minutes:
        raise ActionRefused("线下跑腿请填写用了多少分钟（至少 1 分钟），志愿服务时长按它计算。")
    photos = list(photos)
    if len(photos) > MAX_DONE_PHOTOS:
        raise ActionRefused(f"最多上传 {MAX_DONE_PHOTOS} 张照片。")
    if locked.status == Status.WAITING:
        deadlines.shift_clock(locked, locked.paused_at, done)
        locked.paused_seconds += int((done - locked.paused_at).total_seconds())
        locked.paused_at = None
    locked.resolution = resolution
    locked.reply = reply
    locked.time_spent_minutes = minutes if resolution == Request.Resolution.OFFLINE else None
    locked.resolved_at = done
    locked.question = ""
    for photo in photos:
        RequestPhoto.objects.create(request=locked, stage=RequestPhoto.Stage.DONE, image=photo, uploaded_at=now)
    late = bool(locked.due_at and done > locked.due_at)
    offline = {"done_at": done.isoformat(), "done_label": deadline_label(done)} if done != now else {}
    move(
        locked,
        Status.RESOLVED,
        "resolved",
        by=by,
        at=now,
        note=reply,
        resolution=resolution,
        minutes=minutes,
        late=late,
        **offline,
    )
    tell_resident(locked, "已办理，请点链接查看并评价：")
    return sync(req, locked)


def _done_at(locked: Request, done_at: datetime | None, now: datetime) -> datetime:
    """When the request was resolved: now, or the earlier moment the volunteer's phone recorded,
    which cannot be before the request came into its present state (taken, or waiting for the
    resident) nor after now (a few minutes' difference between clocks is taken as now)."""
    if done_at is None or done_at >= now - CLOCK_SKEW:
        if done_at is not None and done_at > now + CLOCK_SKEW:
            raise ActionRefused("办结时间不能晚于现在，请检查手机的时间。")
        return now
    since = locked.events.exclude(from_status="").order_by("-at", "-id").values_list("at", flat=True).first()
    if since is not None and done_at < since:
        raise ActionRefused(
            f"办结时间不能早于这张点单最近一次状态变化的时间（{deadline_label(since)}），请检查手机的时间。"
        )
    return done_at


@atomic_action
def reject(req: Request, *, by: User, reason: str, now: datetime | None = None) -> Request:
    """不予受理: the reason is shown to the resident."""
    now = now_or(now)
    locked = lock(req)
    require_dispatcher(by, locked, "不予受理")
    allowed = [Status.SUBMITTED, Status.DISPATCHED]
    if is_admin(by, locked):
        allowed.append(Status.ESCALATED)
    require_status(locked, allowed, "不予受理")
    reason = require_text(reason, "不予受理的原因", 200)
    assignee = locked.assignee
    locked.reject_reason = reason
    locked.closed_at = now
    move(locked, Status.REJECTED, "rejected", by=by, at=now, note=reason)
    if assignee is not None and locked.assignee_id:
        tell_assignee(locked, "点单已不予受理", reason)
    tell_resident(locked, f"不予受理，原因：{reason}。详情：")
    return sync(req, locked)


@atomic_action
def escalate(req: Request, *, by: User, reason: str, now: datetime | None = None) -> Request:
    """吹哨: the group cannot solve it; the community admin takes it over."""
    now = now_or(now)
    locked = lock(req)
    require_dispatcher(by, locked, "上报社区")
    require_status(locked, [Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.WAITING], "上报社区")
    reason = require_text(reason, "上报原因", 200)
    if locked.status == Status.WAITING:
        deadlines.shift_clock(locked, locked.paused_at, now)
        locked.paused_seconds += int((now - locked.paused_at).total_seconds())
        locked.paused_at = None
    locked.escalate_reason = reason
    move(locked, Status.ESCALATED, "escalated", by=by, at=now, note=reason)
    tell_staff(admins_of(locked), locked, "楼栋党小组上报社区（吹哨）", reason)
    if locked.assignee_id:
        tell_assignee(locked, "点单已上报社区", reason)
    return sync(req, locked)


@atomic_action
def merge(req: Request, into: Request, *, by: User, now: datetime | None = None) -> Request:
    """A duplicate joins the request it repeats; its resident follows the other one."""
    now = now_or(now)
    locked = lock(req)
    require_dispatcher(by, locked, "合并")
    require_status(locked, [Status.SUBMITTED, Status.DISPATCHED], "合并")
    target = lock(into)
    if target.pk == locked.pk:
        raise ActionRefused("不能和自己合并。")
    if target.community_id != locked.community_id or target.building_id != locked.building_id:
        raise ActionRefused("只能合并同一栋楼的点单。")
    if target.status in FINAL:
        raise ActionRefused(f"目标点单已是“{target.get_status_display()}”，不能合并进去。")
    locked.merged_into = target
    locked.closed_at = now
    Supporter.objects.filter(request=locked).update(request=target)
    # Its resident follows the other request as a supporter: the public facts of it, never its
    # requester's text, place or forms (the tracking page links to this supporter's page).
    follower = new_supporter(target, locked.contact_phone, now)
    move(
        locked,
        Status.MERGED,
        "merged",
        by=by,
        at=now,
        note=f"与 {target.number} 合并",
        into=target.pk,
        supporter=follower.pk,
    )
    target.support_count += 1 + locked.support_count
    target.updated_at = now
    target.save(update_fields=["support_count", "updated_at"])
    record(target, "merged", by=by, at=now, note=f"{locked.number} 与本单合并", merged=locked.pk)
    tell_resident(locked, f"与相同问题 {target.number} 合并办理，可继续跟进：")
    return sync(req, locked)


@atomic_action
def flag_unreasonable(req: Request, *, by: User, reason: str, now: datetime | None = None) -> Request:
    """The volunteer asks the leader to review a request they think unreasonable."""
    now = now_or(now)
    locked = lock(req)
    require_assignee(by, locked, "标记不合理诉求")
    require_status(locked, [Status.DISPATCHED, Status.ACCEPTED, Status.WAITING], "标记不合理诉求")
    if locked.flagged_unreasonable:
        raise ActionRefused("这条点单已经标记过，等组长处理。")
    reason = require_text(reason, "为什么不合理", 200)
    locked.flagged_unreasonable = True
    locked.flag_reason = reason
    locked.updated_at = now
    locked.save(update_fields=["flagged_unreasonable", "flag_reason", "updated_at"])
    record(locked, "flagged", by=by, at=now, note=reason)
    tell_staff(leaders_of(locked), locked, "志愿者认为诉求不合理，请审核", reason)
    return sync(req, locked)


def may(user: User, req: Request) -> dict[str, bool]:
    """Which staff actions the user may take on the request now (for showing only allowed buttons)."""
    dispatcher = is_dispatcher(user, req)
    admin = is_admin(user, req)
    mine = is_assignee(user, req)
    s = req.status
    open_running = s in (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.ESCALATED, Status.WAITING)
    return {
        "dispatch": dispatcher and (s in (Status.SUBMITTED, Status.DISPATCHED) or (admin and s == Status.ESCALATED)),
        "reject": dispatcher and (s in (Status.SUBMITTED, Status.DISPATCHED) or (admin and s == Status.ESCALATED)),
        "merge": dispatcher and s in (Status.SUBMITTED, Status.DISPATCHED),
        "escalate": dispatcher and s in (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.WAITING),
        "accept": mine and s == Status.DISPATCHED,
        "decline": mine and s in (Status.DISPATCHED, Status.ACCEPTED),
        "resolve": (mine and s in (Status.ACCEPTED, Status.WAITING)) or (admin and s == Status.ESCALATED),
        "pause": (mine or dispatcher) and s == Status.ACCEPTED,
        "resume": (mine or dispatcher) and s == Status.WAITING,
        "extend": bool(req.due_at)
        and ((mine and s in (Status.DISPATCHED, Status.ACCEPTED, Status.WAITING)) or (dispatcher and open_running)),
        "flag": mine and s in (Status.DISPATCHED, Status.ACCEPTED, Status.WAITING) and not req.flagged_unreasonable,
        "comment": (mine or dispatcher) and (open_running or s == Status.RESOLVED),
        "scope": dispatcher,
        "publish": mine or dispatcher,
    }
