"""Figures of meetings for the stats pages (plain data, no scoping: the caller passes the communities
the viewer may see). Periods are Shanghai dates, both ends included.

- meetings held: meetings whose time falls in the period and has already come (a planned meeting
  is not held yet);
- tasks: follow-up tasks due in the period; done = marked done (on time or late); overdue = still
  open after their due date, as of today;
- a member's attendance: their group's meetings held in the period and the ones they came to (for
  the elections' 建议名单, connected in apps.py).
"""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from loudong.community_life.meetings.models import FollowUpTask, Meeting
from loudong.groups.elections.hooks import MeetingTally
from loudong.lib.shanghai import day_bounds
from loudong.registry.models import Member


def held_meetings(community_ids: list[int], start: date, end: date) -> QuerySet[Meeting]:
    begin, stop = day_bounds(start, end)
    return Meeting.objects.filter(
        community_id__in_ids=community_ids, held_at__gte=begin, held_at__lt=stop, held_at__lte=timezone.now()
    )


def group_attendance(member: Member, start: date, end: date) -> MeetingTally:
    """The meetings of the member's group held in the period, and how many of them the member attended."""
    if member.group_id is None:
        return MeetingTally(0, 0)
    held = held_meetings([member.community_id], start, end).filter(group_id=member.group_id)
    return MeetingTally(held.count(), held.filter(attendance__resident_id=member.resident_id).count())


def meetings_held(community_ids: list[int], start: date, end: date) -> int:
    return held_meetings(community_ids, start, end).count()


def tasks_due(community_ids: list[int], start: date, end: date) -> QuerySet[FollowUpTask]:
    return FollowUpTask.objects.filter(community_id__in_ids=community_ids, due_on__gte=start, due_on__lte=end)


def tasks_done(community_ids: list[int], start: date, end: date) -> QuerySet[FollowUpTask]:
    return tasks_due(community_ids, start, end).filter(status=FollowUpTask.Status.DONE)


def tasks_overdue(community_ids: list[int], start: date, end: date) -> QuerySet[FollowUpTask]:
    return tasks_due(community_ids, start, end).overdue()


def tasks_summary(community_ids: list[int], start: date, end: date) -> dict:
    """{"total", "done", "overdue"} of the tasks due in the period."""
    return {
        "total": tasks_due(community_ids, start, end).count(),
        "done": tasks_done(community_ids, start, end).count(),
        "overdue": tasks_overdue(community_ids, start, end).count(),
    }
