"""Figures computed from a known history written with the real workflow actions: every funnel
figure and rate exactly, the edge cases (reopened, merged, escalated, declined, paused, across
period boundaries, the Shanghai day), the display rule for few cases, and the lists behind the
figures equal to their counts."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from helpers.stats_history import NOV, NOW, at, build_history, handled, place

from loudong.lib.shanghai import SHANGHAI
from loudong.stats import coverage, tally
from loudong.stats.compute import figures
from loudong.stats.definitions import RECORD_SETS
from loudong.stats.period import Period, PeriodError, preset
from loudong.stats.records import records_behind
from loudong.stats.results import Rate
from loudong.stats.scope import Scope, scope_for, shows_people
from loudong.tickets.models import Request, Status

OCT = Period.month(2026, 10)
DEC = Period.month(2026, 12)


@pytest.fixture
def history(world):
    return build_history(world)


def counts(f) -> dict[str, int]:
    return {fig.key: fig.count for fig in f.funnel}


def test_the_funnel_of_a_month_counts_each_request_once_by_its_shanghai_collection_day(history):
    f = figures(Scope.for_community("xihu"), NOV, now=NOW)
    assert counts(f) == {
        "collected": 12,
        "accepted": 8,
        "dispatched": 8,
        "taken": 6,
        "resolved": 5,
        "resolved_online": 2,
        "resolved_offline": 3,
        "confirmed": 4,
        "rated": 5,
        "rejected": 1,
        "merged": 1,
        "escalated": 1,
        "overdue": 5,
    }


def test_rates_have_exact_numerators_and_denominators(history):
    f = figures(Scope.for_community("xihu"), NOV, now=NOW)
    rates = {r.key: (r.numerator, r.denominator) for r in f.rates}
    assert rates == {
        "response_rate": (5, 8),
        "on_time_rate": (4, 9),
        "satisfaction_rate": (4, 5),
        "followup_rate": (4, 5),
    }
    assert f.rate("response_rate").display() == "62.5%"
    assert f.rate("on_time_rate").display() == "44.4%"
    assert f.rate("satisfaction_rate").display() == "80%"


def test_open_and_overdue_now_ignore_the_period(history):
    f = figures(Scope.for_community("xihu"), OCT, now=NOW)
    # open: reopened_open, last_evening, declined, waiting, no_group, december; waiting is paused.
    assert (f.open_now.count, f.overdue_now.count) == (6, 5)


def test_a_request_resolved_after_the_month_counts_in_the_month_it_was_collected(history):
    october = counts(figures(Scope.for_community("xihu"), OCT, now=NOW))
    assert (october["collected"], october["resolved"], october["confirmed"]) == (1, 1, 1)
    december = counts(figures(Scope.for_community("xihu"), DEC, now=NOW))
    assert (december["collected"], december["resolved"], december["overdue"]) == (1, 0, 1)


def test_a_request_at_2330_beijing_time_on_the_last_day_belongs_to_that_month(history):
    nov_30 = Period(date(2026, 11, 30), date(2026, 11, 30))
    assert list(records_behind(Scope.for_community("xihu"), nov_30, "collected", now=NOW)) == [
        history.h["last_evening"]
    ]
    dec_1 = Period(date(2026, 12, 1), date(2026, 12, 1))
    assert list(records_behind(Scope.for_community("xihu"), dec_1, "collected", now=NOW)) == [history.h["december"]]


def test_reopened_merged_and_escalated_requests_fall_where_their_definitions_say(history):
    scope, h = Scope.for_community("xihu"), history.h

    def members(key):
        return set(records_behind(scope, NOV, key, now=NOW))

    assert h["reopened"] in members("resolved_online") and h["reopened"] not in members("resolved_offline")
    assert h["reopened_open"] not in members("resolved") and h["reopened_open"] in members("rated")
    assert h["reopened_open"] not in members("confirmed") and h["reopened_open"] in members("overdue")
    assert h["merged"] in members("merged") and h["merged"] not in members("accepted") | members("resolved")
    assert h["escalated"] in members("resolved") and h["escalated"] not in members("taken")
    assert h["escalated"] not in members("confirmed") and h["escalated"] in members("followup_rate.den")
    assert h["declined"] in members("dispatched") and h["declined"] not in members("taken")
    assert h["waiting"] not in members("overdue")
    assert h["late"] in members("response_rate.den") and h["late"] not in members("response_rate.num")
    assert Request.objects.get(pk=h["reopened"].pk).reopen_count == 1


def test_every_list_behind_a_figure_has_as_many_requests_as_the_figure(history):
    for scope in (Scope.for_community("xihu"), Scope.for_group(history.group)):
        f = figures(scope, NOV, now=NOW)
        shown = {fig.key: fig.count for fig in (*f.funnel, f.open_now, f.overdue_now)}
        for rate in f.rates:
            shown[f"{rate.key}.num"], shown[f"{rate.key}.den"] = rate.numerator, rate.denominator
        assert set(shown) == set(RECORD_SETS)
        for key, count in shown.items():
            assert records_behind(scope, NOV, key, now=NOW).count() == count, key


def test_the_group_counts_only_its_own_requests(history):
    f = figures(Scope.for_group(history.group), NOV, now=NOW)
    assert counts(f)["collected"] == 11  # not the one in the building without a group
    assert f.open_now.count == 5


def test_breakdowns_count_the_same_requests_as_the_funnel(history):
    f = figures(Scope.for_community("xihu"), NOV, now=NOW)
    categories = {row.label: row.counts["collected"] for row in f.by_category.rows}
    assert categories == {"政策咨询": 11, "环境卫生": 1}
    groups = {row.label: (row.counts["collected"], row.counts["resolved"]) for row in f.by_group.rows}
    assert groups == {"环城北路93号党小组": (11, 5), "未划入党小组": (1, 0)}
    volunteer = f.by_volunteer.rows
    assert [r.label for r in volunteer] == ["王秀英"]
    assert volunteer[0].counts["collected"] == 7  # the declined one has no assignee any more
    assert volunteer[0].rate("satisfaction_rate").cases == "4/5 件"
    buildings = {row.label: row.counts["collected"] for row in f.by_building.rows}
    assert buildings == {"环城北路93号": 11, "学宫巷3号": 1}
    for table in (f.by_category, f.by_group, f.by_building):
        for key in ("collected", "resolved", "overdue"):
            assert sum(row.counts[key] for row in table.rows) == f.figure(key).count


def test_breakdown_rows_list_the_same_requests_as_their_counts(history):
    scope = Scope.for_community("xihu")
    f = figures(scope, NOV, now=NOW)
    for table in f.breakdowns():
        for row in table.rows:
            for key, count in row.counts.items():
                rows = records_behind(scope, NOV, key, now=NOW, dimension=table.key, value=row.key)
                assert rows.count() == count, (table.key, row.label, key)


def test_a_rate_on_fewer_than_five_cases_is_shown_as_cases_not_a_percentage():
    assert Rate("r", "满意率", "", 3, 4).display() == "3/4 件"
    assert Rate("r", "满意率", "", 0, 0).display() == "暂无"
    assert Rate("r", "满意率", "", 4, 5).display() == "80%"
    assert Rate("r", "满意率", "", 2, 3).percent == 66.7


def test_trends_count_each_collection_week_and_how_many_of_those_are_resolved_now(history):
    f = figures(Scope.for_community("xihu"), NOV, now=NOW)
    weeks = {p.start: (p.collected, p.resolved) for p in f.trend_weekly}
    assert weeks[date(2026, 10, 26)] == (1, 1)  # the 31 October one (a Saturday), resolved in November
    assert weeks[date(2026, 11, 2)] == (3, 3)  # plain, basic and reopened, all resolved
    assert weeks[date(2026, 11, 9)] == (4, 1)  # reopened_open, merged, rejected, escalated (resolved)
    assert weeks[date(2026, 11, 30)] == (1, 0)  # 23:30 on Monday 30 November
    assert sum(c for c, _ in weeks.values()) == 13
    months = {p.start: (p.collected, p.resolved) for p in f.trend_monthly}
    assert len(months) == 12 and months[date(2026, 11, 1)] == (12, 5)  # the funnel's 收集 and 办结
    assert months[date(2026, 10, 1)] == (1, 1)


def test_group_coverage_counts_members_in_groups_and_households_served(history):
    cov = figures(Scope.for_community("xihu"), NOV, now=NOW).group_coverage
    assert (cov.members, cov.members_in_groups, cov.households, cov.households_served) == (2, 2, 2, 1)
    assert cov.households_rate.display() == "1/2 户"


def test_area_levels_roll_up_their_communities_without_people(history):
    sub = Scope("subdistrict", history.subdistrict.pk, history.subdistrict.name)
    f = figures(sub, NOV, now=NOW)
    assert counts(f)["collected"] == 12
    assert [(r.label, r.counts["collected"]) for r in f.by_community.rows] == [("西湖新村社区", 12)]
    district = figures(Scope("district", history.district.pk, ""), NOV, now=NOW)
    assert sorted((r.label, r.counts["collected"]) for r in district.by_community.rows) == [
        ("别的社区", 0),
        ("西湖新村社区", 12),
    ]
    assert f.by_volunteer.rows == [] and f.by_building.rows == []
    district = Scope("district", history.district.pk, history.district.name)
    assert counts(figures(district, NOV, now=NOW))["resolved"] == 5


def test_scope_for_allows_each_role_its_own_level_only(world):
    w = world
    assert scope_for(w.admin, "community", w.community.pk).name == "西湖新村社区"
    assert scope_for(w.admin, "group", w.group.pk).level == "group"
    assert scope_for(w.leader, "group", w.group.pk).name == "环城北路93号党小组"
    assert scope_for(w.overseer, "subdistrict", w.subdistrict.pk).name == "青山街道"
    assert scope_for(w.overseer, "community", w.community.pk).level == "community"
    for user, level, pk in [
        (w.leader, "community", w.community.pk),
        (w.volunteer, "group", w.group.pk),
        (w.resident, "community", w.community.pk),
        (w.outsider, "community", w.community.pk),
        (w.outsider, "group", w.group.pk),
        (w.overseer, "district", w.district.pk),
        (w.admin, "subdistrict", w.subdistrict.pk),
        (w.admin, "nonsense", 1),
        (w.admin, "community", 999999),
    ]:
        with pytest.raises(Http404):
            scope_for(user, level, pk)
    assert shows_people(w.admin, scope_for(w.admin, "community", w.community.pk))
    assert shows_people(w.leader, scope_for(w.leader, "group", w.group.pk))
    assert not shows_people(w.overseer, scope_for(w.overseer, "community", w.community.pk))


def test_periods_parse_with_chinese_errors_and_presets_end_today():
    assert Period.parse("2026-01-01", "2026-01-31").bounds()[0].isoformat() == "2026-01-01T00:00:00+08:00"
    for bad, words in [
        (("", "2026-01-31"), "开始日期"),
        (("2026-02-30", "2026-03-01"), "不是有效日期"),
        (("2026-03-01", "2026-02-01"), "不能早于"),
    ]:
        with pytest.raises(PeriodError) as error:
            Period.parse(*bad)
        assert words in str(error.value)
    on = date(2026, 5, 20)
    assert preset("this_month", on) == Period(date(2026, 5, 1), on)
    assert preset("last_month", on) == Period(date(2026, 4, 1), date(2026, 4, 30))
    assert preset("this_quarter", on) == Period(date(2026, 4, 1), on)
    assert preset("this_year", on) == Period(date(2026, 1, 1), on)
    assert preset("last_12_months", on) == Period(date(2025, 5, 1), on)
    assert preset("last_month", date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize("on", [date(2026, 12, 7), date(2026, 12, 31), date(2027, 1, 1)])
def test_the_last_twelve_months_are_never_this_year_not_even_in_december(on):
    last_12 = preset("last_12_months", on)
    assert last_12 != preset("this_year", on)
    assert last_12 == Period(date(on.year - 1, on.month, 1), on)


def test_figures_take_the_same_few_queries_whatever_the_number_of_requests(history):
    def queries() -> list[str]:
        tally.refresh()  # the days the actions marked stale are recounted once, before
        coverage.refresh()  # and the communities whose households and members the fixture wrote
        with CaptureQueriesContext(connection) as context:
            figures(Scope.for_community("xihu"), NOV, now=NOW)
        return [q["sql"] for q in context.captured_queries]

    before = queries()
    for day in range(2, 12):
        handled(history, place(history, at(11, day, 8), category_code="hardship"), day)
    after = queries()
    assert len(after) == len(before)
    assert sum('FROM "tickets_request"' in sql for sql in after) <= 12


def test_statuses_of_the_history_are_what_the_actions_left(history):
    h = history.h
    status = {k: Request.objects.get(pk=v.pk).status for k, v in h.items()}
    assert status["reopened_open"] == Status.ACCEPTED and status["escalated"] == Status.CLOSED
    assert status["declined"] == Status.SUBMITTED and status["waiting"] == Status.WAITING


def test_the_community_and_its_group_read_the_other_domains_figures(history):
    f = figures(Scope.for_community("xihu"), NOV, now=NOW)
    assert f.visit_coverage.denominator == 2 and f.visit_coverage.numerator == 0
    assert f.activities_by_type and all(n == 0 for _, _, n in f.activities_by_type)
    assert (f.people_covered, f.meetings_held) == (0, 0)
    assert f.hours_total[1] == 1  # wang's minutes on the offline errands she resolved
    g = figures(Scope.for_group(history.group), NOV, now=NOW)  # its own (tests/test_stats_group_domains.py)
    assert (g.visit_coverage.numerator, g.visit_coverage.denominator) == (0, 1)  # the household of its stairwell
    assert g.hours_total == f.hours_total  # wang is a member of the group


def test_a_trend_day_is_the_shanghai_day_on_either_side_of_midnight(world):
    place(world, datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))  # 16:30 UTC on 30 November
    place(world, datetime(2026, 11, 30, 7, 30, tzinfo=SHANGHAI))  # 23:30 UTC on 29 November
    f = figures(Scope.for_community("xihu"), Period(date(2026, 11, 1), date(2026, 12, 6)), now=NOW)
    months = {p.start: p.collected for p in f.trend_monthly}
    assert months[date(2026, 11, 1)] == 1 and months[date(2026, 12, 1)] == 1
    weeks = {p.start: p.collected for p in f.trend_weekly}
    assert weeks[date(2026, 11, 30)] == 2 and weeks[date(2026, 11, 23)] == 0
