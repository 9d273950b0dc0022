"""Figures the stats pages and the work report read: honours awarded in a period."""

from datetime import date

from django.db.models import Count

from loudong.community_life.honours.models import Honour


def honours_awarded(community_ids: list[int], start: date, end: date) -> list[tuple[str, int]]:
    """[(title, number of people)] of honours awarded from `start` to `end` (both included), most
    first, in one grouped query. A person honoured twice with one title counts twice."""
    rows = (
        Honour.objects.filter(community_id__in_ids=community_ids, awarded_on__gte=start, awarded_on__lte=end)
        .values("title").annotate(n=Count("pk")).order_by("-n", "title")
    )  # fmt: skip
    return [(row["title"], row["n"]) for row in rows]
