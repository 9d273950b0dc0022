"""What residents may see of other residents' requests: the one place these rules live.

- Only a request about a shared place, neither anonymous nor a 举报, is ever offered to neighbours
  (the duplicates on the public form, 我也遇到). A household's matter never is, at any step.
- What they read of it is an excerpt of its text with rooms, names, phones and ID numbers removed
  (loudong.lib.redact), knowing the names of its building's residents and of its requester.
- Someone who joined it (a Supporter) reads its status and the note staff made public, and the
  excerpt only while it is still offered; never the requester's place, contact, photos, timeline
  or forms.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from loudong.lib.redact import Redactor, excerpt
from loudong.registry.models import Resident
from loudong.tickets.models import Request, Status

EXCERPT_LENGTH = 40


def offered(requests: QuerySet) -> QuerySet:
    """The requests among these that neighbours may be shown."""
    return requests.filter(scope=Request.Scope.SHARED, anonymous=False).exclude(kind=Request.Kind.REPORT)


def may_offer(req: Request) -> bool:
    return req.scope == Request.Scope.SHARED and not req.anonymous and req.kind != Request.Kind.REPORT


def redactor_for(requests: Iterable[Request]) -> Redactor:
    """A redactor knowing every name these requests may mention: their buildings' residents (one
    query), their contact names and their requesters."""
    requests = list(requests)
    buildings = {r.building_id for r in requests}
    requesters = {r.resident_id for r in requests if r.resident_id}
    names = (
        set(Resident.objects.filter(household__stairwell__building_id__in=buildings).values_list("name", flat=True))
        if buildings
        else set()
    )
    if requesters:
        names |= set(Resident.objects.filter(pk__in=requesters).values_list("name", flat=True))
    names |= {r.contact_name for r in requests if r.contact_name}
    return Redactor(names)


def excerpts(requests: Iterable[Request], redact: Redactor | None = None) -> dict[int, str]:
    """{request id: what neighbours read of it}, for requests that are offered (`redact`: one made
    for these requests already)."""
    requests = [r for r in requests if may_offer(r)]
    redact = redact or redactor_for(requests)
    return {r.pk: excerpt(r.description, redact, EXCERPT_LENGTH) for r in requests}


@dataclass(frozen=True)
class Offer:
    """A neighbour's request as the public form lists it: built field by field, so that nothing else
    of it can reach the template."""

    request_id: int
    excerpt: str
    status: str
    reported_at: datetime
    supporters: int


def offers(requests: Iterable[Request]) -> list[Offer]:
    """The requests that may be offered, as the form shows them (the others are left out)."""
    requests = list(requests)
    shown = excerpts(requests)
    return [
        Offer(r.pk, shown[r.pk], status_for_supporters(r)[0], r.created_at, r.support_count)
        for r in requests
        if r.pk in shown
    ]


# The status as a neighbour who joined reads it: the steps that concern the requester alone (a
# question to them, their confirmation) read as the work going on or done.
FOR_SUPPORTERS = {
    Status.SUBMITTED: ("待派单", "已收到，正在等楼栋党小组安排志愿者。"),
    Status.DISPATCHED: ("已派单", "楼栋党小组已安排党员志愿者。"),
    Status.ACCEPTED: ("办理中", "党员志愿者正在办理。"),
    Status.WAITING: ("办理中", "党员志愿者正在办理。"),
    Status.RESOLVED: ("已办好", "志愿者已办好，正在等反映人确认。"),
    Status.CLOSED: ("已办结", "这件事已办结。"),
    Status.REJECTED: ("不予受理", "楼栋党小组决定不予受理。"),
    Status.MERGED: ("合并办理", "和另一条相同的反映合并办理。"),
    Status.ESCALATED: ("已上报社区", "楼栋党小组已上报社区，由社区负责办理。"),
}


def status_for_supporters(req: Request) -> tuple[str, str]:
    return FOR_SUPPORTERS.get(req.status, (req.get_status_display(), ""))
