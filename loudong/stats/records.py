"""The requests behind any figure or rate part: the same filter the count used."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from loudong.stats.compute import period_requests
from loudong.stats.definitions import RECORD_SETS, Definition
from loudong.stats.period import Period
from loudong.stats.scope import Scope

# Breakdown dimensions a list may be narrowed by (a row of a breakdown table): name -> Request field.
DIMENSIONS = {
    "category": "category_code",
    "building": "building_id",
    "group": "group_id",
    "volunteer": "assignee_id",
    "community": "community_id",
}


def definition(key: str) -> Definition:
    """The definition behind `key` (a figure like "resolved", or "satisfaction_rate.num"/".den"); 404 if none."""
    found = RECORD_SETS.get(key)
    if found is None:
        raise Http404
    return found


def records_behind(
    scope: Scope, period: Period, key: str, *, now: datetime | None = None, dimension: str = "", value: str = ""
) -> QuerySet:
    """The requests counted by `key` for the scope and period (for "open_now"/"overdue_now": in the
    scope now, whatever the period), optionally narrowed to one row of a breakdown table."""
    found = definition(key)
    now = now or timezone.now()
    base = period_requests(scope, period) if found.in_period else scope.requests()
    rows = base.filter(found.q(now))
    if dimension:
        field = DIMENSIONS.get(dimension)
        if field is None:
            raise Http404
        if field.endswith("_id") and not value.isdigit():
            rows = rows.filter(**{f"{field}__isnull": True}) if value == "" else rows.none()
        else:
            rows = rows.filter(**{field: value})
    return rows.order_by("-created_at", "-id")


def dimension_label(scope: Scope, dimension: str, value: str) -> str:
    """The name of a breakdown row (a category, building, group, volunteer or community) for a list's title."""
    from loudong.groups.models import BuildingGroup
    from loudong.registry.models import Building, Community, Member

    if dimension == "category":
        names = scope.requests().filter(category_code=value).order_by().values_list("category_name", flat=True)[:1]
        return next(iter(names), "其他")
    if not value.isdigit():
        return {"group": "未划入党小组"}.get(dimension, "")
    models = {
        "building": (Building, "name"),
        "group": (BuildingGroup, "name"),
        "volunteer": (Member, "resident__name"),
        "community": (Community, "name"),
    }
    model, field = models[dimension]
    rows = model.objects.filter(pk=int(value))
    if dimension != "community":
        rows = rows.filter(community_id__in_ids=scope.community_ids())
    return rows.values_list(field, flat=True).first() or ""
