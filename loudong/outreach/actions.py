"""The write path of outreach: proposing, adjusting and confirming a group's assignment, logging a
visit and turning a need found on a visit into a request. Every change is written to the audit log.

Every action is `verb(obj, *, by, **fields)` (loudong.lib.actions): `http` is the request when there
is one, for the audit entry's address. Refusals raise ActionRefused with a Chinese message; nothing is
changed then.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, User
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.outreach.assign import HouseholdSpot, Place, VolunteerSpot, propose
from loudong.outreach.models import Assignment, AssignmentDraft, Visit
from loudong.registry.models import Household, Member, Resident
from loudong.tickets import actions as tickets
from loudong.tickets.models import Request

MAX_MINUTES = 600
# A visit is logged the same day or soon after; older ones are kept out to catch a mistyped year.
MAX_DAYS_BACK = 90
MAX_TEXT = 2000
# A visit the volunteers' app sends may have waited in the phone's queue; a month is far beyond that
# (the phone clears what it holds after 7 days without a login), so anything older is a wrong clock.
UPLOAD_DAYS_BACK = 30


# ---- assignments ------------------------------------------------------------------------------


def group_members(group: BuildingGroup) -> list[Member]:
    return list(
        Member.objects.filter(group=group)
        .select_related("resident__household__stairwell__building")
        .order_by("resident__name_pinyin", "pk")
    )


def group_households(group: BuildingGroup) -> "list[Household]":
    return list(
        Household.objects.filter(stairwell__group=group)
        .select_related("stairwell__building")
        .order_by("stairwell__building__sort_key", "stairwell__sort_key", "sort_key")
    )


def current_mapping(group: BuildingGroup) -> dict[int, int | None]:
    """{household id: member id} for the group's households; None where nobody of the group has it."""
    in_group = set(Member.objects.filter(group=group).values_list("pk", flat=True))
    held = dict(
        Assignment.objects.filter(household__stairwell__group=group).values_list("household_id", "volunteer_id")
    )
    return {
        h: (held.get(h) if held.get(h) in in_group else None)
        for h in Household.objects.filter(stairwell__group=group).values_list("pk", flat=True)
    }


def care_household_ids(households: Iterable[int]) -> set[int]:
    return set(
        Resident.objects.filter(household_id__in=list(households), care_tags__isnull=False).values_list(
            "household_id", flat=True
        )
    )


def spots(group: BuildingGroup) -> tuple[list[HouseholdSpot], list[VolunteerSpot]]:
    current = current_mapping(group)
    care = care_household_ids(current)
    rows = Household.objects.filter(stairwell__group=group).values_list(
        "pk", "stairwell_id", "stairwell__building_id", "stairwell__x", "stairwell__y"
    )
    households = [HouseholdSpot(pk, Place(s, b, x, y), pk in care, current.get(pk)) for pk, s, b, x, y in rows]
    volunteers = []
    for member in group_members(group):
        household = member.resident.household
        home = None
        if household is not None and household.community_id == group.community_id:
            stairwell = household.stairwell
            home = Place(stairwell.pk, stairwell.building_id, stairwell.x, stairwell.y)
        volunteers.append(VolunteerSpot(member.pk, home))
    return households, volunteers


@atomic_action
def propose_for(group: BuildingGroup, *, by: User, http: HttpRequest | None = None) -> AssignmentDraft:
    """The platform's proposal, kept as the group's draft until the leader confirms or discards it."""
    households, volunteers = spots(group)
    if not households:
        raise ActionRefused("这个党小组负责的单元里还没有住户。")
    try:
        mapping = propose(households, volunteers)
    except ActionRefused as refusal:
        raise ActionRefused(refusal.message) from refusal
    draft, _ = AssignmentDraft.objects.update_or_create(
        group=group,
        defaults={
            "community_id": group.community_id,
            "created_by": by,
            "created_at": timezone.now(),
            "mapping": {str(h): m for h, m in mapping.items()},
        },
    )
    record(http, AuditEntry.Action.CREATE, draft, actor=by, detail={"住户": len(mapping), "党员": len(volunteers)})
    return draft


def _check_move(group: BuildingGroup, household: Household, volunteer: Member) -> None:
    if household.stairwell.group_id != group.pk:
        raise ActionRefused("这一户不在本党小组负责的单元里。")
    if volunteer.group_id != group.pk:
        raise ActionRefused("只能交给本党小组的党员。")


@atomic_action
def move(
    group: BuildingGroup, household: Household, volunteer: Member, *, by: User, http: HttpRequest | None = None
) -> bool:
    """Give the household to another member: in the draft when there is one, else at once.
    Returns True when it went into the draft."""
    _check_move(group, household, volunteer)
    draft = AssignmentDraft.objects.select_for_update().filter(group=group).first()
    if draft is not None:
        before = draft.mapping.get(str(household.pk))
        draft.mapping[str(household.pk)] = volunteer.pk
        draft.save(update_fields=["mapping"])
        record(
            http,
            AuditEntry.Action.UPDATE,
            draft,
            actor=by,
            detail={"住户": str(household), "改前": _member_name(before), "改后": str(volunteer)},
        )
        return True
    assignment = Assignment.objects.select_for_update().filter(household=household).first()
    before = _member_name(assignment.volunteer_id) if assignment else None
    if assignment is None:
        assignment = Assignment(community_id=household.community_id, household=household)
    assignment.volunteer, assignment.assigned_by, assignment.assigned_at = volunteer, by, timezone.now()
    assignment.save()
    record(
        http,
        AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        assignment,
        actor=by,
        detail={"住户": str(household), "改前": before, "改后": str(volunteer)},
    )
    return False


@atomic_action
def confirm(group: BuildingGroup, *, by: User, http: HttpRequest | None = None) -> int:
    """Apply the draft: every household of the group gets the member the draft names. Returns changes."""
    draft = AssignmentDraft.objects.select_for_update().filter(group=group).first()
    if draft is None:
        raise ActionRefused("没有待确认的包户建议，请先生成建议。")
    mapping = draft.as_ids()
    households = {h.pk: h for h in group_households(group)}
    members = {m.pk: m for m in group_members(group)}
    missing = [h for pk, h in households.items() if pk not in mapping]
    if missing:
        raise ActionRefused(f"有 {len(missing)} 户是建议生成后才划入本党小组的，请重新生成建议。")
    if any(mapping[pk] not in members for pk in households):
        raise ActionRefused("建议里有党员已不在本党小组，请重新生成建议。")
    existing = {a.household_id: a for a in Assignment.objects.select_for_update().filter(household_id__in=households)}
    now = timezone.now()
    changed = []
    for pk, household in households.items():
        target = mapping[pk]
        held = existing.get(pk)
        if held is not None and held.volunteer_id == target:
            continue
        changed.append([str(household), _member_name(held.volunteer_id) if held else None, str(members[target])])
        if held is None:
            Assignment.objects.create(
                community_id=group.community_id,
                household=household,
                volunteer_id=target,
                assigned_by=by,
                assigned_at=now,
            )
        else:
            held.volunteer_id, held.assigned_by, held.assigned_at = target, by, now
            held.save(update_fields=["volunteer", "assigned_by", "assigned_at"])
    record(
        http,
        AuditEntry.Action.UPDATE,
        group,
        actor=by,
        object_repr=f"{group}包户",
        detail={"确认包户": len(households), "变动": changed[:300], "变动户数": len(changed)},
    )
    draft.delete()
    return len(changed)


@atomic_action
def discard(group: BuildingGroup, *, by: User, http: HttpRequest | None = None) -> None:
    draft = AssignmentDraft.objects.filter(group=group).first()
    if draft is None:
        raise ActionRefused("没有待确认的包户建议。")
    record(http, AuditEntry.Action.DELETE, draft, actor=by, detail={"放弃建议": len(draft.mapping)})
    draft.delete()


def _member_name(member_id: int | str | None) -> str | None:
    if member_id is None:
        return None
    member = Member.objects.filter(pk=int(member_id)).select_related("resident").first()
    return str(member) if member else None


# ---- visits -----------------------------------------------------------------------------------


def _clean_text(value: str, what: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ActionRefused(f"{what}太长了，请不超过 {MAX_TEXT} 个字。")
    return text


@atomic_action
def log_visit(
    household: Household,
    *,
    volunteer: Member,
    by: User,
    visited_at: datetime,
    minutes: int = Visit.DEFAULT_MINUTES,
    someone_home: str = Visit.Home.MET,
    met: Iterable[Resident] = (),
    needs: str = "",
    note: str = "",
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Visit:
    now = now or timezone.now()
    if volunteer.community_id != household.community_id:
        raise ActionRefused("这一户不在您所在的社区。")
    if not 1 <= int(minutes) <= MAX_MINUTES:
        raise ActionRefused(f"用时须在 1 到 {MAX_MINUTES} 分钟之间。")
    if visited_at > now + timedelta(minutes=5):
        raise ActionRefused("走访时间不能晚于现在。")
    if visited_at < now - timedelta(days=MAX_DAYS_BACK):
        raise ActionRefused(f"只能补记 {MAX_DAYS_BACK} 天以内的走访，请检查日期。")
    if someone_home not in Visit.Home.values:
        raise ActionRefused("请选择是否有人在家。")
    met = list(met)
    if someone_home == Visit.Home.AWAY and met:
        raise ActionRefused("选了“无人在家”，就不要勾选见到的居民。")
    if any(r.household_id != household.pk for r in met):
        raise ActionRefused("勾选的居民不住在这一户。")
    needs, note = _clean_text(needs, "发现的需求"), _clean_text(note, "备注")
    visit = Visit.objects.create(
        community_id=household.community_id,
        household=household,
        volunteer=volunteer,
        visited_at=visited_at,
        minutes=int(minutes),
        someone_home=someone_home,
        needs=needs,
        note=note,
        created_by=by,
        created_at=now,
    )
    visit.met.set(met)
    record(
        http,
        AuditEntry.Action.CREATE,
        visit,
        actor=by,
        detail={
            "住户": str(household),
            "党员": str(volunteer),
            "是否有人在家": visit.get_someone_home_display(),
            "用时": visit.minutes,
            "有需求": bool(needs),
        },
    )
    return visit


@atomic_action
def upload_visit(
    household: Household,
    *,
    volunteer: Member,
    by: User,
    visited_at: datetime,
    minutes: int,
    someone_home: str,
    met: Iterable[Resident] = (),
    note: str = "",
    need: str = "",
    need_category: str = "",
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Visit:
    """A visit sent by the volunteers' app, perhaps typed offline earlier (`visited_at`): logged as on
    the visit page, and a need found becomes a request at once (一键转点单), all or nothing."""
    now = now or timezone.now()
    if visited_at < now - timedelta(days=UPLOAD_DAYS_BACK):
        day = timezone.localtime(visited_at)
        raise ActionRefused(
            f"走访时间是 {day.year}年{day.month}月{day.day}日，已超过 {UPLOAD_DAYS_BACK} 天，不能再从手机上传；"
            "请检查手机的日期，或请组长在网页上补记。"
        )
    visit = log_visit(
        household,
        volunteer=volunteer,
        by=by,
        visited_at=visited_at,
        minutes=minutes,
        someone_home=someone_home,
        met=met,
        needs=need,
        note=note,
        http=http,
        now=now,
    )
    if need.strip():
        visit.request = request_from_visit(visit, category_code=need_category, by=by, http=http, now=now)
    return visit


def contact_for(visit: Visit) -> Resident | None:
    """Who the request is for: a resident met on the visit, else one with a care tag, else anyone there."""
    met = list(visit.met.all())
    if met:
        return met[0]
    residents = Resident.objects.filter(household=visit.household).order_by("birth_date", "pk")
    return residents.filter(care_tags__isnull=False).first() or residents.first()


@atomic_action
def request_from_visit(
    visit: Visit, *, category_code: str, by: User, http: HttpRequest | None = None, now: datetime | None = None
) -> Request:
    """一键转点单: the need written on the visit becomes a request (channel 敲门问需) linked to it."""
    visit = Visit.objects.select_for_update().select_related("household__stairwell__building").get(pk=visit.pk)
    if visit.request_id:
        raise ActionRefused("这次走访发现的需求已经转为点单了。")
    if not visit.needs.strip():
        raise ActionRefused("这次走访没有记录需求，不能转为点单。请先补充需求。")
    household = visit.household
    resident = contact_for(visit)
    phone = ""
    if resident is not None and resident.phone:
        try:
            phone = normalize_phone(resident.phone)
        except InvalidValue:
            phone = ""
    try:
        req = tickets.place_request(
            community=household.community,
            building=household.stairwell.building,
            stairwell=household.stairwell,
            household=household,
            category_code=category_code,
            description=visit.needs,
            kind=Request.Kind.HELP,
            channel=Request.Channel.VISIT,
            resident=resident,
            contact_name=resident.name if resident else "",
            contact_phone=phone,
            by=by,
            now=now,
        )
    except ActionRefused as refusal:
        raise ActionRefused(refusal.message) from refusal
    visit.request = req
    visit.save(update_fields=["request"])
    record(
        http,
        AuditEntry.Action.CREATE,
        req,
        actor=by,
        detail={"what": "走访需求转点单", "channel": req.channel, "visit": visit.pk},
    )
    return req
