"""敲门问需: schedules by care tag, due and overdue, logging a visit, a need becoming a request in
one step, and the figures other parts read (coverage, hours)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from loudong.accounts.models import AuditEntry
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.outreach import actions
from loudong.outreach.figures import visit_coverage, visits_in
from loudong.outreach.hours_source import service_records
from loudong.outreach.models import Visit
from loudong.outreach.schedule import DueState, schedule, state_of
from loudong.policy.models import current_rules, save_rules
from loudong.registry.models import CareTag, Household
from loudong.tickets.models import Request

TODAY = date(2026, 11, 20)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def visit(w, household, day: date, home: str = Visit.Home.MET, minutes: int = 20, hour: int = 10) -> Visit:
    return actions.log_visit(
        household=household,
        volunteer=w.wang_member,
        by=w.volunteer,
        visited_at=at(day, hour),
        minutes=minutes,
        someone_home=home,
        now=at(TODAY, 23),
    )


def due_of(w, household) -> "object":
    rows = schedule(Household.objects.filter(pk=household.pk), current_rules(w.community.pk), TODAY)
    return rows[0]


def test_a_household_with_an_elder_living_alone_is_visited_weekly_and_others_monthly(world):
    w = world
    assert due_of(w, w.household).care_tags == ["独居老人"]
    assert due_of(w, w.household).visit_days == 7
    assert due_of(w, w.household2).visit_days == 30


def test_the_interval_follows_the_policy_the_admin_sets(world):
    w = world
    rules = current_rules(w.community.pk)
    save_rules(
        w.community.pk,
        type(rules)(**{**rules.__dict__, "visit_days_by_care_tag": {"独居老人": 3}, "visit_default_days": 60}),
    )
    assert due_of(w, w.household).visit_days == 3
    assert due_of(w, w.household2).visit_days == 60


def test_the_shortest_interval_of_any_tag_in_the_household_wins(world):
    w = world
    w.zhang.care_tags.add(CareTag.objects.create(community=w.community, name="残疾"))
    assert due_of(w, w.household2).visit_days == 14


def test_never_visited_is_due_now_and_a_missed_week_is_overdue():
    assert state_of(None, 7, TODAY) == (TODAY, DueState.DUE)
    assert state_of(TODAY - timedelta(days=8), 7, TODAY) == (TODAY - timedelta(days=1), DueState.OVERDUE)
    assert state_of(TODAY - timedelta(days=7), 7, TODAY) == (TODAY, DueState.DUE)
    assert state_of(TODAY - timedelta(days=6), 7, TODAY) == (TODAY + timedelta(days=1), DueState.SOON)
    assert state_of(TODAY - timedelta(days=2), 7, TODAY)[1] == DueState.DONE
    assert state_of(TODAY - timedelta(days=27), 30, TODAY)[1] == DueState.SOON
    assert state_of(TODAY - timedelta(days=20), 30, TODAY)[1] == DueState.DONE


def test_a_visit_where_someone_was_home_resets_the_schedule_but_a_closed_door_does_not(world):
    w = world
    visit(w, w.household, TODAY - timedelta(days=10))
    visit(w, w.household, TODAY - timedelta(days=1), home=Visit.Home.AWAY)
    row = due_of(w, w.household)
    assert row.state == DueState.OVERDUE and row.next_due == TODAY - timedelta(days=3)
    assert row.last_knock == TODAY - timedelta(days=1)
    visit(w, w.household, TODAY)
    row = due_of(w, w.household)
    assert row.state == DueState.DONE and row.next_due == TODAY + timedelta(days=7)


def test_the_most_pressing_households_come_first(world):
    w = world
    visit(w, w.household2, TODAY - timedelta(days=40))
    extra = Household.objects.create(community=w.community, stairwell=w.stairwell, room="302")
    visit(w, extra, TODAY - timedelta(days=3))
    rows = schedule(Household.objects.filter(community=w.community), current_rules(w.community.pk), TODAY)
    assert [r.household for r in rows] == [w.household2, w.household, extra]
    assert [r.state for r in rows] == [DueState.OVERDUE, DueState.DUE, DueState.DONE]


def test_logging_a_visit_records_who_was_met_and_writes_the_audit_log(world):
    w = world
    logged = actions.log_visit(
        household=w.household,
        volunteer=w.wang_member,
        by=w.volunteer,
        visited_at=timezone.now(),
        minutes=30,
        met=[w.liu],
        needs="想办理高龄补贴",
    )
    assert list(logged.met.all()) == [w.liu]
    assert logged.minutes == 30 and logged.created_by == w.volunteer
    entry = AuditEntry.objects.get(object_type="visit")
    assert entry.action == "create" and entry.detail["有需求"] is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": 0}, "用时须在 1 到 600 分钟之间"),
        ({"minutes": 601}, "用时须在 1 到 600 分钟之间"),
        ({"visited_at": "future"}, "走访时间不能晚于现在"),
        ({"visited_at": "long_ago"}, "只能补记 90 天以内的走访"),
        ({"someone_home": "away", "met": "liu"}, "选了“无人在家”，就不要勾选见到的居民"),
        ({"met": "zhang"}, "勾选的居民不住在这一户"),
        ({"needs": "很" * 2001}, "发现的需求太长了"),
        ({"someone_home": "maybe"}, "请选择是否有人在家"),
    ],
)
def test_bad_visits_are_refused_in_chinese_and_nothing_is_saved(world, changes, message):
    w = world
    now = timezone.now()
    values = {"visited_at": now, "minutes": 20, "someone_home": "met", "met": "", "needs": ""}
    values.update(changes)
    values["visited_at"] = {"future": now + timedelta(hours=2), "long_ago": now - timedelta(days=91)}.get(
        values["visited_at"], values["visited_at"]
    )
    values["met"] = {"liu": [w.liu], "zhang": [w.zhang]}.get(values["met"], [])
    with pytest.raises(ActionRefused, match=message):
        actions.log_visit(household=w.household, volunteer=w.wang_member, by=w.volunteer, **values)
    assert not Visit.objects.exists()


def test_a_need_found_becomes_a_request_from_the_visit_in_one_step(world):
    w = world
    logged = actions.log_visit(
        household=w.household,
        volunteer=w.wang_member,
        by=w.volunteer,
        visited_at=timezone.now(),
        met=[w.liu],
        needs="楼道灯坏了，晚上看不见",
    )
    req = actions.request_from_visit(logged, category_code="environment", by=w.volunteer)
    logged.refresh_from_db()
    assert logged.request == req
    assert req.channel == Request.Channel.VISIT and req.status == Request.Status.SUBMITTED
    assert req.household == w.household and req.resident == w.liu and req.group == w.group
    assert req.description == "楼道灯坏了，晚上看不见" and req.created_by == w.volunteer
    assert req.events.filter(kind="placed").exists()
    with pytest.raises(ActionRefused, match="已经转为点单"):
        actions.request_from_visit(logged, category_code="environment", by=w.volunteer)
    assert Request.objects.count() == 1


def test_a_visit_without_needs_or_with_an_unknown_category_makes_no_request(world):
    w = world
    quiet = actions.log_visit(household=w.household, volunteer=w.wang_member, by=w.volunteer, visited_at=timezone.now())
    with pytest.raises(ActionRefused, match="没有记录需求"):
        actions.request_from_visit(quiet, category_code="environment", by=w.volunteer)
    needy = actions.log_visit(
        household=w.household, volunteer=w.wang_member, by=w.volunteer, visited_at=timezone.now(), needs="想咨询医保"
    )
    with pytest.raises(ActionRefused, match="请选择诉求类别"):
        actions.request_from_visit(needy, category_code="nonsense", by=w.volunteer)
    assert not Request.objects.exists()
    needy.refresh_from_db()
    assert needy.request is None


def test_coverage_counts_households_met_on_a_local_date_in_the_period(world):
    w = world
    start, end = date(2026, 11, 1), date(2026, 11, 15)
    visit(w, w.household, end, hour=23)  # 23:00 in Shanghai on the last day: in
    visit(w, w.household, date(2026, 11, 3))  # the same household again: counted once
    visit(w, w.household2, end + timedelta(days=1), hour=0)  # 00:00 the day after: out
    visit(w, w.household2, date(2026, 11, 10), home=Visit.Home.AWAY)  # nobody home: out
    assert visit_coverage([w.community.pk], start, end) == (1, 2)
    assert visits_in([w.community.pk], start, end).count() == 2
    assert visit_coverage([w.other.pk], start, end) == (0, 1)


def test_every_visit_is_volunteer_service_once_on_its_local_date(world):
    w = world
    late = visit(w, w.household, date(2026, 11, 15), minutes=30, hour=23)
    away = visit(w, w.household2, date(2026, 11, 14), home=Visit.Home.AWAY, minutes=10)
    visit(w, w.household2, date(2026, 11, 16), hour=0)
    records = service_records(w.community.pk, date(2026, 11, 1), date(2026, 11, 15))
    assert [(r.source, r.source_id, r.member_id, r.served_on, r.minutes) for r in records] == [
        ("visit", away.pk, w.wang_member.pk, date(2026, 11, 14), 10),
        ("visit", late.pk, w.wang_member.pk, date(2026, 11, 15), 30),
    ]
    assert {r.content for r in records} == {"入户走访（敲门问需）"}
    assert service_records(w.other.pk, date(2026, 11, 1), date(2026, 11, 15)) == []
