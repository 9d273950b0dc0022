"""Activities as a source of volunteer hours: one ServiceRecord per member who organised or
served at an activity that has ended, dated by the Shanghai date of its start."""

from datetime import date

from django.utils import timezone

from loudong.community_life.activities.models import Activity, ServingMember
from loudong.community_life.activities.period import day_range
from loudong.hours.records import ServiceRecord

SOURCE = "activity"


def service_records(community_id: int, start: date, end: date) -> list[ServiceRecord]:
    since, until = day_range(start, end)
    rows = (
        ServingMember.objects.filter(
            community_id=community_id, activity__starts_at__gte=since, activity__starts_at__lt=until,
            activity__ends_at__lte=timezone.now(), minutes__gt=0,
        )
        .select_related("activity")
        .order_by("activity__starts_at", "activity_id", "member_id")
    )  # fmt: skip
    labels = dict(Activity.Type.choices)
    return [
        ServiceRecord(
            source=SOURCE, source_id=row.activity_id, member_id=row.member_id,
            served_on=timezone.localtime(row.activity.starts_at).date(), minutes=row.minutes,
            content=f"{labels.get(row.activity.type, row.activity.type)}：{row.activity.title}",
        )
        for row in rows
    ]  # fmt: skip
