"""What the worker does when time passes: remind, report late responses, escalate, auto-close.

Each function re-reads the row under a lock and does nothing when the condition no longer holds,
so two workers, or a sweep racing a volunteer's click, never act twice.
"""

from datetime import datetime

from loudong.lib.actions import atomic_action
from loudong.tickets import deadlines
from loudong.tickets.actions.base import (
    SYSTEM_LABEL,
    admins_of,
    leaders_of,
    lock,
    move,
    now_or,
    record,
    sync,
    tell_assignee,
    tell_group_robot,
    tell_staff,
)
from loudong.tickets.models import RUNNING, Request, Status

LEVEL_WORDS = {1: "已超期，请尽快办理", 2: "超期一个工作日，请组长督办", 3: "超期两个工作日，请社区督办"}


@atomic_action
def remind(req: Request, *, now: datetime | None = None) -> bool:
    now = now_or(now)
    locked = lock(req)
    if locked.status not in RUNNING or locked.reminded_at or not locked.remind_at or locked.remind_at > now:
        return False
    locked.reminded_at = now
    locked.save(update_fields=["reminded_at"])
    left = deadlines.time_left_words(locked, now)
    record(locked, "reminded", by=None, at=now, label=SYSTEM_LABEL, note=f"临近期限提醒：{left}")
    if locked.assignee_id and locked.status != Status.SUBMITTED:
        tell_assignee(locked, "点单快到期了", left)
    else:
        tell_staff(leaders_of(locked), locked, "点单快到期了，请尽快派单", left)
    sync(req, locked)
    return True


@atomic_action
def mark_response_late(req: Request, *, now: datetime | None = None) -> bool:
    """Nobody dispatched or took it in time: tell the leader, once per response window."""
    now = now_or(now)
    locked = lock(req)
    if (
        locked.status not in (Status.SUBMITTED, Status.DISPATCHED)
        or locked.response_late
        or not locked.response_due_at
        or locked.response_due_at > now
    ):
        return False
    locked.response_late = True
    locked.save(update_fields=["response_late"])
    what = "派单" if locked.status == Status.SUBMITTED else "接单"
    record(locked, "overdue", by=None, at=now, label=SYSTEM_LABEL, note=f"超过响应时限仍未{what}", stage="response")
    tell_staff(leaders_of(locked), locked, f"点单超过响应时限仍未{what}")
    sync(req, locked)
    return True


@atomic_action
def step_overdue(req: Request, *, now: datetime | None = None) -> bool:
    """One escalation step: 1 the volunteer, 2 the leader, 3 the community admin."""
    now = now_or(now)
    locked = lock(req)
    if (
        locked.status not in RUNNING
        or not locked.next_escalation_at
        or locked.next_escalation_at > now
        or locked.escalation_level >= deadlines.MAX_ESCALATION
    ):
        return False
    locked.escalation_level += 1
    level = locked.escalation_level
    locked.next_escalation_at = deadlines.next_escalation(locked)
    locked.save(update_fields=["escalation_level", "next_escalation_at"])
    words = LEVEL_WORDS[level]
    record(locked, "overdue", by=None, at=now, label=SYSTEM_LABEL, note=words, stage="resolve", level=level)
    if level == 1:
        if locked.assignee_id and locked.status != Status.SUBMITTED:
            tell_assignee(locked, "点单已超期", words)
        else:
            tell_staff(leaders_of(locked), locked, "点单已超期", words)
    elif level == 2:
        tell_staff(leaders_of(locked), locked, "点单超期督办", words)
        tell_group_robot(locked, "点单超期督办")
    else:
        tell_staff(admins_of(locked), locked, "点单超期，请社区督办", words)
    sync(req, locked)
    return True


@atomic_action
def close_unrated(req: Request, *, now: datetime | None = None) -> bool:
    """Resolved and not rated within 3 days: closed, unrated."""
    now = now_or(now)
    locked = lock(req)
    if locked.status != Status.RESOLVED or not locked.resolved_at:
        return False
    if now - locked.resolved_at < deadlines.AUTO_CLOSE_AFTER:
        return False
    locked.closed_at = now
    move(locked, Status.CLOSED, "closed", by=None, at=now, label=SYSTEM_LABEL, note="3 天未评价，自动办结")
    sync(req, locked)
    return True
