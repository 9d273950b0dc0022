"""Figures for the stats pages: activities held by type, and people covered.

An activity counts once it has started (a planned one is not yet a figure), in the period of its
start's Shanghai date. People covered are the distinct persons reached by those activities: each
resident once however many activities they came to, each unmatched name and building once, and an
unmatched name and building that is the name and building of a resident reached in the period
counts as that resident, not again. Every function is a few aggregate queries, whatever the size.
"""

from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from loudong.community_life.activities.models import Activity, Attendance
from loudong.lib.shanghai import day_bounds


def held(community_ids: list[int], start: date, end: date) -> QuerySet[Activity]:
    since, until = day_bounds(start, end)
    now = timezone.now()
    return Activity.objects.filter(
        community_id__in_ids=list(community_ids), starts_at__gte=since, starts_at__lt=until, starts_at__lte=now
    )


def activities_in(community_ids: list[int], start: date, end: date) -> QuerySet[Activity]:
    """Activities held in the communities, starting in the period (for drill-down), newest first."""
    return (
        held(community_ids, start, end)
        .select_related("community", "group", "organiser__resident")
        .annotate(reached=Count("attendance"))
        .order_by("-starts_at", "-id")
    )


def activities_by_type(community_ids: list[int], start: date, end: date) -> list[tuple[str, str, int]]:
    """(type value, Chinese label, number held) for every type, in the order of the type list."""
    counts = dict(
        held(community_ids, start, end).order_by().values("type").annotate(n=Count("id")).values_list("type", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in Activity.Type.choices]


def attendance_in(community_ids: list[int], start: date, end: date) -> QuerySet[Attendance]:
    """The sign-ins of the activities held in the communities in the period."""
    since, until = day_bounds(start, end)
    return Attendance.objects.filter(
        community_id__in_ids=list(community_ids),
        activity_starts_at__gte=since,
        activity_starts_at__lt=until,
        activity_starts_at__lte=timezone.now(),
    ).order_by()


def distinct_people(rows: QuerySet[Attendance]) -> int:
    """Distinct persons among these sign-ins: each resident once, each unmatched name and building
    once, and an unmatched one with the name and building of a resident among them not again."""
    residents = rows.filter(resident__isnull=False).values("resident_id").distinct().count()
    same_as_resident = rows.filter(
        resident__isnull=False, building_id=OuterRef("building_id"), name_key=OuterRef("name_key")
    )
    others = (
        rows.filter(resident__isnull=True).exclude(Exists(same_as_resident))
        .values("building_id", "name_key").distinct().count()
    )  # fmt: skip
    return residents + others


def people_covered(community_ids: list[int], start: date, end: date) -> int:
    """Distinct persons reached by the activities held in the period, never counted twice."""
    return distinct_people(attendance_in(community_ids, start, end))
