"""Importing a roster: match each row to a resident, create or update, never duplicate.

One person is one ID number in the community, or name + birth date + household when there is no
ID. The community's residents, member records and places are loaded once into dicts and rows are
written in chunks with bulk queries, so 100,000 rows take seconds, not hours. Each chunk commits
on its own: progress stays visible to the web page and SQLite's write lock is never held for long.
A crash part-way leaves the chunks before it saved; importing the file again is safe.

A dry run (the preview before an admin confirms) reads and matches every row the same way but
writes nothing: new rows get stand-in keys, so its counts are the ones the import will give.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import BinaryIO

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import User
from loudong.lib.identity import InvalidValue
from loudong.lib.pinyin import name_keys
from loudong.registry.models import CareTag, Community, Member, Resident, RosterMapping, ServiceItem
from loudong.registry.public_links import new_public_token
from loudong.registry.roster import bulk
from loudong.registry.roster.cells import cell_text
from loudong.registry.roster.members import MemberRow
from loudong.registry.roster.parse import Roster, open_roster
from loudong.registry.roster.places import PlaceBook
from loudong.registry.roster.rows import NO_PLACE, PersonRow, RowProblem, RowReader
from loudong.registry.roster.samples import SAMPLE_ROWS, describe

CHUNK_ROWS = 1000
PLACES_KEPT = 500  # household names kept for the result page; a first import can create tens of thousands
Progress = Callable[[int, int], None]
# Takes each chunk's rejected rows ({"row", "reason", "cells"}) and warnings ({"row", "message"}) so
# they need not stay in memory (the web import stores them as ImportRow rows as it goes).
RowSink = Callable[[list[dict], list[dict]], None]
# Order of the values kept per resident (and compared to tell "updated" from "unchanged").
RESIDENT_FIELDS = (
    "name", "gender", "birth_date", "birth_precision", "phone", "id_number", "household_id", "note",
    "relation", "ethnicity", "education", "workplace", "post",
)  # fmt: skip
_NAME, _BIRTH, _PRECISION, _ID, _HOUSEHOLD = 0, 2, 3, 5, 6
_RESIDENT_DEFAULTS = {"gender": "", "birth_precision": "day", "phone": "", "note": "", "relation": "",
                      "ethnicity": "", "education": "", "workplace": "", "post": ""}  # fmt: skip
MEMBER_FIELDS = ("joined_on", "joined_precision", "standing", "registration", "registered_org", "employment")
CareTagLink = Resident.care_tags.through
ServiceLink = Member.service_items.through


@dataclass
class ImportResult:
    file_name: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"row", "reason", "cells"}; kept without a sink
    warnings: list[dict] = field(default_factory=list)  # {"row", "message"}: imported, with a doubt
    rejected_count: int = 0
    warning_count: int = 0
    places: dict[str, list[str]] = field(default_factory=dict)
    places_created: int = 0
    header: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """The CLI's --json shape."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"row": r["row"], "reason": r["reason"]} for r in self.rejected],
            "warnings": self.warnings,
            "places_created": self.places_created,
        }

    def as_job_result(self) -> dict:
        """What the job keeps: counts, places created and the header (the rows went to the sink)."""
        households = self.places.get("households", [])
        places = {**self.places, "households": households[:PLACES_KEPT], "household_count": len(households)}
        return {
            **self.summary(), "rejected": self.rejected_count, "warnings": self.warning_count, "places": places,
            "header": self.header,
        }  # fmt: skip


class RosterImport:
    def __init__(
        self,
        community: Community,
        roster: Roster,
        progress: Progress | None = None,
        *,
        dry_run: bool = False,
        sink: RowSink | None = None,
    ) -> None:
        self.community = community
        self.roster = roster
        self.progress = progress
        self.dry_run = dry_run
        self.sink = sink
        self._stand_in = count(-1, -1)
        self.reader = RowReader(roster.columns, roster.header, community.name)
        self.result = ImportResult(header=roster.header)
        self.samples: list[dict] = []  # the first rows as read, with what became of them
        self.first_cells: list[list[str]] = []  # the same rows' cells as text
        self.sample_rows: set[int] = set()
        self.places = PlaceBook(community, dry_run=dry_run)
        self.numbered: dict[str, tuple[tuple[str, str, str], int]] = {}  # 户号 -> (home, first row)
        self.state: dict[int, list] = {}
        self.by_id: dict[str, int] = {}
        self.by_key: dict[tuple, int] = {}
        self.by_name_birth: dict[tuple, int] = {}  # for sheets without addresses; -1 = ambiguous
        self.by_name_home: dict[tuple, list[int]] = {}  # for a birth date written less precisely
        for pk, *values in Resident.objects.filter(community=community).values_list("pk", *RESIDENT_FIELDS):
            self._remember(pk, values)
        self.tags: dict[int, set[int]] = {}
        for resident_id, tag_id in CareTagLink.objects.filter(resident__community=community).values_list(
            "resident_id", "caretag_id"
        ):
            self.tags.setdefault(resident_id, set()).add(tag_id)
        self.members: dict[int, list] = {
            resident_id: [pk, *values]
            for pk, resident_id, *values in Member.objects.filter(community=community).values_list(
                "pk", "resident_id", *MEMBER_FIELDS
            )
        }
        self.services: dict[int, set[int]] = {}
        for member_id, item_id in ServiceLink.objects.filter(member__community=community).values_list(
            "member_id", "serviceitem_id"
        ):
            self.services.setdefault(member_id, set()).add(item_id)
        self.tag_ids = dict(CareTag.objects.filter(community=community).values_list("name", "pk"))
        self.service_ids = dict(ServiceItem.objects.filter(community=community).values_list("name", "pk"))
        self.seen_ids: dict[str, int] = {}
        self.seen_keys: dict[tuple, int] = {}
        self.seen_pks: dict[int, int] = {}
        self._name_keys: dict[str, tuple[str, str]] = {}

    def _remember(self, pk: int, values: list) -> None:
        self.state[pk] = values
        name, birth, id_number, household_id = values[_NAME], values[_BIRTH], values[_ID], values[_HOUSEHOLD]
        if id_number:
            self.by_id[id_number] = pk
        self.by_key.setdefault((name, birth, household_id), pk)
        key = (name, birth)
        self.by_name_birth[key] = pk if self.by_name_birth.get(key, pk) == pk else -1
        self.by_name_home.setdefault((name, household_id), []).append(pk)

    def run(self) -> ImportResult:
        total = self.roster.total_rows
        if self.progress:
            self.progress(0, total)
        chunk: list[tuple[int, list]] = []
        for number, cells in self.roster.rows():
            chunk.append((number, cells))
            if len(chunk) >= CHUNK_ROWS:
                self._import_chunk(chunk)
                self._hand_over()
                if self.progress:
                    self.progress(min(number - self.roster.header_row, total), total)
                chunk = []
        if chunk:
            self._import_chunk(chunk)
            self._hand_over()
        if self.progress:
            self.progress(total, total)
        self.result.rejected.sort(key=lambda r: r["row"])
        self.result.warnings.sort(key=lambda w: w["row"])
        self.result.places = self.places.created
        self.result.places_created = self.places.created_count
        return self.result

    def _hand_over(self) -> None:
        """Give the chunk's rejected rows and warnings to the sink, if any, and forget them."""
        if self.sink is not None:
            self.sink(self.result.rejected, self.result.warnings)
            self.result.rejected, self.result.warnings = [], []

    def _reject(self, number: int, reason: str, cells: list) -> str:
        self.result.rejected.append({"row": number, "reason": reason, "cells": [cell_text(c) for c in cells]})
        self.result.rejected_count += 1
        return "rejected"

    def _sample(self, number: int, person: PersonRow | None, outcome: str, reason: str = "") -> None:
        if number in self.sample_rows:
            self.samples.append(describe(number, person, outcome, reason))
            self.samples.sort(key=lambda sample: sample["row"])

    def _import_chunk(self, chunk: list[tuple[int, list]]) -> None:
        accepted: list[tuple[PersonRow, list, tuple | None]] = []
        for number, cells in chunk:
            if len(self.first_cells) < SAMPLE_ROWS:
                self.first_cells.append([cell_text(c) for c in cells])
                self.sample_rows.add(number)
            try:
                person = self.reader.read(number, cells)
                place = self.places.resolve(person.place) if person.place else None
                if person.household_number:
                    place = self._household_by_number(person, place)
            except (RowProblem, InvalidValue) as problem:
                self._reject(number, str(problem), cells)
                self._sample(number, None, "rejected", str(problem))
                continue
            accepted.append((person, cells, place))
        with transaction.atomic():
            self.places.ensure([place for _p, _c, place in accepted if place])
            batch = _Batch()
            numbered: dict[int, str] = {}
            for person, cells, place in accepted:
                household_id = self.places.household_id(place) if place else None
                outcome = self._apply(person, cells, household_id, batch)
                if outcome != "rejected":
                    if person.warnings:
                        self.result.warnings.append({"row": person.row, "message": "；".join(person.warnings)})
                        self.result.warning_count += 1
                    if person.household_number and household_id:
                        numbered.setdefault(household_id, person.household_number)
                reason = self.result.rejected[-1]["reason"] if outcome == "rejected" else ""
                self._sample(person.row, person, outcome, reason)
            self.places.number_households(numbered)
            self._write(batch)

    def _household_by_number(self, person: PersonRow, place: tuple | None) -> tuple | None:
        """People of one 户号 share a home: a row without an address takes its 户号's (from an
        earlier row of the file, or the registry)."""
        number = person.household_number
        known = self.numbered.get(number)
        if place is None:
            if known is not None:
                place = known[0]
            elif (household_id := self.places.by_number.get(number)) is not None:
                place = self.places.place_of(household_id)
            if place is not None:
                person.place_blank = False
            return place
        if known is None:
            self.numbered[number] = (place, person.row)
        elif known[0] != place:
            person.warnings.append(f"户号「{number}」与第{known[1]}行相同，住址却不同；按本行的住址登记")
        return place

    def _match(self, person: PersonRow, household_id: int | None) -> int | None:
        key = (person.name, person.birth_date, household_id)
        if person.id_number and (pk := self.by_id.get(person.id_number)):
            return pk
        pk = self.by_key.get(key)
        if pk is None and not self.reader.has_place:
            pk = self.by_name_birth.get((person.name, person.birth_date))
            pk = None if pk == -1 else pk
        if pk is None:
            pk = self._same_birth_less_precisely(person, household_id)
        if pk is not None and person.id_number and self.state[pk][_ID]:
            return None  # the same name and home, but a different ID number: another person
        return pk

    def _same_birth_less_precisely(self, person: PersonRow, household_id: int | None) -> int | None:
        """The one person of this name and home whose birth date agrees as far as both were
        written (1950年3月 and 1950-03-02), or who has none on record."""
        found = [
            pk
            for pk in self.by_name_home.get((person.name, household_id), ())
            if _births_agree(self.state[pk][_BIRTH], self.state[pk][_PRECISION], person)
        ]
        return found[0] if len(found) == 1 else None

    def _duplicate_of(self, person: PersonRow, household_id: int | None, pk: int | None) -> str | None:
        key = (person.name, person.birth_date, household_id)
        if person.id_number and (first := self.seen_ids.get(person.id_number)):
            return f"与第{first}行的身份证号相同，是同一个人；请只保留一行"
        if not person.id_number and (first := self.seen_keys.get(key)):
            return f"与第{first}行的姓名、出生日期和住址都相同，是同一个人；请只保留一行，或填写身份证号区分"
        if pk is not None and (first := self.seen_pks.get(pk)):
            return f"与第{first}行是登记中的同一个人；请只保留一行"
        if person.id_number:
            self.seen_ids[person.id_number] = person.row
        self.seen_keys.setdefault(key, person.row)
        if pk is not None:
            self.seen_pks[pk] = person.row
        return None

    def _apply(self, person: PersonRow, cells: list, household_id: int | None, batch: "_Batch") -> str:
        """Queue the row's writes; 'created', 'updated', 'unchanged' or 'rejected'."""
        if person.place_blank:
            # No address on the row: only someone registered with this ID number can be meant,
            # and they stay in their household (a blank cell never erases).
            pk = self.by_id.get(person.id_number) if person.id_number else None
            if pk is None:
                return self._reject(person.row, NO_PLACE, cells)
            household_id = self.state[pk][_HOUSEHOLD]
        pk = self._match(person, household_id)
        if reason := self._duplicate_of(person, household_id, pk):
            return self._reject(person.row, reason, cells)
        tag_ids = self._ids(person.care_tags, self.tag_ids, CareTag)
        said = (
            [getattr(person, f) for f in RESIDENT_FIELDS[:_HOUSEHOLD]]
            + [household_id]
            + [getattr(person, f) for f in RESIDENT_FIELDS[_HOUSEHOLD + 1 :]]
        )
        if pk is None:
            values = [_RESIDENT_DEFAULTS.get(f) if v is None else v for f, v in zip(RESIDENT_FIELDS, said, strict=True)]
            batch.new_residents.append((values, person, tag_ids))
            self.result.created += 1
            return "created"
        old = self.state[pk]
        new = [o if v is None else v for o, v in zip(old, said, strict=True)]
        new[_NAME] = person.name
        new[_ID] = person.id_number or old[_ID]
        new[_HOUSEHOLD] = household_id if self.reader.has_place or household_id else old[_HOUSEHOLD]
        if person.birth is None:
            new[_PRECISION] = old[_PRECISION]
        changed = new != old
        if changed:
            batch.updated_residents.append((pk, new))
            self.state[pk] = new
            if new[_ID]:
                self.by_id[new[_ID]] = pk
        if tag_ids is not None and tag_ids != self.tags.get(pk, set()):
            batch.tag_sets[pk] = tag_ids
            self.tags[pk] = tag_ids
            changed = True
        if person.member is not None:
            changed |= self._apply_member(pk, person.member, batch)
        if changed:
            self.result.updated += 1
            return "updated"
        self.result.unchanged += 1
        return "unchanged"

    def _apply_member(self, resident_pk: int, row: MemberRow, batch: "_Batch") -> bool:
        item_ids = self._ids(row.service_items, self.service_ids, ServiceItem)
        current = self.members.get(resident_pk)
        if current is None:
            batch.new_members.append((resident_pk, row, item_ids))
            return True
        member_pk, *old = current
        new = [old[i] if getattr(row, f) is None else getattr(row, f) for i, f in enumerate(MEMBER_FIELDS)]
        changed = new != old
        if changed:
            self.members[resident_pk] = [member_pk, *new]
            batch.updated_members.append((member_pk, new))
        if item_ids is not None and item_ids != self.services.get(member_pk, set()):
            batch.service_sets[member_pk] = item_ids
            self.services[member_pk] = item_ids
            changed = True
        return changed

    def _ids(self, names: list[str] | None, known: dict[str, int], model: type) -> set[int] | None:
        if names is None:
            return None
        for name in names:
            if name not in known:
                if self.dry_run:
                    known[name] = next(self._stand_in)
                else:
                    known[name] = model.objects.create(community=self.community, name=name).pk
        return {known[name] for name in names}

    def _name_keys_of(self, name: str) -> tuple[str, str]:
        # Names repeat a lot (and pinyin is the slowest step per row), so each is converted once.
        if name not in self._name_keys:
            self._name_keys[name] = name_keys(name)
        return self._name_keys[name]

    def _insert(self, model: type, fields: tuple[str, ...], rows: list[tuple]) -> list[int]:
        if self.dry_run:
            return [next(self._stand_in) for _ in rows]
        return bulk.insert(model, fields, rows, returning=True)

    def _write(self, batch: "_Batch") -> None:
        now = timezone.now()
        created_pks: set[int] = set()
        if batch.new_residents:
            rows = [
                (self.community.pk, *values, *self._name_keys_of(values[_NAME]), now, now)
                for values, _p, _t in batch.new_residents
            ]
            pks = self._insert(Resident, _RESIDENT_INSERT, rows)
            created_pks.update(pks)
            for pk, (values, person, tag_ids) in zip(pks, batch.new_residents, strict=True):
                self._remember(pk, values)
                if tag_ids:
                    batch.tag_sets[pk] = tag_ids
                    self.tags[pk] = tag_ids
                if person.member is not None:
                    items = self._ids(person.member.service_items, self.service_ids, ServiceItem)
                    batch.new_members.append((pk, person.member, items))
        if not self.dry_run:
            bulk.update(
                Resident,
                [*RESIDENT_FIELDS, "name_pinyin", "name_initials", "updated_at"],
                [(*values, *self._name_keys_of(values[_NAME]), now, pk) for pk, values in batch.updated_residents],
            )
            _replace_links(CareTagLink, "resident_id", "caretag_id", batch.tag_sets, created_pks)
        self._write_members(batch, now)

    def _write_members(self, batch: "_Batch", now: datetime) -> None:
        created_pks: set[int] = set()
        if batch.new_members:
            rows = []
            for resident_pk, row, _items in batch.new_members:
                values = [_MEMBER_DEFAULTS[f] if getattr(row, f) is None else getattr(row, f) for f in MEMBER_FIELDS]
                rows.append((self.community.pk, resident_pk, *values, now, now, new_public_token()))
            pks = self._insert(Member, _MEMBER_INSERT, rows)
            created_pks.update(pks)
            for pk, row, (resident_pk, _row, item_ids) in zip(pks, rows, batch.new_members, strict=True):
                self.members[resident_pk] = [pk, *row[2 : 2 + len(MEMBER_FIELDS)]]
                if item_ids:
                    batch.service_sets[pk] = item_ids
                    self.services[pk] = item_ids
        if not self.dry_run:
            bulk.update(
                Member,
                [*MEMBER_FIELDS, "updated_at"],
                [(*values, now, pk) for pk, values in batch.updated_members],
            )
            _replace_links(ServiceLink, "member_id", "serviceitem_id", batch.service_sets, created_pks)


def _births_agree(stored: object, stored_precision: str, person: PersonRow) -> bool:
    if stored is None or person.birth is None:
        return True
    if person.birth.precision == stored_precision == "day":
        return stored == person.birth_date
    coarse = "year" if "year" in (stored_precision, person.birth.precision) else "month"
    same_year = stored.year == person.birth.day.year
    return same_year if coarse == "year" else same_year and stored.month == person.birth.day.month


_RESIDENT_INSERT = (
    "community_id",
    *RESIDENT_FIELDS,
    "name_pinyin",
    "name_initials",
    "created_at",
    "updated_at",
)
_MEMBER_INSERT = ("community_id", "resident_id", *MEMBER_FIELDS, "created_at", "updated_at", "public_token")
_MEMBER_DEFAULTS = {
    "joined_on": None,
    "joined_precision": "day",
    "standing": Member.Standing.FULL.value,
    "registration": Member.Registration.LOCAL.value,
    "registered_org": "",
    "employment": "",
}


@dataclass
class _Batch:
    new_residents: list[tuple[list, PersonRow, set[int] | None]] = field(default_factory=list)
    updated_residents: list[tuple[int, list]] = field(default_factory=list)  # (pk, values)
    tag_sets: dict[int, set[int]] = field(default_factory=dict)  # resident -> the full new set
    new_members: list[tuple[int, MemberRow, set[int] | None]] = field(default_factory=list)
    updated_members: list[tuple[int, list]] = field(default_factory=list)  # (member pk, values)
    service_sets: dict[int, set[int]] = field(default_factory=dict)  # member -> the full new set


def _replace_links(through: type, owner: str, target: str, sets: dict[int, set[int]], fresh: set[int]) -> None:
    """Set many-to-many links to exactly `sets`; owners in `fresh` were just created and have none."""
    if not sets:
        return
    stale = [pk for pk in sets if pk not in fresh]
    for start in range(0, len(stale), 500):
        through.objects.filter(**{f"{owner}__in": stale[start : start + 500]}).delete()
    links = [(pk, t) for pk, targets in sets.items() for t in sorted(targets)]
    bulk.insert(through, (owner, target), links)


def open_for(source: str | BinaryIO, community: Community, mapping: list[str] | None = None) -> Roster:
    """The roster with its columns read as `mapping` says, else as the community confirmed for this
    header before, else as the header names them."""
    roster = open_roster(source)
    if not mapping:
        remembered = RosterMapping.objects.filter(community=community, signature=roster.signature).first()
        mapping = remembered.mapping if remembered else None
    if mapping:
        roster.use_mapping(mapping)
    return roster


def import_roster(
    source: str | BinaryIO,
    community: Community,
    *,
    file_name: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    progress: Progress | None = None,
    mapping: list[str] | None = None,
    sink: RowSink | None = None,
) -> ImportResult:
    """Import a roster file (a path or an open binary file) into `community`; one audit entry.
    Rejected rows and warnings go to `sink` chunk by chunk, else they are kept on the result.

    Raises RosterError (Chinese message) when the file as a whole cannot be read."""
    roster = open_for(source, community, mapping)
    run = RosterImport(community, roster, progress=progress, sink=sink)
    run.result.file_name = file_name
    try:
        result = run.run()
    except Exception:
        _audit(run.result, community, actor, request, failed=True)
        raise
    _audit(result, community, actor, request)
    return result


def preview_roster(
    source: str | BinaryIO,
    community: Community,
    *,
    mapping: list[str] | None = None,
    progress: Progress | None = None,
) -> dict:
    """A dry run: how each column is read, the first rows as read, and the counts the import
    would give; nothing is written."""
    roster = open_for(source, community, mapping)
    run = RosterImport(community, roster, progress=progress, dry_run=True, sink=_forget)
    result = run.run()
    return {
        "header": roster.header,
        "header_row": roster.header_row,
        "mapping": roster.mapping,
        "signature": roster.signature,
        "samples": run.samples,
        "examples": [
            next((cells[i] for cells in run.first_cells if i < len(cells) and cells[i]), "")[:40]
            for i in range(len(roster.mapping))
        ],
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected_count,
        "warnings": result.warning_count,
        "places_created": result.places_created,
    }


def _forget(rejected: list[dict], warnings: list[dict]) -> None:
    """A dry run's sink: only the counts are shown."""


def _audit(
    result: ImportResult,
    community: Community,
    actor: User | None,
    request: HttpRequest | None,
    failed: bool = False,
) -> None:
    detail = {"file": result.file_name, **result.summary(), "rejected": result.rejected_count,
              "warnings": result.warning_count}  # fmt: skip
    if failed:
        detail["failed"] = True
    record(request, "import", None, community_id=community.pk, actor=actor, detail=detail,
           object_type="roster", object_repr=result.file_name or "名册")  # fmt: skip
