"""An activity with its serving members, as the organiser registers it."""

from datetime import datetime, timedelta

from django.utils import timezone

from loudong.community_life.activities.models import Activity, ServingMember


def make_activity(
    w,
    *,
    starts: datetime | None = None,
    hours: float = 2,
    type: str = Activity.Type.CLEANUP,
    title: str = "周五清洁家园",
    organiser=None,
    community=None,
    serving=(),
) -> Activity:
    starts = starts or timezone.now() - timedelta(minutes=30)
    activity = Activity.objects.create(
        community=community or w.community,
        group=w.group if community is None else None,
        type=type,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        place="西湖广场",
        organiser=organiser if organiser is not None else w.liu_member,
    )
    for member in {activity.organiser, *serving} - {None}:
        ServingMember.objects.create(
            community=activity.community, activity=activity, member=member, minutes=activity.minutes
        )
    return activity
