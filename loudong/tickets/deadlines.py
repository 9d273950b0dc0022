"""Time limits (规定时限) of requests. The rules, decided here and documented for admins:

- Response (响应): counted in clock hours, because a resident in need does not wait for Monday.
  When a request is placed, the leader must dispatch it within the category's `response_hours`;
  when dispatched, the volunteer must take it within `response_hours` of the dispatch; when a
  volunteer declines, the leader again has `response_hours`. Missing it notifies the leader once.
- Resolution (办结): `resolve_working_days` working days on China's calendar (调休 and the
  admins' CalendarOverride rows), counted from the day the request was placed, not counting that
  day, ending at midnight of the last working day (see loudong.lib.workdays).
- Pausing: while the volunteer waits for the resident (WAITING) the clock stops; on resuming,
  `due_at` moves later by the working time that passed while paused.
- Extension: asked before the deadline with a reason. A leader or the community admin extends at
  once. The volunteer may extend once by themselves, by at most the category's working days
  (the policy's one automatic extension); anything more is asked of the leader.
- Reminder: once, when 75% of the time to the deadline has passed (the volunteer, or the leader
  while nobody has it).
- Overdue: escalates one step at a time, each once and each an event: at the deadline the
  volunteer (level 1), one working day later the leader (level 2), two working days later the
  community admin (level 3).
- A resolved request the resident has not rated closes by itself after 3 days.
"""

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from loudong.lib import workdays
from loudong.policy.models import current_rules
from loudong.policy.rules import Category
from loudong.tickets.models import OPEN, CalendarOverride, Request

DEFAULT_RESPONSE_HOURS = 24
DEFAULT_RESOLVE_DAYS = 3
REMIND_AT_FRACTION = 0.75
ESCALATION_STEP_WORKING_SECONDS = 86400  # one working day between overdue steps
MAX_ESCALATION = 3
AUTO_CLOSE_AFTER = timedelta(days=3)


def overrides(community_id: int, since: datetime | None = None) -> dict:
    """The community's calendar overrides from shortly before `since` on (all of them when None):
    its own rows and the rows for every community, its own winning on the same date."""
    rows = CalendarOverride.objects.filter(Q(community_id=community_id) | Q(community__isnull=True))
    if since is not None:
        rows = rows.filter(date__gte=workdays.local(since).date() - timedelta(days=1))
    # Everywhere rows first, so that the community's own row of a date replaces them.
    return dict(rows.order_by(F("community_id").asc(nulls_first=True)).values_list("date", "is_workday"))


def category_limits(community_id: int, category_code: str) -> tuple[int, int]:
    """(response hours, resolve working days) of the category in the community's current policy."""
    category = current_rules(community_id).category(category_code)
    if category is None:
        return DEFAULT_RESPONSE_HOURS, DEFAULT_RESOLVE_DAYS
    return category.response_hours, category.resolve_working_days


def response_deadline(req: Request, start: datetime, category: Category | None = None) -> datetime:
    """`category`: the request's category when the caller has read the rules already."""
    hours = category.response_hours if category else category_limits(req.community_id, req.category_code)[0]
    return start + timedelta(hours=hours)


def resolve_deadline(req: Request, start: datetime, category: Category | None = None) -> datetime:
    days = category.resolve_working_days if category else category_limits(req.community_id, req.category_code)[1]
    return workdays.add_working_days(start, days, overrides(req.community_id, start))


def longest_self_extension(req: Request) -> datetime:
    """The latest deadline a volunteer may set without the leader: one more allotment of days."""
    _, days = category_limits(req.community_id, req.category_code)
    return workdays.add_working_days(
        req.due_at - timedelta(microseconds=1), days, overrides(req.community_id, req.due_at)
    )


def start_clock(req: Request, start: datetime, due: datetime) -> None:
    """Set a new resolution deadline from `start`, with its reminder and escalation reset."""
    req.due_at = due
    req.reminded_at = None
    req.escalation_level = 0
    req.remind_at = start + (due - start) * REMIND_AT_FRACTION if due > start else due
    req.next_escalation_at = due


def shift_clock(req: Request, paused_from: datetime, resumed_at: datetime) -> int:
    """Move the deadline (and its reminder) later by the working time spent paused; that time."""
    table = overrides(req.community_id, paused_from)
    paused = workdays.working_seconds_between(paused_from, resumed_at, table)
    if req.due_at and paused:
        req.due_at = workdays.add_working_seconds(req.due_at, paused, table)
        if req.reminded_at is None and req.remind_at:
            req.remind_at = workdays.add_working_seconds(req.remind_at, paused, table)
        req.next_escalation_at = next_escalation(req)
    return paused


def next_escalation(req: Request) -> datetime | None:
    if req.due_at is None or req.escalation_level >= MAX_ESCALATION:
        return None
    if req.escalation_level == 0:
        return req.due_at
    return workdays.add_working_seconds(
        req.due_at, ESCALATION_STEP_WORKING_SECONDS * req.escalation_level, overrides(req.community_id, req.due_at)
    )


def time_left_words(req: Request, now: datetime | None = None, table: dict | None = None) -> str:
    """还剩 2 个工作日 / 还剩 5 小时 / 已超期 1 个工作日 / 已暂停: plain words for the lists.
    `table`: the community's calendar overrides, when a page shows many requests (read once)."""
    now = now or timezone.now()
    if req.status not in OPEN:
        return ""
    if req.status == Request.Status.WAITING:
        return "等待居民补充，已暂停计时"
    due = req.due_at
    untaken = req.status in (Request.Status.DISPATCHED, Request.Status.SUBMITTED) and req.response_due_at
    if untaken and (due is None or due > now):
        hours = (req.response_due_at - now).total_seconds() / 3600
        if hours >= 0 and (due is None or req.response_due_at < due):
            return f"还剩 {max(int(hours), 1)} 小时需响应" if hours < 48 else f"还剩 {int(hours // 24)} 天需响应"
        if hours < 0:
            late = -hours
            return f"响应已超时 {max(int(late), 1)} 小时" if late < 48 else f"响应已超时 {int(late // 24)} 天"
    if due is None:
        return ""
    table = overrides(req.community_id, min(now, due)) if table is None else table
    if due <= now:
        late = workdays.working_seconds_between(due, now, table) / 86400
        return f"已超期 {int(late)} 个工作日" if late >= 1 else "已超期"
    days = workdays.working_days_left(now, due, table)
    if days >= 1:
        return f"还剩 {int(days)} 个工作日"
    hours = workdays.working_seconds_between(now, due, table) / 3600
    return f"还剩 {int(hours)} 小时" if hours >= 1 else "即将到期"
