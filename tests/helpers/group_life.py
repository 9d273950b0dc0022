"""A month of group life in November 2026 (activities, meetings, visits, service) in two groups."""

from datetime import date, datetime, timedelta

import pytest

from helpers.worker import tallies
from loudong.community_life.activities.actions import record_attendance
from loudong.community_life.activities.models import Activity, Attendance, ServingMember
from loudong.community_life.meetings.models import Meeting
from loudong.groups.models import BuildingGroup
from loudong.lib.shanghai import SHANGHAI
from loudong.outreach.models import Visit
from loudong.registry.models import Member
from loudong.stats.period import Period

NOV = Period(date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=SHANGHAI)


def activity(w, day: int, kind: str, title: str, group=None, month: int = 11) -> Activity:  # noqa: ANN001
    return Activity.objects.create(
        community=w.community,
        group=group,
        type=kind,
        title=title,
        starts_at=at(day, month),
        ends_at=at(day, month) + timedelta(hours=2),
        place="活动室",
    )


@pytest.fixture
def lived(world):
    """The world's group (stairwell of 环城北路93号: liu and wang) and a second group (学宫巷3号: zhang),
    with a month of activities, meetings, visits and service."""
    w = world
    w.group2 = BuildingGroup.objects.create(community=w.community, name="学宫巷3号党小组")
    w.stairwell2.group = w.group2
    w.stairwell2.save()
    w.zhang_member = Member.objects.create(community=w.community, resident=w.zhang, group=w.group2)

    cleanup = activity(w, 10, Activity.Type.CLEANUP, "清洁家园", w.group)
    for person in (w.liu, w.wang):
        record_attendance(cleanup, how=Attendance.How.TICKED, resident=person)
    record_attendance(cleanup, how=Attendance.How.TICKED, name="李四", building=w.building)
    record_attendance(
        activity(w, 12, Activity.Type.TALK, "政策宣讲", w.group), how=Attendance.How.TICKED, resident=w.liu
    )  # liu again: one person
    activity(w, 14, Activity.Type.TALK, "没人来的宣讲", w.group)
    record_attendance(activity(w, 11, Activity.Type.WELFARE, "社区义诊"), how=Attendance.How.TICKED, resident=w.zhang)
    record_attendance(
        activity(w, 13, Activity.Type.CLEANUP, "学宫巷清扫", w.group2), how=Attendance.How.TICKED, resident=w.zhang
    )
    record_attendance(
        activity(w, 10, Activity.Type.FLAG, "十月升旗", w.group, month=10), how=Attendance.How.TICKED, resident=w.wang
    )  # before the period
    ServingMember.objects.create(community=w.community, activity=cleanup, member=w.liu_member, minutes=120)

    for group, title, day in ((w.group, "小组议事会", 5), (None, "全社区议事会", 6), (w.group2, "学宫巷议事会", 7)):
        Meeting.objects.create(community=w.community, group=group, title=title, held_at=at(day))

    Visit.objects.create(community=w.community, household=w.household, volunteer=w.wang_member, visited_at=at(8))
    Visit.objects.create(
        community=w.community, household=w.household2, volunteer=w.zhang_member, visited_at=at(1, 10)
    )  # met, but in October
    Visit.objects.create(
        community=w.community,
        household=w.household2,
        volunteer=w.zhang_member,
        visited_at=at(9),
        someone_home=Visit.Home.AWAY,
    )  # hours, not coverage
    tallies()  # the worker's minute: the group coverage the new group changed
    return w
