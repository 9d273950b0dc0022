"""Visits as volunteer service for the hours ledger (loudong.hours): every visit counts, including
a knock on a closed door, for the minutes the volunteer recorded, once."""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet, Sum

from loudong.hours.records import ServiceRecord
from loudong.lib.shanghai import day_bounds, local_date
from loudong.outreach.models import Visit

SOURCE = "visit"
CONTENT = "入户走访（敲门问需）"


def _visits(community_ids: list[int], start: date, end: date) -> QuerySet:
    since, until = day_bounds(start, end)
    return Visit.objects.filter(
        community_id__in_ids=community_ids, volunteer__isnull=False, visited_at__gte=since, visited_at__lt=until
    )


def service_records(community_id: int, start: date, end: date) -> list[ServiceRecord]:
    return service_records_many([community_id], start, end)


def service_records_many(
    community_ids: list[int], start: date, end: date, source_ids: Iterable[int] | None = None
) -> list[ServiceRecord]:
    """The visits of several communities in one query; only the given visits with `source_ids`."""
    rows = _visits(community_ids, start, end)
    if source_ids is not None:
        rows = rows.filter(pk__in=list(source_ids))
    return [
        ServiceRecord(
            source=SOURCE, source_id=pk, member_id=member_id, served_on=local_date(at), minutes=minutes, content=CONTENT
        )
        for pk, member_id, at, minutes in rows.order_by("visited_at", "pk").values_list(
            "pk", "volunteer_id", "visited_at", "minutes"
        )
    ]


def minutes_by_member(
    community_ids: list[int], start: date, end: date, member_ids: list[int] | None = None
) -> dict[int, int]:
    """{member: minutes} of the same records, summed in the database; only the given members'."""
    rows = _visits(community_ids, start, end).order_by()
    if member_ids is not None:
        rows = rows.filter(volunteer_id__in=member_ids)
    rows = rows.values("volunteer_id").annotate(total=Sum("minutes"))
    return {r["volunteer_id"]: r["total"] for r in rows}
