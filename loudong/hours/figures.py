"""Figures the stats pages read: volunteer hours of one or many communities for a period."""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db.models import Sum

from loudong.hours.ledger import Key, approved_corrections
from loudong.hours.sources import minutes_by_member, sources


def hours_total(
    community_ids: list[int], start: date, end: date, member_ids: Iterable[int] | None = None
) -> tuple[int, int]:
    """(total minutes after corrections, number of distinct volunteers with hours) from `start`
    to `end`, both included, in Shanghai days: the same as the ledger's lines (loudong.hours.ledger),
    summed in the database; only the given members' with `member_ids` (a group's). Each source sums
    its minutes per member; the few approved corrections then replace the minutes of the records
    they correct and add the manual entries."""
    members = list(member_ids) if member_ids is not None else None
    if not community_ids or members == []:
        return 0, 0
    ids = list(community_ids)
    totals: Counter[int] = Counter()
    for module in sources():
        totals.update(minutes_by_member(module, ids, start, end, members))
    changes, manual = approved_corrections(ids, start, end, members)
    for module in sources():
        wanted = {key[1] for key in changes if key[0] == module.SOURCE}
        if not wanted:
            continue
        seen: set[Key] = set()
        for record in module.service_records_many(ids, start, end, source_ids=wanted):
            key = (record.source, record.source_id, record.member_id)
            if key in changes and key not in seen:
                seen.add(key)
                totals[record.member_id] += changes[key].minutes - record.minutes
    manual_totals = manual.order_by().values("member_id").annotate(total=Sum("minutes"))
    totals.update({row["member_id"]: row["total"] for row in manual_totals})
    return sum(totals.values()), sum(1 for minutes in totals.values() if minutes > 0)
