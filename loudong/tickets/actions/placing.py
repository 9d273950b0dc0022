"""Placing a request (点单, by the resident or 代点单 by staff) and added details.

Placing is two steps shared by one request (`place_request`: staff pages, visits, meetings, Open311)
and by many (`loudong.tickets.intake.materialize`: the resident's form and the API, in batches):
`prepare` reads and checks everything and builds the unsaved Request with its number-less fields,
deadlines and recipients; `write` then saves any number of them in one short transaction (numbers,
bulk inserts of the requests and their photos, the events and the outbox notifications). On SQLite
that transaction holds the database's one write lock, so nothing that can be done before is done
inside. `Lookups` keeps what the requests of one write share (rules, groups, leaders, the calendar).
"""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.base import File
from django.db import connection, transaction

from loudong.accounts.access import STAFF_ROLES
from loudong.accounts.models import User
from loudong.groups.models import BuildingGroup
from loudong.lib import workdays
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.lib.shanghai import local
from loudong.lib.sql import prepared_cursor
from loudong.notify import outbox
from loudong.policy.models import PolicyVersion
from loudong.policy.rules import Rules
from loudong.registry.models import Building, Community, Household, Member, Resident, Stairwell
from loudong.tickets import deadlines
from loudong.tickets.access import is_assignee, is_dispatcher
from loudong.tickets.actions.base import (
    RESIDENT_LABEL,
    leaders_of,
    lock,
    now_or,
    record,
    require_status,
    require_text,
    sync,
    tell_assignee,
    tell_group_robot,
    tell_staff,
)
from loudong.tickets.models import OPEN, Request, RequestPhoto, RequestSequence, Status

MAX_PHOTOS = 3


# Rules by PolicyVersion id: a version is never changed (a change is a new version), so the only
# question per submission is which version is the newest, one indexed read.
_rules_by_version: dict[tuple, Rules] = {}


def rules_for(community_id: int) -> Rules:
    """The community's rules in force (as policy.current_rules), parsed once per process."""
    newest = fetch(newest_version_sql("id, created_at", "%s"), [community_id])
    return rules_of(tuple(newest[0]) if newest else None)


def newest_version_sql(columns: str, community: str) -> str:
    """`columns` of the newest PolicyVersion of `community` (a placeholder or a column), one indexed read."""
    return f"SELECT {columns} FROM {table(PolicyVersion)} WHERE community_id = {community} ORDER BY number DESC LIMIT 1"


def rules_of(version: tuple | None) -> Rules:
    """The rules of a PolicyVersion, by (id, created_at) as read by `newest_version_sql`; the default
    rules for None (a community without a version)."""
    if version is None:
        return Rules()
    if version not in _rules_by_version:
        if len(_rules_by_version) > 1000:
            _rules_by_version.clear()
        # With its time: an id used again (a rolled-back test) is another version.
        _rules_by_version[version] = PolicyVersion.objects.get(pk=version[0]).parsed
    return _rules_by_version[version]


def table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def fetch(sql: str, params: list) -> list[tuple]:
    """Rows of a plain statement. What every submission reads is written in SQL: building an ORM query
    costs more than running it, and a submission has about 3 ms in all (loudong.tickets.intake). On
    PostgreSQL the statement is planned once per connection (loudong.lib.sql.prepared_cursor)."""
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def next_numbers(community_id: int, day: date, count: int = 1) -> list[str]:
    """'20261129-1-0007': the Shanghai date, the community id and its count that day. One UPSERT
    statement takes the next `count` of them, safe across processes on SQLite and PostgreSQL alike."""
    sequence = table(RequestSequence)
    last = fetch(
        f'INSERT INTO {sequence} (community_id, day, "last") VALUES (%s, %s, %s) '
        f'ON CONFLICT (community_id, day) DO UPDATE SET "last" = {sequence}."last" + %s RETURNING "last"',
        [community_id, connection.ops.adapt_datefield_value(day), count, count],
    )[0][0]
    return [f"{day:%Y%m%d}-{community_id}-{n:04d}" for n in range(last - count + 1, last + 1)]


def next_number(community: Community, day: date) -> str:
    return next_numbers(community.pk, day)[0]


def group_for(building: Building, stairwell: Stairwell | None) -> BuildingGroup | None:
    """The group serving the stairwell; else the building's only group, if it has exactly one."""
    if stairwell is not None and stairwell.group_id:
        return stairwell.group
    group_id = _only_group_id(building.pk)
    return BuildingGroup.objects.get(pk=group_id) if group_id else None


def _only_group_id(building_id: int) -> int | None:
    ids = set(Stairwell.objects.filter(building_id=building_id, group__isnull=False).values_list("group_id", flat=True))
    return ids.pop() if len(ids) == 1 else None


def clean_phone(phone: str) -> str:
    if not phone.strip():
        return ""
    try:
        return normalize_phone(phone)
    except InvalidValue as exc:
        raise ActionRefused(str(exc)) from exc


class Lookups:
    """What the requests written together share, each read once: the rules of each community, the
    only group of a building, a group's leaders, residents by phone, the calendar overrides."""

    def __init__(self, rules: dict[int, Rules] | None = None) -> None:
        self._rules = dict(rules or {})
        self._only_group: dict[int, int | None] = {}
        self._leaders: dict[tuple[int, int | None], list[User]] = {}
        self._phones: dict[tuple[int, str], list[Resident]] = {}
        self._overrides: dict[int, tuple[date, dict]] = {}

    def rules(self, community_id: int) -> Rules:
        if community_id not in self._rules:
            self._rules[community_id] = rules_for(community_id)
        return self._rules[community_id]

    def only_group_id(self, building_id: int) -> int | None:
        if building_id not in self._only_group:
            self._only_group[building_id] = _only_group_id(building_id)
        return self._only_group[building_id]

    def leaders(self, req: Request) -> list[User]:
        key = (req.community_id, req.group_id)
        if key not in self._leaders:
            self._leaders[key] = leaders_of(req)
        return self._leaders[key]

    def residents(self, community_id: int, phone: str) -> list[Resident]:
        if (community_id, phone) not in self._phones:
            self.read_phones(community_id, [phone])
        return self._phones[(community_id, phone)]

    def read_phones(self, community_id: int, phones: Iterable[str]) -> None:
        """Residents with these phones, in one query (the batch reads them before preparing)."""
        wanted = {p for p in phones if p and (community_id, p) not in self._phones}
        if not wanted:
            return
        for phone in wanted:
            self._phones[(community_id, phone)] = []
        for resident in Resident.objects.filter(community_id=community_id, phone__in=wanted).select_related(
            "household__stairwell"
        ):
            self._phones[(community_id, resident.phone)].append(resident)

    def overrides(self, community_id: int, since: datetime) -> dict:
        day = local(since).date()
        known = self._overrides.get(community_id)
        if known is None or day < known[0]:
            self._overrides[community_id] = known = (day, deadlines.overrides(community_id, since))
        return known[1]


@dataclass
class Placement:
    """A checked, unsaved request and what `write` saves with it."""

    req: Request
    by: User | None
    leaders: list[User]
    photos: list = field(default_factory=list)  # files to store, or names already in the storage
    suggested: Member | None = None  # the volunteer whose contact card the resident scanned


def prepare(
    *,
    community: Community,
    building: Building,
    category_code: str,
    description: str,
    kind: str = Request.Kind.HELP,
    scope: str = "",
    channel: str = Request.Channel.QR,
    stairwell: Stairwell | None = None,
    household: Household | None = None,
    room: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    resident: Resident | None = None,
    by: User | None = None,
    photos: Iterable[File | str] = (),
    now: datetime,
    tracking_token: str = "",
    suggested: Member | None = None,
    lookups: Lookups,
) -> Placement:
    """Check a request and build it, unsaved: every refusal is a ActionRefused and nothing is written."""
    if building.community_id != community.pk:
        raise ActionRefused("所选楼栋不在本社区。")
    if household is not None:
        if stairwell is not None and household.stairwell_id != stairwell.pk:
            raise ActionRefused("所选房号不在这个单元。")
        stairwell = household.stairwell
    if stairwell is not None and stairwell.building_id != building.pk:
        raise ActionRefused("所选单元不在这栋楼。")
    category = lookups.rules(community.pk).category(category_code)
    if category is None:
        raise ActionRefused("请选择诉求类别。")
    if kind not in Request.Kind.values:
        raise ActionRefused("请选择诉求类型（咨询、求助、投诉、举报或建议）。")
    scope = scope or category.scope  # what the resident said, else what the category usually is
    if scope not in Request.Scope.values:
        raise ActionRefused("请选择这是公共区域的事还是家中的事。")
    if channel not in Request.Channel.values:
        raise ActionRefused("来源不正确。")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ActionRefused(f"最多上传 {MAX_PHOTOS} 张照片。")
    description = require_text(description, "需要什么帮助")
    phone = clean_phone(contact_phone)
    if resident is not None and resident.community_id != community.pk:
        raise ActionRefused("所选居民不在本社区。")
    if resident is None and phone:
        matches = lookups.residents(community.pk, phone)
        resident = matches[0] if len(matches) == 1 else None
    if household is None and resident is not None and resident.household_id and not room:
        candidate = resident.household
        if candidate.stairwell.building_id == building.pk and stairwell in (None, candidate.stairwell):
            household, stairwell = candidate, candidate.stairwell
    # The stairwell's group by its id (nothing to read); the building's only group otherwise.
    if stairwell is not None and stairwell.group_id:
        group_id = stairwell.group_id
    else:
        group_id = lookups.only_group_id(building.pk)
    req = Request(
        community=community,
        building=building,
        stairwell=stairwell,
        household=household,
        room=(room or (household.room if household else "")).strip()[:20],
        group_id=group_id,
        category_code=category.code,
        category_name=category.name,
        kind=kind,
        scope=scope,
        channel=channel,
        description=description,
        contact_name=contact_name.strip()[:40],
        contact_phone=phone,
        anonymous=anonymous,
        resident=resident,
        created_by=by,
        tracking_token=tracking_token or secrets.token_urlsafe(16),
        status=Status.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    if stairwell is not None and stairwell.group_id == group_id and Stairwell.group.is_cached(stairwell):
        req.group = stairwell.group  # the caller read it already (an answer naming the group)
    req.response_due_at = deadlines.response_deadline(req, now, category)
    due = workdays.add_working_days(now, category.resolve_working_days, lookups.overrides(community.pk, now))
    deadlines.start_clock(req, now, due)
    if suggested is not None and suggested.community_id != community.pk:
        suggested = None
    return Placement(req, by, lookups.leaders(req), photos, suggested)


def write(placements: list[Placement]) -> None:
    """Save prepared requests together in one transaction: their numbers (one UPSERT per community
    and day), the rows, their photos, the "placed" events and the notifications (outbox)."""
    by_day: dict[tuple[int, date], list[Request]] = defaultdict(list)
    for placement in placements:
        by_day[(placement.req.community_id, local(placement.req.created_at).date())].append(placement.req)
    with transaction.atomic():
        for (community_id, day), reqs in by_day.items():
            for req, number in zip(reqs, next_numbers(community_id, day, len(reqs)), strict=True):
                req.number = number
        Request.objects.bulk_create([p.req for p in placements])
        RequestPhoto.objects.bulk_create(
            [
                RequestPhoto(request=p.req, stage=RequestPhoto.Stage.ASKED, image=photo, uploaded_at=p.req.created_at)
                for p in placements
                for photo in p.photos
            ]
        )
        with outbox.batched():  # every notification in one INSERT, delivered together after commit
            for p in placements:
                req = p.req
                record(
                    req,
                    "placed",
                    by=p.by,
                    at=req.created_at,
                    label=None if p.by else RESIDENT_LABEL,
                    channel=req.channel,
                    note=f"{req.get_channel_display()}：{req.get_kind_display()} · {req.category_name}",
                )
                if p.suggested is not None:
                    # The resident scanned this volunteer's contact card: the leader's queue suggests them.
                    record(
                        req,
                        "suggested",
                        by=None,
                        at=req.created_at,
                        label=RESIDENT_LABEL,
                        note=f"居民扫的是{p.suggested}的便民联系卡",
                        suggested_member_id=p.suggested.pk,
                    )
                tell_staff(
                    p.leaders, req, "新的点单", f"{req.place_label} · {req.category_name}：{req.description[:60]}"
                )
                tell_group_robot(req, "新的点单")


def place_request(
    *,
    community: Community,
    building: Building,
    category_code: str,
    description: str,
    kind: str = Request.Kind.HELP,
    scope: str = "",
    channel: str = Request.Channel.QR,
    stairwell: Stairwell | None = None,
    household: Household | None = None,
    room: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    resident: Resident | None = None,
    by: User | None = None,
    photos: Iterable[File] = (),
    now: datetime | None = None,
    rules: Rules | None = None,
    suggested: Member | None = None,
) -> Request:
    """Create one request. `by` is the staff member entering it for a resident (代点单), else None.
    `scope`: a shared place or a household, as the resident said; blank for the category's usual one.
    `rules`: the community's current rules when the caller has just read them (saves reading again)."""
    if by is not None and not (by.roles_in(community.pk) & STAFF_ROLES):
        raise ActionRefused("只有本社区的志愿者、组长或社区管理员可以代居民点单。")
    placement = prepare(
        community=community,
        building=building,
        category_code=category_code,
        description=description,
        kind=kind,
        scope=scope,
        channel=channel,
        stairwell=stairwell,
        household=household,
        room=room,
        contact_name=contact_name,
        contact_phone=contact_phone,
        anonymous=anonymous,
        resident=resident,
        by=by,
        photos=photos,
        now=now_or(now),
        suggested=suggested,
        lookups=Lookups({community.pk: rules} if rules else None),
    )
    write([placement])
    return placement.req


@atomic_action
def comment(
    req: Request, note: str, *, by: User | None = None, photos: Iterable[File] = (), now: datetime | None = None
) -> Request:
    """Details added by the resident (by token, `by` None) or a note by staff who may act on it."""
    now = now_or(now)
    locked = lock(req)
    require_status(locked, (*OPEN, Status.RESOLVED), "补充")
    if by is not None and not (is_dispatcher(by, locked) or is_assignee(by, locked)):
        raise ActionRefused("只有组长、承办志愿者或社区管理员可以在这里留言。")
    note = require_text(note, "补充内容")
    photos = list(photos)
    if len(photos) + locked.photos.filter(stage=RequestPhoto.Stage.ASKED).count() > MAX_PHOTOS and by is None:
        raise ActionRefused(f"最多上传 {MAX_PHOTOS} 张照片。")
    for photo in photos:
        stage = RequestPhoto.Stage.ASKED if by is None else RequestPhoto.Stage.DONE
        RequestPhoto.objects.create(request=locked, stage=stage, image=photo, uploaded_at=now)
    record(locked, "commented", by=by, at=now, label=RESIDENT_LABEL if by is None else None, note=note)
    if by is None:
        if locked.assignee_id:
            tell_assignee(locked, "居民补充了内容", note[:80])
        else:
            tell_staff(leaders_of(locked), locked, "居民补充了内容", note[:80])
    return sync(req, locked)
