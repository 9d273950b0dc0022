"""What the requests say of one member, for the elections' 建议名单 (connected in TicketsConfig.ready to
loudong.groups.elections.hooks.requests_done: groups sits below tickets and does not read requests)."""

from datetime import date

from django.db.models import Count, Q

from loudong.groups.elections.hooks import ServiceTally
from loudong.registry.models import Member
from loudong.tickets.models import Request, Status


def service_done(member: Member, on: date | None = None) -> ServiceTally:
    """Requests the member resolved (待确认 or 已办结) and those the resident rated 满意, up to `on`."""
    done = Request.objects.filter(
        assignee=member, status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False
    )
    if on is not None:
        done = done.filter(resolved_at__date__lte=on)
    counts = done.aggregate(resolved=Count("pk"), satisfied=Count("pk", filter=Q(rating=Request.Rating.SATISFIED)))
    return ServiceTally(counts["resolved"], counts["satisfied"])
