"""Figures the stats pages read: volunteer hours of one or many communities for a period."""

from datetime import date

from loudong.hours.ledger import ledger, minutes_by_member


def hours_total(community_ids: list[int], start: date, end: date) -> tuple[int, int]:
    """(total minutes after corrections, number of distinct volunteers with hours) from `start`
    to `end`, both included, in Shanghai days. Each source is read once for all communities
    when it offers `service_records_many`; corrections are matched in memory."""
    if not community_ids:
        return 0, 0
    totals = minutes_by_member(ledger(list(community_ids), start, end))
    return sum(totals.values()), sum(1 for minutes in totals.values() if minutes > 0)
