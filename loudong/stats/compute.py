"""The figures of a scope over a period, computed in a few aggregate queries.

One query counts every funnel figure and every rate's numerator and denominator at once
(conditional counts, `COUNT(*) FILTER (WHERE ...)` on PostgreSQL); one per breakdown groups the
same counts by category, building, group or volunteer; two per trend. The filters come from
loudong.stats.definitions, the same ones the lists behind the figures use.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from loudong.community_life.activities import figures as activity_figures
from loudong.community_life.meetings import figures as meeting_figures
from loudong.groups.models import BuildingGroup
from loudong.hours import figures as hours_figures
from loudong.outreach import figures as outreach_figures
from loudong.registry.models import Building, Household, Member
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
from loudong.stats.period import SHANGHAI, Period
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

__all__ = ["Breakdown", "BreakdownRow", "Coverage", "Figure", "Figures", "Rate", "TrendPoint", "figures",
           "period_requests"]

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
    return Rate(definition.key, definition.label, definition.text, counts[definition.numerator.key],
                counts[definition.denominator.key], definition.numerator.label, definition.denominator.label)


def _figure(key: str, count: int) -> Figure:
    d = FIGURES[key]
    return Figure(d.key, d.label, d.text, count)


def _rows(queryset: QuerySet, dimension: str, now: datetime, extra: dict[str, Any] | None = None) -> list[dict]:
    return list(queryset.values(dimension).annotate(**_counts(BREAKDOWN_KEYS, now), **(extra or {}))
                .order_by(dimension))


def _breakdown(key: str, label: str, rows: list[dict], dimension: str, names: dict[Any, str],
               missing: str) -> Breakdown:
    out = []
    for row in rows:
        value = row[dimension]
        counts = {k: row[k] for k in BREAKDOWN_KEYS}
        out.append(BreakdownRow(str(value) if value is not None else "", names.get(value, missing),
                                counts, [make_rate(r, counts) for r in RATES]))
    # Alphabetical by name, never by a count: these tables are not rankings.
    out.sort(key=lambda r: (r.label == missing, r.label))
    columns = [(k, FIGURES[k].label) for k in BREAKDOWN_FIGURES]
    return Breakdown(key, label, columns, out)


def by_category(requests: QuerySet, now: datetime) -> Breakdown:
    rows = _rows(requests, "category_code", now, {"name": Max("category_name")})
    names = {r["category_code"]: r["name"] for r in rows}
    return _breakdown("category", "按类别", rows, "category_code", names, "其他")


def by_building(requests: QuerySet, now: datetime) -> Breakdown:
    rows = _rows(requests, "building_id", now)
    names = dict(Building.objects.filter(pk__in=[r["building_id"] for r in rows]).values_list("pk", "name"))
    return _breakdown("building", "按楼栋", rows, "building_id", names, "未知楼栋")


def by_group(requests: QuerySet, now: datetime) -> Breakdown:
    rows = _rows(requests, "group_id", now)
    ids = [r["group_id"] for r in rows if r["group_id"]]
    names = dict(BuildingGroup.objects.filter(pk__in=ids).values_list("pk", "name"))
    return _breakdown("group", "按党小组", rows, "group_id", names, "未划入党小组")


def by_volunteer(requests: QuerySet, now: datetime) -> Breakdown:
    rows = _rows(requests.filter(assignee__isnull=False), "assignee_id", now)
    names = dict(Member.objects.filter(pk__in=[r["assignee_id"] for r in rows])
                 .values_list("pk", "resident__name"))
    return _breakdown("volunteer", "按志愿者", rows, "assignee_id", names, "已删除的党员")


def by_community(requests: QuerySet, now: datetime, community_ids: list[int]) -> Breakdown:
    """Every community of the area, those without requests in the period too (with zeros)."""
    from loudong.registry.models import Community

    rows = _rows(requests, "community_id", now)
    seen = {r["community_id"] for r in rows}
    rows += [{"community_id": pk, **dict.fromkeys(BREAKDOWN_KEYS, 0)} for pk in community_ids if pk not in seen]
    names = dict(Community.objects.filter(pk__in=community_ids).values_list("pk", "name"))
    return _breakdown("community", "按社区", rows, "community_id", names, "未知社区")


def _empty(key: str, label: str) -> Breakdown:
    return Breakdown(key, label, [(k, FIGURES[k].label) for k in BREAKDOWN_FIGURES], [])


# Trends -----------------------------------------------------------------------------------------

def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_add(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def trend_windows(period: Period) -> tuple[list[date], list[date]]:
    """Week starts (Mondays) and month starts the trends show: the period's, and at least the
    last 8 weeks / 12 months up to its end so a short period still shows a line."""
    last_week = _monday(period.end)
    first_week = min(_monday(period.start), last_week - timedelta(weeks=MIN_WEEKS - 1))
    weeks = [first_week + timedelta(weeks=i) for i in range((last_week - first_week).days // 7 + 1)]
    last_month = period.end.replace(day=1)
    first_month = min(period.start.replace(day=1), _month_add(last_month, -(MIN_MONTHS - 1)))
    months, month = [], first_month
    while month <= last_month:
        months.append(month)
        month = _month_add(month, 1)
    return weeks, months


def _trend(scope: Scope, starts: list[date], end: date, trunc: type, label: Any) -> list[TrendPoint]:
    window = Period(starts[0], end)
    lo, hi = window.bounds()
    base = scope.requests()

    def grouped(field: str, rows: QuerySet) -> dict[date, int]:
        out: dict[date, int] = {}
        for row in rows.annotate(bucket=trunc(field, tzinfo=SHANGHAI)).values("bucket").annotate(n=Count("pk")):
            bucket = row["bucket"]
            day = bucket.astimezone(SHANGHAI).date() if isinstance(bucket, datetime) else bucket
            out[day] = out.get(day, 0) + row["n"]
        return out

    collected = grouped("created_at", base.filter(created_at__gte=lo, created_at__lt=hi).order_by())
    resolved = grouped("resolved_at", base.filter(Q_RESOLVED, resolved_at__gte=lo, resolved_at__lt=hi).order_by())
    return [TrendPoint(s, label(s), collected.get(s, 0), resolved.get(s, 0)) for s in starts]


def trends(scope: Scope, period: Period) -> tuple[list[TrendPoint], list[TrendPoint]]:
    """Per week and per month: requests collected (by collection day) and resolved (by the day of
    their latest resolution), up to the period's last day."""
    weeks, months = trend_windows(period)
    weekly = _trend(scope, weeks, period.end, TruncWeek, lambda d: f"{d.month}/{d.day}")
    monthly = _trend(scope, months, period.end, TruncMonth, lambda d: f"{d.year}年{d.month}月")
    return weekly, monthly


# Coverage -----------------------------------------------------------------------------------------

def group_coverage(scope: Scope) -> Coverage:
    """Members in a group / members; households whose stairwell a group serves / households."""
    if scope.level == "group":
        members = Member.objects.filter(group_id=scope.pk).count()
        in_groups = members
        households = Household.objects.filter(stairwell__group_id=scope.pk).count()
        served = households
    else:
        m = scope.filter_by_community(Member.objects.all()).aggregate(
            total=Count("pk"), grouped=Count("pk", filter=Q(group__isnull=False)))
        h = scope.filter_by_community(Household.objects.all()).aggregate(
            total=Count("pk"), served=Count("pk", filter=Q(stairwell__group__isnull=False)))
        members, in_groups, households, served = m["total"], m["grouped"], h["total"], h["served"]
    return Coverage(
        members, in_groups, households, served,
        Rate("members_in_groups", "党员编入党小组", "编入楼栋党小组的党员占本范围党员的比例。", in_groups, members,
             "编入党小组的党员", "党员", "人"),
        Rate("households_served", "住户有党小组服务", "所在单元有楼栋党小组服务的住户占本范围住户的比例。", served,
             households, "有党小组服务的住户", "住户", "户"),
    )


# Other domains -------------------------------------------------------------------------------------

def other_domains(scope: Scope, period: Period) -> dict[str, Any]:
    """The figures other apps define about their own records (each takes the communities and the
    Shanghai days, both included). A group's dashboard leaves them out: those records belong to
    the community as a whole."""
    if scope.level == "group":
        return {}
    ids, start, end = scope.community_ids(), period.start, period.end
    out: dict[str, Any] = {
        "activities_by_type": activity_figures.activities_by_type(ids, start, end),
        "people_covered": activity_figures.people_covered(ids, start, end),
        "visit_coverage": outreach_figures.visit_coverage(ids, start, end),
        "meetings_held": meeting_figures.meetings_held(ids, start, end),
        "hours_total": hours_figures.hours_total(ids, start, end),
    }
    visited, households = out["visit_coverage"]
    out["visit_coverage"] = Rate("visit_coverage", "入户走访覆盖率",
                                 "统计期间内至少走访见到一次的住户占本范围全部住户的比例（敲门未遇不算）。",
                                 visited, households, "走访到的住户", "住户", "户")
    return out


# The whole dashboard -------------------------------------------------------------------------------

def figures(scope: Scope, period: Period, *, now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    requests = period_requests(scope, period).order_by()
    period_keys = [k for k, d in RECORD_SETS.items() if d.in_period]
    counts = requests.aggregate(**_counts(period_keys, now))
    live = scope.requests().order_by().aggregate(**_counts([d.key for d in NOW], now))
    area = scope.level in AREA_LEVELS
    weekly, monthly = trends(scope, period)
    return Figures(
        scope_level=scope.level, scope_pk=scope.pk, scope_name=scope.name,
        period_start=period.start, period_end=period.end, computed_at=now,
        funnel=[_figure(d.key, counts[d.key]) for d in FUNNEL],
        rates=[make_rate(r, counts) for r in RATES],
        open_now=_figure("open_now", live["open_now"]),
        overdue_now=_figure("overdue_now", live["overdue_now"]),
        by_category=by_category(requests, now),
        by_building=_empty("building", "按楼栋") if area else by_building(requests, now),
        by_group=_empty("group", "按党小组") if area else by_group(requests, now),
        by_volunteer=_empty("volunteer", "按志愿者") if area else by_volunteer(requests, now),
        by_community=by_community(requests, now, scope.community_ids()) if area else _empty("community", "按社区"),
        trend_weekly=weekly, trend_monthly=monthly,
        group_coverage=group_coverage(scope),
        **other_domains(scope, period),
    )
