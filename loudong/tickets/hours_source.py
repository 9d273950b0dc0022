"""Volunteer hours from offline errands (线下跑腿), for the hours ledger (loudong.hours).

An errand counts when the request was resolved offline with the minutes spent (0 too, so a
volunteer can ask to correct it), and is still
resolved (RESOLVED or CLOSED: a reopened request has no `resolved_at` until it is resolved
again, and then counts once, on its latest day). The member is the request's assignee; an
escalated request the admin resolved without an assignee counts for no one.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet, Sum

from loudong.hours.records import ServiceRecord
from loudong.lib.shanghai import day_bounds, local_date
from loudong.tickets.models import Request, Status

SOURCE = "errand"
COUNTED = (Status.RESOLVED, Status.CLOSED)


def errands(requests: QuerySet) -> QuerySet:
    """The requests that are errands with hours (any day of service)."""
    return requests.filter(
        status__in=COUNTED,
        resolution=Request.Resolution.OFFLINE,
        time_spent_minutes__isnull=False,
        assignee__isnull=False,
    )


def _errands(community_ids: list[int], start: date, end: date) -> QuerySet:
    since, until = day_bounds(start, end)
    return errands(
        Request.objects.filter(community_id__in_ids=community_ids, resolved_at__gte=since, resolved_at__lt=until)
    ).order_by()


def service_records(community_id: int, start: date, end: date) -> list[ServiceRecord]:
    return service_records_many([community_id], start, end)


def service_records_many(
    community_ids: list[int], start: date, end: date, source_ids: Iterable[int] | None = None
) -> list[ServiceRecord]:
    """The errands of several communities in one query (the ledger's totals for an area); only
    those of the given requests with `source_ids`."""
    rows = _errands(community_ids, start, end)
    if source_ids is not None:
        rows = rows.filter(pk__in=list(source_ids))
    return [
        ServiceRecord(
            source=SOURCE,
            source_id=pk,
            member_id=member_id,
            served_on=local_date(resolved_at),
            minutes=minutes,
            content=f"为民服务：{category}",
        )
        for pk, member_id, resolved_at, minutes, category in rows.values_list(
            "pk", "assignee_id", "resolved_at", "time_spent_minutes", "category_name"
        )
    ]


def minutes_by_member(
    community_ids: list[int], start: date, end: date, member_ids: list[int] | None = None
) -> dict[int, int]:
    """{member: minutes} of the same records, summed in the database; only the given members'. (The
    stats register a faster reader of the same sums from their errand tallies: loudong.hours.sources.)"""
    rows = _errands(community_ids, start, end)
    if member_ids is not None:
        rows = rows.filter(assignee_id__in=member_ids)
    rows = rows.values("assignee_id").annotate(total=Sum("time_spent_minutes"))
    return {r["assignee_id"]: r["total"] for r in rows}
