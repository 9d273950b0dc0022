"""Visits as volunteer service for the hours ledger (loudong.hours): every visit counts, including
a knock on a closed door, for the minutes the volunteer recorded, once."""

from datetime import date

from loudong.hours.records import ServiceRecord
from loudong.outreach.models import Visit
from loudong.outreach.schedule import day_bounds, local_date

CONTENT = "入户走访（敲门问需）"


def service_records(community_id: int, start: date, end: date) -> list[ServiceRecord]:
    since, until = day_bounds(start, end)
    rows = (Visit.objects.filter(community_id=community_id, volunteer__isnull=False, visited_at__gte=since,
                                 visited_at__lt=until)
            .order_by("visited_at", "pk").values_list("pk", "volunteer_id", "visited_at", "minutes"))
    return [ServiceRecord(source="visit", source_id=pk, member_id=member_id, served_on=local_date(at),
                          minutes=minutes, content=CONTENT)
            for pk, member_id, at, minutes in rows]
