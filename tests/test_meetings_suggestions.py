"""Suggested agenda items from problems that keep coming back in a building, and the figures the
stats pages read (meetings held, follow-up tasks due, done and overdue)."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loudong.community_life.meetings import actions, figures
from loudong.community_life.meetings.models import Meeting
from loudong.community_life.meetings.suggestions import (
    RECURRING_MIN_REQUESTS,
    RECURRING_WINDOW_DAYS,
    suggestions_for,
)
from loudong.lib.shanghai import SHANGHAI
from loudong.tickets.actions import place_request


def place(world, *, category: str = "environment", days_ago: float = 1, building=None) -> None:
    place_request(
        community=world.community,
        building=building or world.building,
        stairwell=None,
        category_code=category,
        description="楼道里堆满了杂物",
        by=world.admin,
        now=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def meeting(world) -> Meeting:
    return actions.create_meeting(
        world.community,
        by=world.leader,
        title="月度例会",
        group=world.group,
        place="刘光前家",
        held_at=timezone.now() + timedelta(days=2),
    )


def test_threshold_is_three_requests_in_ninety_days():
    assert (RECURRING_MIN_REQUESTS, RECURRING_WINDOW_DAYS) == (3, 90)


def test_one_request_short_of_the_threshold_is_not_suggested(world, meeting):
    for _ in range(RECURRING_MIN_REQUESTS - 1):
        place(world)
    place(world, category="policy")
    assert suggestions_for(world.leader, meeting) == []


def test_exactly_the_threshold_is_suggested_with_its_count(world, meeting):
    for _ in range(RECURRING_MIN_REQUESTS):
        place(world)
    (suggestion,) = suggestions_for(world.leader, meeting)
    assert (suggestion.building_name, suggestion.category_name, suggestion.count) == ("环城北路93号", "环境卫生", 3)


def test_requests_older_than_the_window_do_not_count(world, meeting):
    place(world, days_ago=RECURRING_WINDOW_DAYS + 1)
    place(world, days_ago=10)
    place(world, days_ago=5)
    assert suggestions_for(world.leader, meeting) == []
    place(world, days_ago=RECURRING_WINDOW_DAYS - 1)
    assert suggestions_for(world.leader, meeting)[0].count == 3


def test_other_buildings_are_suggested_only_for_a_community_meeting(world, meeting):
    for _ in range(3):
        place(world, building=world.building2)
    assert suggestions_for(world.leader, meeting) == []
    wide = actions.create_meeting(
        world.community,
        by=world.admin,
        title="社区议事会",
        place="社区会议室",
        held_at=timezone.now() + timedelta(days=2),
    )
    assert [s.building_name for s in suggestions_for(world.admin, wide)] == ["学宫巷3号"]


def test_one_tap_adds_a_suggestion_to_the_agenda_once(world, login, meeting):
    for _ in range(4):
        place(world)
    client = login(world.leader)
    detail = reverse("meetings:detail", args=[world.community.code, meeting.pk])
    page = client.get(detail).content.decode()
    assert "近 90 天内，同一楼栋同一类别的点单达到 3 件及以上" in page and "近期 4 件" in page
    add = reverse("meetings:agenda_suggest", args=[world.community.code, meeting.pk])
    client.post(add, {"building": world.building.pk, "category": "environment"})
    (item,) = meeting.agenda.all()
    assert item.text.startswith("环城北路93号环境卫生问题反复出现") and item.category_code == "environment"
    assert suggestions_for(world.leader, meeting) == []
    client.post(add, {"building": world.building.pk, "category": "environment"})
    assert meeting.agenda.count() == 1


def test_the_list_behind_a_suggestion_shows_those_requests(world, login, meeting):
    for _ in range(3):
        place(world)
    page = login(world.leader).get(
        reverse("meetings:recurring", args=[world.community.code]),
        {"building": world.building.pk, "category": "environment", "meeting": meeting.pk},
    )
    assert page.status_code == 200 and page.content.decode().count("楼道里堆满了杂物") == 3
    assert reverse("meetings:detail", args=[world.community.code, meeting.pk]) in page.content.decode()
    outsider = login(world.volunteer).get(
        reverse("meetings:recurring", args=[world.community.code]),
        {"building": world.building.pk, "category": "environment"},
    )
    assert outsider.status_code == 404


def test_figures_count_meetings_held_and_tasks_due(world):
    held = datetime(2026, 3, 18, 19, 30, tzinfo=SHANGHAI)
    past = actions.create_meeting(
        world.community, by=world.leader, title="楼道堆物清理", group=world.group, place="刘光前家", held_at=held
    )
    actions.create_meeting(
        world.community,
        by=world.leader,
        title="下月",
        group=world.group,
        place="刘光前家",
        held_at=timezone.now() + timedelta(days=5),
    )
    ids = [world.community.pk]
    assert figures.meetings_held(ids, date(2026, 3, 18), date(2026, 3, 18)) == 1
    assert figures.meetings_held(ids, date(2026, 3, 19), date(2026, 3, 31)) == 0
    assert figures.meetings_held(ids, date(2026, 1, 1), timezone.localdate() + timedelta(days=30)) == 1
    assert figures.meetings_held([world.other.pk], date(2026, 1, 1), date(2026, 12, 31)) == 0
    done = actions.add_task(past, by=world.leader, text="清运", owner=world.wang_member, due_on=date(2026, 3, 25))
    actions.add_task(past, by=world.leader, text="统计", owner=world.wang_member, due_on=date(2026, 3, 31))
    actions.add_task(past, by=world.leader, text="回访", owner=world.wang_member, due_on=date(2026, 4, 30))
    actions.finish_task(done, by=world.volunteer)
    march = figures.tasks_summary(ids, date(2026, 3, 1), date(2026, 3, 31))
    assert march == {"total": 2, "done": 1, "overdue": 1 if timezone.localdate() > date(2026, 3, 31) else 0}
    assert list(figures.tasks_overdue(ids, date(2026, 3, 1), date(2026, 3, 31))) == (
        [t for t in past.tasks.filter(text="统计")] if march["overdue"] else []
    )
