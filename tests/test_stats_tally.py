"""The tallies behind the figures (loudong.stats.tally) give exactly what a scan of the requests gives,
at every level and for periods of any shape, while requests keep changing through the actions:
resolved, reopened, rated, merged, escalated, closed unrated, a request crossing Shanghai midnight,
a volunteer deleted; a rebuild gives the same rows as the day-by-day recounts."""

from datetime import date, datetime, timedelta

import pytest
from helpers.stats_history import NOW, at, build_history, handled, place, resolved, tally_rows
from helpers.worker import tallies

from loudong.hours.sources import minutes_by_member
from loudong.lib.shanghai import SHANGHAI
from loudong.stats import tally
from loudong.stats.compute import (
    AREA_DIMENSIONS,
    LOCAL_DIMENSIONS,
    PERIOD_KEYS,
    by_building,
    by_category,
    by_community,
    by_group,
    by_volunteer,
    figures,
    grouped_counts,
    period_requests,
    trend_windows,
)
from loudong.stats.models import AreaTally, AreaTrend, DirtyDay, ErrandMonth, ErrandWeek, LocalTally
from loudong.stats.period import Period
from loudong.stats.scope import Scope
from loudong.tickets import actions
from loudong.tickets import hours_source as errand_source
from loudong.tickets.models import Request, Status

PERIODS = (
    Period.month(2026, 11),
    Period(date(2026, 10, 15), date(2026, 12, 5)),  # a whole month with days on either side
    Period(date(2026, 9, 1), date(2026, 12, 31)),  # whole months only
    Period(date(2026, 11, 2), date(2026, 11, 15)),  # two whole weeks, no whole month
    Period(date(2026, 11, 30), date(2026, 11, 30)),  # one day
    Period(date(2026, 10, 31), date(2026, 11, 1)),  # across a month's end
)


def scopes(w) -> list[Scope]:
    return [
        Scope.for_group(w.group),
        Scope.for_community("xihu"),
        Scope("subdistrict", w.subdistrict.pk, "街道"),
        Scope("district", w.district.pk, "区"),
    ]


def expected(scope: Scope, period: Period, now: datetime) -> dict:
    """What a scan of the period's requests gives: counts, breakdowns, trends."""
    area = scope.level in ("subdistrict", "district")
    rows = grouped_counts(period_requests(scope, period).order_by(), AREA_DIMENSIONS if area else LOCAL_DIMENSIONS, now)
    weeks, months = trend_windows(period, extend=not area)
    by_week = {w: [0, 0] for w in weeks}
    by_month = {m: [0, 0] for m in months}
    first = Period(min(weeks[0], months[0]), period.end)
    for req in period_requests(scope, first):
        day = req.created_at.astimezone(SHANGHAI).date()
        for bucket in (by_week.get(day - timedelta(days=day.weekday())), by_month.get(day.replace(day=1))):
            if bucket is not None:
                bucket[0] += 1
                bucket[1] += req.status in (Status.RESOLVED, Status.CLOSED)
    breakdowns = [by_category(rows)]
    if area:
        breakdowns.append(by_community(rows, scope.community_ids()))
    else:
        breakdowns += [by_building(rows), by_group(rows), by_volunteer(rows)]
    return {
        "counts": {key: sum(r[key] for r in rows) for key in PERIOD_KEYS},
        "breakdowns": [(b.key, [(r.key, r.label, r.counts) for r in b.rows]) for b in breakdowns],
        "weekly": [tuple(v) for v in by_week.values()],
        "monthly": [tuple(v) for v in by_month.values()],
    }


def computed(scope: Scope, period: Period, now: datetime) -> dict:
    f = figures(scope, period, now=now)
    counts = {fig.key: fig.count for fig in f.funnel}
    for rate in f.rates:
        counts[f"{rate.key}.num"], counts[f"{rate.key}.den"] = rate.numerator, rate.denominator
    area = scope.level in ("subdistrict", "district")
    breakdowns = [f.by_category, *([f.by_community] if area else [f.by_building, f.by_group, f.by_volunteer])]
    return {
        "counts": counts,
        "breakdowns": [(b.key, [(r.key, r.label, r.counts) for r in b.rows]) for b in breakdowns],
        "weekly": [(p.collected, p.resolved) for p in f.trend_weekly],
        "monthly": [(p.collected, p.resolved) for p in f.trend_monthly],
    }


def assert_as_scanned(w, now: datetime = NOW) -> None:
    """Once the worker has counted the changes (its "tallies" job), every figure is what a scan gives."""
    tallies()
    for scope in scopes(w):
        for period in PERIODS:
            assert computed(scope, period, now) == expected(scope, period, now), (scope.level, period)
    for period in PERIODS:  # the errands' volunteer hours, per member, against their records
        records: dict[int, int] = {}
        for r in errand_source.service_records_many([w.community.pk], period.start, period.end):
            records[r.member_id] = records.get(r.member_id, 0) + r.minutes
        totals = minutes_by_member(errand_source, [w.community.pk, w.other.pk], period.start, period.end)
        assert totals == records, period
        assert errand_source.minutes_by_member([w.community.pk], period.start, period.end) == records, period


@pytest.fixture
def history(world):
    return build_history(world)


def test_figures_from_the_tallies_equal_a_scan_at_every_level_and_period(history):
    assert_as_scanned(history)
    assert AreaTally.objects.filter(span="m").exists() and LocalTally.objects.exists()
    assert ErrandMonth.objects.exists() and ErrandWeek.objects.exists() and AreaTrend.objects.filter(span="w").exists()
    assert not DirtyDay.objects.exists()


def test_changes_through_the_actions_keep_the_tallies_exact(history):
    w, h = history, history.h
    assert_as_scanned(w)  # the tallies exist now; everything below changes them
    # The open request reopened by 不满意 is resolved again and closed unrated.
    resolved(w, h["reopened_open"], at(12, 2, 10))
    assert DirtyDay.objects.filter(day=date(2026, 11, 9)).exists()
    assert_as_scanned(w)
    # 不满意 reopens a resolved request; resolved again and rated 基本满意.
    req = resolved(w, handled(w, place(w, at(11, 21, 9)), 21), at(11, 22, 9))
    actions.confirm(req, "unsatisfied", "还是坏的", now=at(11, 22, 12))
    assert_as_scanned(w)
    actions.confirm(resolved(w, req, at(11, 23, 9)), "basic", now=at(11, 23, 10))
    # 23:59 on 30 November Beijing time, resolved after midnight: November's, resolved.
    night = handled(w, place(w, at(11, 30, 23, 59)), 30)
    resolved(w, night, datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))
    # Merged, escalated and resolved by the community, closed unrated.
    dup = place(w, at(11, 24, 9))
    actions.merge(dup, night, by=w.leader, now=at(12, 1, 10))
    up = handled(w, place(w, at(11, 25, 9)), 25)
    actions.escalate(up, by=w.leader, reason="需要社区协调", now=at(11, 25, 11))
    actions.resolve(up, by=w.admin, resolution="offline", reply="社区已协调", now=at(11, 26, 10))
    actions.close_unrated(up, now=at(11, 29, 11))
    assert_as_scanned(w)
    november = figures(Scope.for_community("xihu"), Period.month(2026, 11), now=NOW)
    assert (
        november.figure("resolved").count
        == expected(Scope.for_community("xihu"), Period.month(2026, 11), NOW)["counts"]["resolved"]
    )
    before = tally_rows()
    tally.rebuild()
    assert tally_rows() == before


def test_a_finished_request_whose_response_deadline_is_ahead_counts_once_it_passes(history):
    """Dispatched, escalated before anyone took it and resolved by the community within the response
    time: not yet owed a response (应响应) until its response deadline passes."""
    w = history
    req = place(w, at(11, 27, 9))
    actions.dispatch(req, w.wang_member, by=w.leader, now=at(11, 27, 9, 30))
    actions.escalate(req, by=w.leader, reason="需要社区协调", now=at(11, 27, 10))
    actions.resolve(req, by=w.admin, resolution="offline", reply="社区已协调", now=at(11, 27, 11))
    req.refresh_from_db()
    assert req.status == Status.RESOLVED and req.response_due_at > at(11, 27, 11)
    tallies()
    community = Scope.for_community("xihu")
    for now in (at(11, 27, 12), req.response_due_at + timedelta(minutes=1)):
        assert computed(community, Period.month(2026, 11), now) == expected(community, Period.month(2026, 11), now)
    early = figures(community, Period.month(2026, 11), now=at(11, 27, 12)).rate("response_rate").denominator
    late = figures(community, Period.month(2026, 11), now=req.response_due_at).rate("response_rate").denominator
    assert late == early + 1
    assert_as_scanned(w, at(11, 27, 12))


def test_a_deleted_volunteer_leaves_the_same_figures_as_a_scan(history):
    w = history
    assert_as_scanned(w)
    w.wang_member.delete()
    assert LocalTally.objects.filter(assignee__isnull=True).exists()
    assert_as_scanned(w)


def test_stats_rebuild_counts_one_community_again(history, capsys):
    from django.core.management import CommandError, call_command

    tally.refresh()
    before = tally_rows()
    Request.objects.filter(community=history.community).update(category_name="改过的名称")  # bypasses the actions
    call_command("stats_rebuild", "--community", "xihu")
    assert "汇总表已重新统计" in capsys.readouterr().out
    assert tally_rows() == before
    assert set(AreaTally.objects.values_list("category_name", flat=True)) == {"改过的名称"}
    with pytest.raises(CommandError, match="没有代码为“nowhere”的社区"):
        call_command("stats_rebuild", "--community", "nowhere")


def test_periods_are_cut_into_whole_months_weeks_and_days():
    assert tally.split_months(date(2026, 10, 15), date(2026, 12, 5)) == (
        (date(2026, 11, 1), date(2026, 12, 1)),
        [(date(2026, 10, 15), date(2026, 10, 31)), (date(2026, 12, 1), date(2026, 12, 5))],
    )
    assert tally.split_months(date(2026, 11, 2), date(2026, 11, 29)) == (
        None,
        [(date(2026, 11, 2), date(2026, 11, 29))],
    )
    assert tally.split_weeks(date(2026, 11, 2), date(2026, 11, 29)) == ((date(2026, 11, 2), date(2026, 11, 30)), [])
    assert tally.split_months(date(2026, 1, 1), date(2026, 12, 31)) == ((date(2026, 1, 1), date(2027, 1, 1)), [])
