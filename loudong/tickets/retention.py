"""Anonymising the contact fields of requests: after the retention period (finished requests), and
for whoever else needs it (a person's erasure under PIPL may call `anonymise_contact` too).

What goes: the contact's name (it becomes ANONYMISED, which also marks the request as done), phone
and room, the links to the household and the resident in the registry, and the phones of the
neighbours who joined it (我也遇到). What stays: category, building, stairwell, group, volunteer,
times, status, way of resolution and rating, so every figure counted from requests stays the same
(none of them reads a contact field, and the stats tallies are not touched).

Setting REQUEST_CONTACT_RETENTION_DAYS (env LOUDONG_REQUEST_CONTACT_RETENTION_DAYS, default 1095:
three years): how long after a request was finished (已办结, 不予受理, 已合并: its closed_at) its
contact fields are kept.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from loudong.accounts.retention import Rule
from loudong.tickets.models import ANONYMISED, FINAL, Request, Supporter


def anonymise_contact(requests: "QuerySet[Request] | Iterable[int]") -> int:
    """Blank the contact fields of these requests (a queryset or ids) in two set-based UPDATEs; how
    many requests. Nothing else of the request changes, nor its updated_at."""
    ids = requests.values("pk") if isinstance(requests, QuerySet) else list(requests)
    Supporter.objects.filter(request_id__in=ids).exclude(contact_phone="").update(contact_phone="")
    return Request.objects.filter(pk__in=ids).update(
        contact_name=ANONYMISED, contact_phone="", room="", household=None, resident=None
    )


def contact_days() -> int:
    return int(getattr(settings, "REQUEST_CONTACT_RETENTION_DAYS", 1095))


def finished_before(cutoff: datetime) -> "QuerySet[Request]":
    """Finished before the cutoff, their contact fields still held. A partial index holds only the
    finished requests not anonymised yet (Request.Meta: request_contact_kept), so the daily run reads
    the few that have just passed the limit, not years of anonymised ones."""
    return Request.objects.filter(status__among=FINAL, closed_at__lt=cutoff).exclude(contact_name=ANONYMISED)


CONTACT_RULE = Rule(
    name="request contact retention",
    what="已办结点单的联系人信息",
    keep=lambda: timedelta(days=contact_days()),
    due=finished_before,
    object_type="request",
    apply=anonymise_contact,
)
