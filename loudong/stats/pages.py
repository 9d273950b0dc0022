"""What every dashboard page shares, whatever its level: the period from the query string, the
dashboard, the list behind a figure and the Excel exports. The views (views.py, area_views.py)
only find the Scope the user may see and the URL the pages hang under. The pages read from the
read replica when there is one (loudong.lib.replica)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from loudong.accounts import audit
from loudong.hours.models import hours_text
from loudong.lib.replica import reading_replica
from loudong.lib.xlsx import xlsx_bytes
from loudong.registry.export import xlsx_response
from loudong.registry.models import Community
from loudong.stats import period as periods
from loudong.stats.compute import figures
from loudong.stats.definitions import RATES
from loudong.stats.domains import DEFINITIONS, definition_of
from loudong.stats.held import HeldList, Listing, held_list
from loudong.stats.period import Period, PeriodError
from loudong.stats.records import DIMENSIONS, definition, dimension_label, records_behind
from loudong.stats.results import Figures
from loudong.stats.scope import Scope
from loudong.stats.tables import (
    FIGURE_HEADERS,
    breakdown_headers,
    breakdown_rows,
    figure_rows,
    list_headers,
    list_row,
    list_rows,
    prepared,
)

PER_PAGE = 50


@dataclass
class Place:
    """A scope as the current user sees it, and the URL its pages hang under (ends with '/')."""

    scope: Scope
    base_url: str
    people: bool  # names and masked contacts in lists (admins and leaders only)
    children: list[tuple[str, str]]  # (name, dashboard URL) of the level below
    up: tuple[str, str] | None = None  # (name, dashboard URL) of the level above, if the user may see it
    report_url: str = ""  # the work report's download page, for whom may have it


def read_period(request: HttpRequest) -> tuple[Period, str, dict[str, str]]:
    """The period asked for, an error to show (then 本月 is shown), and the form's values."""
    params = {k: request.GET.get(k, "") for k in ("from", "to", "preset")}
    try:
        return periods.from_params(params), "", params
    except PeriodError as exc:
        return periods.preset("this_month"), str(exc), params


def _query(period: Period, **extra: str) -> str:
    return urlencode(
        {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            **{k: v for k, v in extra.items() if v is not None},
        }
    )


def records_url(place: Place, period: Period, key: str, dim: str = "", value: str | None = None) -> str:
    extra = {"dim": dim, "value": value} if dim else {}
    return f"{place.base_url}list/{key}/?{_query(period, **extra)}"


def _chart_data(f: Figures) -> dict:
    def series(points: list, label: Callable[[date], str]) -> dict:
        return {
            "labels": [label(p.start) for p in points],
            "collected": [p.collected for p in points],
            "resolved": [p.resolved for p in points],
        }

    # Short axis labels for a phone; the tables under the charts give the full ones.
    return {
        "weekly": series(f.trend_weekly, lambda d: f"{d.month}/{d.day}"),
        "monthly": series(f.trend_monthly, lambda d: f"{d.year % 100}年{d.month}月"),
        "activities": {
            "labels": [label for _, label, _ in f.activities_by_type],
            "values": [n for _, _, n in f.activities_by_type],
        },
    }


def _figure_cards(place: Place, period: Period, items: list) -> list[dict]:
    return [{"figure": x, "url": records_url(place, period, x.key)} for x in items]


def _rate_cards(place: Place, period: Period, f: Figures) -> list[dict]:
    return [
        {
            "rate": r,
            "num_url": records_url(place, period, f"{r.key}.num"),
            "den_url": records_url(place, period, f"{r.key}.den"),
        }
        for r in f.rates
    ]


def _tables(place: Place, period: Period, f: Figures) -> list[dict]:
    out = []
    for table in f.breakdowns():
        if table.key == "volunteer" and not place.people:
            continue
        rows = []
        for row in table.rows:
            cells = [
                {"count": row.counts[key], "url": records_url(place, period, key, table.key, row.key)}
                for key, _ in table.columns
            ]
            rows.append({"row": row, "cells": cells, "rates": row.rates})
        out.append(
            {
                "table": table,
                "rows": rows,
                "rate_labels": [r.label for r in RATES],
                "export_url": f"{place.base_url}export/{table.key}/?{_query(period)}",
            }
        )
    return out


# The units the three lists' figures are counted in, in the order the dashboard shows them.
LIST_UNITS = {
    "needs_raised": "项",
    "needs_met": "项",
    "projects_done": "个",
    "units_took_part": "家",
    "members_took_part": "人",
}


def _lists_cards(place: Place, period: Period, f: Figures) -> list[tuple[str, str, int, str, str, str]]:
    """(key, label, count, unit, list URL, definition) of the three lists' figures; none for an area."""
    if f.lists is None:
        return []
    counts = {
        "needs_raised": f.lists.needs_raised,
        "needs_met": f.lists.needs_met,
        "projects_done": f.lists.projects_done,
        "units_took_part": f.lists.units,
        "members_took_part": f.lists.members,
    }
    return [
        (
            key,
            held_list(key).label,
            counts[key],
            unit,
            f"{place.base_url}held/{key}/?{_query(period)}",
            definition_of(place.scope, key),
        )
        for key, unit in LIST_UNITS.items()
    ]


@reading_replica()
def dashboard(request: HttpRequest, place: Place, template: str = "stats/dashboard.html") -> HttpResponse:
    period, error, form = read_period(request)
    f = figures(place.scope, period)
    funnel = [x for x in f.funnel if x.key not in ("resolved_online", "resolved_offline")]
    split = [x for x in f.funnel if x.key in ("resolved_online", "resolved_offline")]
    context = {
        "place": place,
        "scope": place.scope,
        "period": period,
        "period_error": error,
        "form": form,
        "presets": [(key, label, p, f"?{_query(p)}") for key, label, p in periods.presets()],
        "f": f,
        "funnel": _figure_cards(place, period, funnel),
        "split": _figure_cards(place, period, split),
        "now_cards": _figure_cards(place, period, [f.open_now, f.overdue_now]),
        "rates": _rate_cards(place, period, f),
        "tables": _tables(place, period, f),
        "charts_data": _chart_data(f),
        "figures_export_url": f"{place.base_url}export/figures/?{_query(period)}",
        "activities_total": sum(n for _, _, n in f.activities_by_type),
        "held_urls": {key: f"{place.base_url}held/{key}/?{_query(period)}" for key in DEFINITIONS},
        "definitions": {key: definition_of(place.scope, key) for key in DEFINITIONS},
        "hours": hours_text(f.hours_total[0]),
        "lists_cards": _lists_cards(place, period, f),
        "report_url": place.report_url,
    }
    return render(request, template, context)


def _records(request: HttpRequest, place: Place, key: str) -> tuple:
    found = definition(key)
    period, error, _ = read_period(request)
    if error:
        raise Http404
    dim, value = request.GET.get("dim", ""), request.GET.get("value", "")
    if dim and (dim not in DIMENSIONS or (dim == "volunteer" and not place.people)):
        raise Http404
    rows = records_behind(place.scope, period, key, dimension=dim, value=value)
    return found, period, dim, value, rows


def _audit(request: HttpRequest, place: Place, action: str, label: str, count: int, period: Period) -> None:
    community_ids = place.scope.community_ids()
    audit.record(
        request,
        action,
        community_id=community_ids[0] if len(community_ids) == 1 else None,
        object_type="stats_list",
        object_repr=f"统计名单：{place.scope.name} · {label}",
        detail={
            "level": place.scope.level,
            "pk": place.scope.pk,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "count": count,
        },
    )


@reading_replica()
def records(request: HttpRequest, place: Place, key: str) -> HttpResponse:
    found, period, dim, value, rows = _records(request, place, key)
    page = Paginator(prepared(rows), PER_PAGE).get_page(request.GET.get("page"))
    if place.people and page.object_list:
        _audit(request, place, "view", found.label, page.paginator.count, period)
    extra = {"dim": dim, "value": value} if dim else {}
    context = {
        "place": place,
        "scope": place.scope,
        "period": period,
        "definition": found,
        "row_label": dimension_label(place.scope, dim, value) if dim else "",
        "headers": list_headers(place.people),
        "page": page,
        "rows": [
            (req, list(zip(list_headers(place.people), list_row(req, place.people), strict=True)))
            for req in page.object_list
        ],
        "query": _query(period, **extra),
        "export_url": f"{place.base_url}list/{key}/export/?{_query(period, **extra)}",
        "dashboard_url": f"{place.base_url}?{_query(period)}",
    }
    return render(request, "stats/records.html", context)


@reading_replica()
def records_export(request: HttpRequest, place: Place, key: str) -> HttpResponse:
    found, period, dim, value, rows = _records(request, place, key)
    count = rows.count()
    content = xlsx_bytes(list_headers(place.people), list_rows(rows, place.people), title=found.label)
    if place.people:
        _audit(request, place, "export", found.label, count, period)
    return xlsx_response(content, f"{place.scope.name}-{found.label}-{period.start:%Y%m%d}-{period.end:%Y%m%d}")


@reading_replica()
def table_export(request: HttpRequest, place: Place, table: str) -> HttpResponse:
    period, error, _ = read_period(request)
    if error:
        raise Http404
    f = figures(place.scope, period, now=timezone.now())
    name = f"{place.scope.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if table == "figures":
        return xlsx_response(xlsx_bytes(FIGURE_HEADERS, figure_rows(f), title="统计指标"), f"{name}-统计指标")
    keys = {t.key for t in f.breakdowns()}
    if table not in keys or (table == "volunteer" and not place.people):
        raise Http404
    found = f.breakdown(table)
    content = xlsx_bytes(breakdown_headers(found), breakdown_rows(found), title=found.label)
    return xlsx_response(content, f"{name}-{found.label}")


def _held(request: HttpRequest, place: Place, key: str) -> tuple[HeldList, Period, str, Listing]:
    found = held_list(key)
    period, error, _ = read_period(request)
    if error:
        raise Http404
    views = found.views_for(place.people)
    view = request.GET.get("show", "")
    if view not in dict(views):
        view = views[0][0] if views else ""
    return found, period, view, found.listing(place.scope, period, place.people, view)


def _hours_team_url(place: Place, period: Period) -> str:
    """The hours app's page of the volunteers' totals, for whom it shows them (admins and leaders)."""
    if not place.people:
        return ""
    code = Community.objects.filter(pk=place.scope.community_ids()[0]).values_list("code", flat=True).first()
    return f"{reverse('hours:team', args=[code])}?{urlencode({'start': period.start, 'end': period.end})}"


@reading_replica()
def held(request: HttpRequest, place: Place, key: str) -> HttpResponse:
    """The activities, meetings, households or hours behind a dashboard figure."""
    found, period, view, listing = _held(request, place, key)
    page = Paginator(listing.rows, PER_PAGE).get_page(request.GET.get("page"))
    if listing.personal and page.object_list:
        _audit(request, place, "view", found.label, page.paginator.count, period)
    extra = {"show": view} if view else {}
    context = {
        "place": place,
        "scope": place.scope,
        "period": period,
        "found": found,
        "page": page,
        "heading": listing.heading.format(count=page.paginator.count),
        "note": listing.note,
        "definition": definition_of(place.scope, key),
        "headers": listing.headers,
        "rows": [list(zip(listing.headers, listing.cells(item), strict=True)) for item in page.object_list],
        "views": [(value, label, f"?{_query(period, show=value)}") for value, label in found.views_for(place.people)],
        "view": view,
        "query": _query(period, **extra),
        "export_url": f"{place.base_url}held/{key}/export/?{_query(period, **extra)}",
        "dashboard_url": f"{place.base_url}?{_query(period)}",
        "hours_team_url": _hours_team_url(place, period) if key == "hours" else "",
    }
    return render(request, "stats/held.html", context)


@reading_replica()
def held_export(request: HttpRequest, place: Place, key: str) -> HttpResponse:
    found, period, view, listing = _held(request, place, key)
    rows = list(listing.all_cells())
    if listing.personal:
        _audit(request, place, "export", found.label, len(rows), period)
    content = xlsx_bytes(listing.headers, rows, title=found.label)
    suffix = f"-{dict(found.views)[view]}" if view else ""
    return xlsx_response(content, f"{place.scope.name}-{found.label}{suffix}-{period.start:%Y%m%d}-{period.end:%Y%m%d}")
