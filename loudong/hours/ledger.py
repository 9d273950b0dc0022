"""The hours ledger: every source's records for a period, each counted once, with corrections.

The key of a ledger line is (source, source_id, member_id). A source that hands the same key twice
is counted once; an approved correction replaces the source's minutes for its key (the latest
decision wins, never added on top); an approved manual entry is a line of its own keyed by the
correction. Periods are whole days in Asia/Shanghai, both ends included.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from loudong.hours.models import MANUAL, SOURCE_LABELS, Correction
from loudong.hours.records import ServiceRecord
from loudong.hours.sources import sources

Key = tuple[str, int, int]


@dataclass
class Line:
    source: str
    source_id: int
    member_id: int
    served_on: date
    minutes: int  # what counts: the source's minutes, or the approved correction's
    content: str
    source_minutes: int | None  # None for a manual entry
    correction: Correction | None = None  # the approved correction applied, if any
    pending: bool = False  # a correction of this line waits for a decision (set by the pages)

    @property
    def key(self) -> Key:
        return (self.source, self.source_id, self.member_id)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def corrected(self) -> bool:
        return self.correction is not None and self.source != MANUAL


def source_records(community_ids: list[int], start: date, end: date) -> dict[Key, ServiceRecord]:
    """Each source's records in the period, one per key."""
    records: dict[Key, ServiceRecord] = {}
    for module in sources():
        many = getattr(module, "service_records_many", None)
        if many is not None:
            rows: Iterable[ServiceRecord] = many(community_ids, start, end)
        else:
            rows = (r for cid in community_ids for r in module.service_records(cid, start, end))
        for record in rows:
            records.setdefault((record.source, record.source_id, record.member_id), record)
    return records


def ledger(community_ids: list[int], start: date, end: date, member_ids: Iterable[int] | None = None) -> list[Line]:
    """The lines of the period, oldest first; only the given members' when `member_ids` is set."""
    wanted = set(member_ids) if member_ids is not None else None
    lines: dict[Key, Line] = {}
    for key, r in source_records(community_ids, start, end).items():
        if wanted is None or r.member_id in wanted:
            lines[key] = Line(r.source, r.source_id, r.member_id, r.served_on, r.minutes, r.content, r.minutes)

    changes, manual = approved_corrections(community_ids, start, end, wanted)
    for key, correction in changes.items():
        line = lines.get(key)
        if line is not None:
            line.minutes, line.correction = correction.minutes, correction
    for correction in manual:
        lines[correction.ledger_key] = Line(
            MANUAL,
            correction.pk,
            correction.member_id,
            correction.served_on,
            correction.minutes,
            correction.content,
            None,
            correction,
        )
    return sorted(lines.values(), key=lambda line: (line.served_on, line.source, line.source_id))


def approved_corrections(
    community_ids: list[int], start: date, end: date, member_ids: Iterable[int] | None = None
) -> tuple[dict[Key, Correction], QuerySet[Correction]]:
    """The approved changes by the key they correct (the latest decision wins) and the approved manual
    entries of the period; only the given members' when `member_ids` is set. Changes are few (a
    volunteer asks for each): all of them are read and matched by key."""
    approved = Correction.objects.approved().filter(community_id__in_ids=community_ids)
    if member_ids is not None:
        approved = approved.filter(member_id__in=member_ids)
    changes = {c.ledger_key: c for c in approved.filter(kind=Correction.Kind.CHANGE).order_by("decided_at", "id")}
    return changes, approved.filter(kind=Correction.Kind.MISSING, served_on__gte=start, served_on__lte=end)


def total_by_member(lines: Iterable[Line]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.member_id] = totals.get(line.member_id, 0) + line.minutes
    return totals


def contents_of(lines: Iterable[Line]) -> list[list]:
    """[content, times, minutes] per kind of service, most minutes first (the certificate's table)."""
    summary: dict[str, list] = {}
    for line in lines:
        row = summary.setdefault(line.content, [line.content, 0, 0])
        row[1] += 1
        row[2] += line.minutes
    return sorted(summary.values(), key=lambda row: (-row[2], row[0]))
