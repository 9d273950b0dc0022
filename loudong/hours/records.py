"""One unit of volunteer service as its source recorded it.

Hours are never entered twice: the errand, the visit or the activity records how long a member
served, once, and each source hands its rows to the hours ledger as `ServiceRecord`s through a
function `service_records(community_id, start, end)` in its own `hours_source.py`. The pair
(source, source_id, member_id) is unique across all sources.

A source may also offer `service_records_many(community_ids, start, end, source_ids=None)`, the same
records for several communities in one query (only those of the given source ids with
`source_ids`); the ledger (loudong.hours.ledger) uses it when present, so figures for a subdistrict
or a district do not query once per community. The sources registered with the ledger
(loudong.hours.sources) also offer
`minutes_by_member(community_ids, start, end)`, {member id: minutes} of the same records summed in
the database, and their name as `SOURCE`: the stats' hours total (loudong.hours.figures) reads a
district's years without loading its records.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ServiceRecord:
    source: str  # "errand" | "visit" | "activity"
    source_id: int  # the primary key of the request, visit or activity
    member_id: int
    served_on: date  # the day of service in Asia/Shanghai
    minutes: int
    content: str  # what was done, in Chinese, as printed on the certificate
