"""Activities as a source of volunteer hours: one ServiceRecord per member who organised or
served at an activity that has ended, dated by the Shanghai date of its start."""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet, Sum
from django.utils import timezone

from loudong.community_life.activities.models import Activity, ServingMember
from loudong.hours.records import ServiceRecord
from loudong.lib.shanghai import day_bounds

SOURCE = "activity"


def _served(community_ids: list[int], start: date, end: date) -> QuerySet:
    since, until = day_bounds(start, end)
    return ServingMember.objects.filter(
        community_id__in_ids=community_ids,
        activity__starts_at__gte=since,
        activity__starts_at__lt=until,
        activity__ends_at__lte=timezone.now(),
        minutes__gt=0,
    )


def service_records(community_id: int, start: date, end: date) -> list[ServiceRecord]:
    return service_records_many([community_id], start, end)


def service_records_many(
    community_ids: list[int], start: date, end: date, source_ids: Iterable[int] | None = None
) -> list[ServiceRecord]:
    """The service at activities of several communities in one query; only at the given activities
    with `source_ids`."""
    rows = _served(community_ids, start, end)
    if source_ids is not None:
        rows = rows.filter(activity_id__in=list(source_ids))
    labels = dict(Activity.Type.choices)
    return [
        ServiceRecord(
            source=SOURCE, source_id=row.activity_id, member_id=row.member_id,
            served_on=timezone.localtime(row.activity.starts_at).date(), minutes=row.minutes,
            content=f"{labels.get(row.activity.type, row.activity.type)}：{row.activity.title}",
        )
        for row in rows.select_related("activity").order_by("activity__starts_at", "activity_id", "member_id")
    ]  # fmt: skip


def minutes_by_member(
    community_ids: list[int], start: date, end: date, member_ids: list[int] | None = None
) -> dict[int, int]:
    """{member: minutes} of the same records, summed in the database; only the given members'."""
    rows = _served(community_ids, start, end).order_by()
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    rows = rows.values("member_id").annotate(total=Sum("minutes"))
    return {r["member_id"]: r["total"] for r in rows}
