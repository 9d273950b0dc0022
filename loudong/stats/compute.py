"""The figures of a scope over a period, computed in a few aggregate queries.

Every funnel figure and every rate's numerator and denominator are counted at once (conditional
counts, `COUNT(*) FILTER (WHERE ...)` on PostgreSQL) per combination of category, building, group
and volunteer (community and group) or of category and community (subdistrict and district), and
the breakdowns are folded from those rows. Finished requests are read from the tallies
(loudong.stats.tally: an area's months, weeks and days, a community's whole months); open ones, a
group's requests and the days around a community's whole months from the requests.
The filters come from loudong.stats.definitions, the same ones the lists behind the figures use.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from loudong.groups.models import BuildingGroup
from loudong.lib.natural import natural_key
from loudong.lib.shanghai import SHANGHAI
from loudong.lib.sql import plain_values
from loudong.registry.models import Building, Member
from loudong.stats import tally
from loudong.stats.definitions import (
    BREAKDOWN_FIGURES,
    FIGURES,
    FUNNEL,
    NOW,
    Q_RESOLVED,
    RATES,
    RECORD_SETS,
    RateDefinition,
)
from loudong.stats.domains import group_coverage, other_domains
from loudong.stats.models import TALLIED, AreaTally, AreaTrend, LocalTally
from loudong.stats.period import Period
from loudong.stats.results import (
    Breakdown,
    BreakdownRow,
    Coverage,
    Figure,
    Figures,
    Rate,
    TrendPoint,
)
from loudong.stats.scope import Scope
from loudong.stats.tally import LOCAL_DIMENSIONS, ShanghaiDate, monday, month_add
from loudong.tickets.models import OPEN

__all__ = [
    "Breakdown",
    "BreakdownRow",
    "Coverage",
    "Figure",
    "Figures",
    "Rate",
    "TrendPoint",
    "figures",
    "period_requests",
]

RATE_KEYS = tuple(k for r in RATES for k in (r.numerator.key, r.denominator.key))
BREAKDOWN_KEYS = (*BREAKDOWN_FIGURES, *RATE_KEYS)
MIN_WEEKS = 8
MIN_MONTHS = 12
AREA_LEVELS = ("subdistrict", "district")


def period_requests(scope: Scope, period: Period) -> QuerySet:
    """The requests of the scope collected in the period (by their Shanghai collection day)."""
    start, end = period.bounds()
    return scope.requests().filter(created_at__gte=start, created_at__lt=end)


def _counts(keys: Iterable[str], now: datetime) -> dict[str, Count]:
    return {key: Count("pk", filter=RECORD_SETS[key].q(now)) for key in keys}


def make_rate(definition: RateDefinition, counts: dict[str, int]) -> Rate:
    return Rate(
        definition.key,
        definition.label,
        definition.text,
        counts[definition.numerator.key],
        counts[definition.denominator.key],
        definition.numerator.label,
        definition.denominator.label,
    )


def _figure(key: str, count: int) -> Figure:
    d = FIGURES[key]
    return Figure(d.key, d.label, d.text, count)


PERIOD_KEYS = TALLIED
# The funnel and every breakdown come from counts per combination of these columns, summed in
# Python (a few thousand combinations at most for a community).
AREA_DIMENSIONS = ("category_code", "community_id")


def grouped_counts(requests: QuerySet, dimensions: tuple[str, ...], now: datetime) -> list[dict]:
    return plain_values(
        requests.values(*dimensions).annotate(**_counts(PERIOD_KEYS, now), name=Max("category_name")).order_by()
    )


def _fold(rows: list[dict], dimension: str, skip_none: bool = False) -> list[dict]:
    folded: dict[Any, dict] = {}
    for row in rows:
        value = row[dimension]
        if value is None and skip_none:
            continue
        into = folded.get(value)
        if into is None:
            folded[value] = {dimension: value, "name": row.get("name"), **{k: row[k] for k in BREAKDOWN_KEYS}}
        else:
            for k in BREAKDOWN_KEYS:
                into[k] += row[k]
    return list(folded.values())


def _breakdown(
    key: str, label: str, rows: list[dict], dimension: str, names: dict[Any, str], missing: str
) -> Breakdown:
    out = []
    for row in rows:
        value = row[dimension]
        counts = {k: row[k] for k in BREAKDOWN_KEYS}
        out.append(
            BreakdownRow(
                str(value) if value is not None else "",
                names.get(value, missing),
                counts,
                [make_rate(r, counts) for r in RATES],
            )
        )
    # Alphabetical by name, never by a count: these tables are not rankings.
    out.sort(key=lambda r: (r.label == missing, natural_key(r.label)))
    columns = [(k, FIGURES[k].label) for k in BREAKDOWN_FIGURES]
    return Breakdown(key, label, columns, out)


def by_category(grouped: list[dict]) -> Breakdown:
    rows = _fold(grouped, "category_code")
    names = {r["category_code"]: r["name"] for r in rows}
    return _breakdown("category", "按类别", rows, "category_code", names, "其他")


def by_building(grouped: list[dict]) -> Breakdown:
    rows = _fold(grouped, "building_id")
    names = dict(Building.objects.filter(pk__in=[r["building_id"] for r in rows]).values_list("pk", "name"))
    return _breakdown("building", "按楼栋", rows, "building_id", names, "未知楼栋")


def by_group(grouped: list[dict]) -> Breakdown:
    rows = _fold(grouped, "group_id")
    ids = [r["group_id"] for r in rows if r["group_id"]]
    names = dict(BuildingGroup.objects.filter(pk__in=ids).values_list("pk", "name"))
    return _breakdown("group", "按党小组", rows, "group_id", names, "未划入党小组")


def by_volunteer(grouped: list[dict]) -> Breakdown:
    rows = _fold(grouped, "assignee_id", skip_none=True)
    names = dict(Member.objects.filter(pk__in=[r["assignee_id"] for r in rows]).values_list("pk", "resident__name"))
    return _breakdown("volunteer", "按志愿者", rows, "assignee_id", names, "已删除的党员")


def by_community(grouped: list[dict], community_ids: list[int]) -> Breakdown:
    """Every community of the area, those without requests in the period too (with zeros)."""
    from loudong.registry.models import Community

    rows = _fold(grouped, "community_id")
    seen = {r["community_id"] for r in rows}
    rows += [{"community_id": pk, **dict.fromkeys(BREAKDOWN_KEYS, 0)} for pk in community_ids if pk not in seen]
    names = dict(Community.objects.filter(pk__in=community_ids).values_list("pk", "name"))
    return _breakdown("community", "按社区", rows, "community_id", names, "未知社区")


def _empty(key: str, label: str) -> Breakdown:
    return Breakdown(key, label, [(k, FIGURES[k].label) for k in BREAKDOWN_FIGURES], [])


# Trends -----------------------------------------------------------------------------------------


def trend_windows(period: Period, extend: bool = True) -> tuple[list[date], list[date]]:
    """Week starts (Mondays) and month starts the trends show: the period's whole weeks and months,
    and with `extend` at least the last 8 weeks / 12 months up to its end, so a short period still
    shows a line. Subdistricts and districts do not extend (their dashboards read every request of
    the window: a year of a district is millions of rows); choose 近12个月 there for a year's line."""
    last_week = monday(period.end)
    first_week = monday(period.start)
    last_month = period.end.replace(day=1)
    first_month = period.start.replace(day=1)
    if extend:
        first_week = min(first_week, last_week - timedelta(weeks=MIN_WEEKS - 1))
        first_month = min(first_month, month_add(last_month, -(MIN_MONTHS - 1)))
    weeks = [first_week + timedelta(weeks=i) for i in range((last_week - first_week).days // 7 + 1)]
    months, month = [], first_month
    while month <= last_month:
        months.append(month)
        month = month_add(month, 1)
    return weeks, months


def _day_counts(rows: QuerySet) -> QuerySet:
    return (
        rows.order_by()
        .annotate(day=ShanghaiDate("created_at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(collected=Count("pk"), resolved=Count("pk", filter=Q_RESOLVED))
    )


def _tallied(scope: Scope, first: date, last: date) -> list[tuple[str, date, int, int]]:
    """(span, start, collected, resolved) of the finished requests collected first..last: the whole
    weeks and months from the area tallies, and the days outside them ("d")."""
    whole_weeks, week_edges = tally.split_weeks(first, last)
    whole_months, month_edges = tally.split_months(first, last)
    q = Q(pk__in=[])
    for a, b in (*week_edges, *month_edges):
        q |= Q(span="d", start__gte=a, start__lte=b)
    if whole_weeks:
        q |= Q(span="w", start__gte=whole_weeks[0], start__lt=whole_weeks[1])
    if whole_months:
        q |= Q(span="m", start__gte=whole_months[0], start__lt=whole_months[1])
    rows = plain_values(
        AreaTrend.objects.filter(q, community_id__in_ids=scope.community_ids())
        .values("span", "start")
        .annotate(collected=Sum("collected"), resolved=Sum("resolved"))
        .order_by(),
        dates=("start",),
    )
    out = []
    for r in rows:
        span, start = r["span"], r["start"]
        if span == "d":  # a day row counts for its week, its month or both, where no whole row does
            in_weeks = whole_weeks is not None and whole_weeks[0] <= start < whole_weeks[1]
            in_months = whole_months is not None and whole_months[0] <= start < whole_months[1]
            span = "m-day" if in_weeks else "w-day" if in_months else "day"
        out.append((span, start, r["collected"], r["resolved"]))
    return out


def open_by_day(scope: Scope, now: datetime) -> list[dict]:
    """Every open request of the scope, whenever collected, per Shanghai collection day: collected
    and resolved (the trends' share of them) and the counts of now (在办, 现超期), in one read of
    them (the status filter lets the partial indexes of open requests answer it)."""
    rows = (
        scope.requests()
        .filter(status__among=OPEN)
        .order_by()
        .annotate(day=ShanghaiDate("created_at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(collected=Count("pk"), resolved=Count("pk", filter=Q_RESOLVED), **_counts([d.key for d in NOW], now))
    )
    return plain_values(rows, dates=("day",))


def trends(scope: Scope, period: Period, opened: list[dict]) -> tuple[list[TrendPoint], list[TrendPoint]]:
    """Per week and per month of collection: the requests collected, and how many of them are
    resolved now (the funnel's 收集 and 办结, week by week), up to the period's last day.
    A group counts its requests per Shanghai day; the other levels read the area tallies for the
    finished requests (whole weeks and months, the days around them) and add the open ones
    (`opened`, from open_by_day)."""
    weeks, months = trend_windows(period, extend=scope.level not in AREA_LEVELS)
    first = min(weeks[0], months[0])
    if scope.level == "group":
        lo, hi = Period(first, period.end).bounds()
        spans = [
            ("day", r["day"], r["collected"], r["resolved"])
            for r in _day_counts(scope.requests().filter(created_at__gte=lo, created_at__lt=hi))
        ]
    else:
        spans = [
            *_tallied(scope, first, period.end),
            *(("day", r["day"], r["collected"], r["resolved"]) for r in opened if first <= r["day"] <= period.end),
        ]
    by_week: dict[date, list[int]] = {w: [0, 0] for w in weeks}
    by_month: dict[date, list[int]] = {m: [0, 0] for m in months}
    for span, start, collected, resolved in spans:
        buckets = []
        if span in ("w", "day", "w-day"):
            buckets.append(by_week.get(monday(start)))
        if span in ("m", "day", "m-day"):
            buckets.append(by_month.get(start.replace(day=1)))
        for bucket in buckets:
            if bucket is not None:
                bucket[0] += collected
                bucket[1] += resolved
    weekly = [TrendPoint(w, f"{w.month}/{w.day}", *by_week[w]) for w in weeks]
    monthly = [TrendPoint(m, f"{m.year}年{m.month}月", *by_month[m]) for m in months]
    return weekly, monthly


# The whole dashboard -------------------------------------------------------------------------------


def _area_tally_rows(community_ids: list[int], first: date, last: date) -> list[dict]:
    """The finished requests collected first..last per category and community, from the area tallies."""
    rows = AreaTally.objects.filter(tally.area_q(first, last), community_id__in_ids=community_ids)
    return plain_values(rows.values(*AREA_DIMENSIONS).annotate(name=Max("category_name"), **tally.sums()).order_by())


def _local_tally_rows(community_id: int, first: date, last: date) -> list[dict]:
    """The finished requests collected in the months first..last per building, group and volunteer."""
    rows = LocalTally.objects.filter(community_id=community_id, start__gte=first, start__lte=last)
    return plain_values(rows.values(*tally.LOCAL_TALLIED).annotate(**tally.sums()).order_by())


def _response_pending(requests: QuerySet, dimensions: tuple[str, ...], now: datetime) -> list[dict]:
    """What the tallies of these finished requests count as if every deadline had passed, corrected
    for `now`: the difference for those whose response deadline is still ahead. Of the counts, only
    the response rate's denominator depends on `now` for a finished request, and only for one
    dispatched and never taken (Request.Meta's index request_finished_response_due holds those)."""
    ahead = tally.finished(requests).filter(
        accepted_at__isnull=True, dispatched_at__isnull=False, response_due_at__gt=now
    )
    keys = [k for k in PERIOD_KEYS if RECORD_SETS[k].q(now) != RECORD_SETS[k].q(tally.FAR_FUTURE)]  # read now
    far = {f"{key}.far": count for key, count in _counts(keys, tally.FAR_FUTURE).items()}
    rows = plain_values(
        ahead.values(*dimensions).annotate(**_counts(keys, now), **far, name=Max("category_name")).order_by()
    )
    out = []
    for r in rows:  # one read of them
        row = {d: r[d] for d in (*dimensions, "name")} | dict.fromkeys(PERIOD_KEYS, 0)
        row.update({k: r[k] - r[f"{k}.far"] for k in keys})
        out.append(row)
    return out


def period_rows(scope: Scope, period: Period, now: datetime) -> tuple[list[dict], list[dict]]:
    """The period's requests counted like grouped_counts (several rows per combination): rows with
    the category (the funnel and the categories, and an area's communities) and rows with the
    building, group and volunteer (a community's or group's other breakdowns), each request once in
    each list. An area: the finished ones from its tallies, the open ones from the requests. A
    community: its whole months from the tallies and its open requests, the days around them from
    the requests. A group (a few thousand requests a year) and a period without a whole month: the
    requests."""
    if scope.level in AREA_LEVELS:
        requests = period_requests(scope, period)
        rows = [
            *grouped_counts(requests.filter(status__among=OPEN), AREA_DIMENSIONS, now),
            *_area_tally_rows(scope.community_ids(), period.start, period.end),
            *_response_pending(requests, AREA_DIMENSIONS, now),
        ]
        return rows, rows
    whole, edges = tally.split_months(period.start, period.end)
    if scope.level == "group" or whole is None:
        rows = grouped_counts(period_requests(scope, period), LOCAL_DIMENSIONS, now)
        return rows, rows
    last = whole[1] - timedelta(days=1)
    tallied = period_requests(scope, Period(whole[0], last))
    live = [
        *grouped_counts(tallied.filter(status__among=OPEN), LOCAL_DIMENSIONS, now),
        *_response_pending(tallied, LOCAL_DIMENSIONS, now),
    ]
    for first, end in edges:
        live += grouped_counts(period_requests(scope, Period(first, end)), LOCAL_DIMENSIONS, now)
    return (
        [*_area_tally_rows([scope.pk], whole[0], last), *live],
        [*_local_tally_rows(scope.pk, whole[0], last), *live],
    )


def figures(scope: Scope, period: Period, *, now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    area = scope.level in AREA_LEVELS
    grouped, local = period_rows(scope, period, now)
    counts = {key: sum(row[key] for row in grouped) for key in PERIOD_KEYS}
    opened = open_by_day(scope, now)
    live = {d.key: sum(row[d.key] for row in opened) for d in NOW}
    weekly, monthly = trends(scope, period, opened)
    coverage = group_coverage(scope)
    return Figures(
        scope_level=scope.level,
        scope_pk=scope.pk,
        scope_name=scope.name,
        period_start=period.start,
        period_end=period.end,
        computed_at=now,
        tallied_at=tally.tallied_at(scope.community_ids(), now),
        funnel=[_figure(d.key, counts[d.key]) for d in FUNNEL],
        rates=[make_rate(r, counts) for r in RATES],
        open_now=_figure("open_now", live["open_now"]),
        overdue_now=_figure("overdue_now", live["overdue_now"]),
        by_category=by_category(grouped),
        by_building=_empty("building", "按楼栋") if area else by_building(local),
        by_group=_empty("group", "按党小组") if area else by_group(local),
        by_volunteer=_empty("volunteer", "按志愿者") if area else by_volunteer(local),
        by_community=by_community(grouped, scope.community_ids()) if area else _empty("community", "按社区"),
        trend_weekly=weekly,
        trend_monthly=monthly,
        group_coverage=coverage,
        **other_domains(scope, period, coverage.households),
    )
