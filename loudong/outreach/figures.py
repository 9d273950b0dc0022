"""Figures of door-knocking for dashboards and reports (loudong.stats reads these).

A household counts as visited when someone was met at home (a knock on a closed door does not
count), on a day whose Shanghai date lies in [start, end]. Aggregate queries only.
"""

from datetime import date

from django.db.models import QuerySet

from loudong.lib.shanghai import day_bounds
from loudong.outreach.models import Visit
from loudong.registry.models import Household


def visits_in(community_ids: list[int], start: date, end: date) -> QuerySet[Visit]:
    """The visits behind `visit_coverage`: someone at home, local date in [start, end]."""
    since, until = day_bounds(start, end)
    return Visit.objects.filter(
        community_id__in_ids=community_ids, someone_home=Visit.Home.MET, visited_at__gte=since, visited_at__lt=until
    )


def visit_coverage(community_ids: list[int], start: date, end: date) -> tuple[int, int]:
    """(households visited at least once in [start, end], all households of those communities)."""
    visited = visits_in(community_ids, start, end).values("household_id").distinct().count()
    total = Household.objects.filter(community_id__in_ids=community_ids).count()
    return visited, total
