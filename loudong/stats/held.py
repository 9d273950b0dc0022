"""The lists behind the activity and meeting figures of a dashboard: the same querysets the other
apps count with (loudong.community_life.*.figures), shown without any person's name."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from loudong.community_life.activities import figures as activity_figures
from loudong.community_life.meetings import figures as meeting_figures
from loudong.stats.period import Period
from loudong.stats.scope import Scope
from loudong.stats.tables import local_time


@dataclass(frozen=True)
class HeldList:
    key: str
    label: str
    definition: str
    headers: list[str]
    rows: Callable[[list[int], Period], QuerySet]
    cells: Callable[[object], list[object]]


def _activity_cells(activity) -> list[object]:  # noqa: ANN001 (an Activity annotated with `reached`)
    return [local_time(activity.starts_at), activity.community.name, activity.get_type_display(), activity.title,
            activity.place, activity.reached]


def _meeting_cells(meeting) -> list[object]:  # noqa: ANN001 (a Meeting)
    return [local_time(meeting.held_at), meeting.community.name, meeting.group.name if meeting.group_id else "",
            meeting.title]


HELD = {
    "activities": HeldList(
        "activities", "开展活动", "统计期间内已经开始的活动（计划中、还没开始的不算），按开始时间的北京时间日期计入。",
        ["开始时间", "社区", "活动类型", "活动名称", "地点", "参加人次"],
        lambda ids, p: activity_figures.activities_in(ids, p.start, p.end), _activity_cells),
    "meetings": HeldList(
        "meetings", "召开议事会", "统计期间内已经召开的议事会（还没到时间的不算）。",
        ["开会时间", "社区", "党小组", "会议主题"],
        lambda ids, p: meeting_figures.held_meetings(ids, p.start, p.end)
        .select_related("community", "group").order_by("-held_at", "-id"), _meeting_cells),
}


def held_list(scope: Scope, key: str) -> HeldList:
    """The list named `key`; 404 for an unknown one, or on a group's dashboard (these are the community's)."""
    found = HELD.get(key)
    if found is None or scope.level == "group":
        raise Http404
    return found


def held_rows(scope: Scope, period: Period, key: str) -> QuerySet:
    return held_list(scope, key).rows(scope.community_ids(), period)
