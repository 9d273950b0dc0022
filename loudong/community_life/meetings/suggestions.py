"""Suggested agenda items: problems that keep coming back in one building.

A problem is recurring when one building has RECURRING_MIN_REQUESTS or more requests of the same
category placed within the last RECURRING_WINDOW_DAYS days (any status: a closed request still
says the problem happened). Only requests the user may see count.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from loudong.accounts.models import User
from loudong.community_life.meetings.models import Meeting
from loudong.registry.models import Building, Community
from loudong.tickets.models import Request

RECURRING_MIN_REQUESTS = 3
RECURRING_WINDOW_DAYS = 90
RULE_TEXT = (
    f"近 {RECURRING_WINDOW_DAYS} 天内，同一楼栋同一类别的点单达到 {RECURRING_MIN_REQUESTS} 件及以上（含已办结的）"
)


@dataclass
class Suggestion:
    building_id: int
    building_name: str
    category_code: str
    category_name: str
    count: int
    latest: datetime

    @property
    def agenda_text(self) -> str:
        return (
            f"{self.building_name}{self.category_name}问题反复出现"
            f"（近{RECURRING_WINDOW_DAYS}天{self.count}件），商量长效办法"
        )


def meeting_buildings(meeting: Meeting) -> QuerySet[Building]:
    buildings = Building.objects.filter(community_id=meeting.community_id)
    if meeting.group_id:
        buildings = buildings.filter(stairwells__group_id=meeting.group_id).distinct()
    return buildings


def recurring_requests(user: User, community: Community, *, now: datetime | None = None) -> QuerySet[Request]:
    since = (now or timezone.now()) - timedelta(days=RECURRING_WINDOW_DAYS)
    return Request.objects.visible_to(user).filter(community=community, created_at__gte=since)


def suggestions_for(user: User, meeting: Meeting, *, now: datetime | None = None) -> list[Suggestion]:
    """Recurring problems of the meeting's buildings, most frequent first, minus those already on the agenda."""
    rows = (
        recurring_requests(user, meeting.community, now=now)
        .filter(building__in=meeting_buildings(meeting).values("pk"))
        .values("building_id", "building__name", "category_code")
        .annotate(count=Count("pk"), latest=Max("created_at"), category_name=Max("category_name"))
        .filter(count__gte=RECURRING_MIN_REQUESTS)
        .order_by("-count", "building__sort_key", "category_code")
    )
    on_agenda = set(meeting.agenda.exclude(building=None).values_list("building_id", "category_code"))
    return [
        Suggestion(
            r["building_id"], r["building__name"], r["category_code"], r["category_name"], r["count"], r["latest"]
        )
        for r in rows
        if (r["building_id"], r["category_code"]) not in on_agenda
    ]
