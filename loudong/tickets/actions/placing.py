"""Placing a request (点单, by the resident or 代点单 by staff), "我也遇到" and added details."""

import secrets
from collections.abc import Iterable
from datetime import date, datetime

from django.core.files.base import File
from django.db import connection, transaction

from loudong.accounts.models import Role, User
from loudong.groups.models import BuildingGroup
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.lib.workdays import local
from loudong.policy.models import current_rules
from loudong.policy.rules import Rules
from loudong.registry.models import Building, Community, Household, Resident, Stairwell
from loudong.tickets import deadlines
from loudong.tickets.actions.base import (
    RESIDENT_LABEL,
    TransitionError,
    atomic_action,
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
from loudong.tickets.models import OPEN, Request, RequestPhoto, RequestSequence, Status, Supporter

MAX_PHOTOS = 3
STAFF_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER}


def next_number(community: Community, day: date) -> str:
    """'20261129-1-0007': the Shanghai date, the community id and its count that day. One UPSERT
    statement takes the next count, safe across processes on SQLite and PostgreSQL alike."""
    table = connection.ops.quote_name(RequestSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (community_id, day, "last") VALUES (%s, %s, 1) '
            f'ON CONFLICT (community_id, day) DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"',
            [community.pk, connection.ops.adapt_datefield_value(day)],
        )
        last = cursor.fetchone()[0]
    return f"{day:%Y%m%d}-{community.pk}-{last:04d}"


def group_for(building: Building, stairwell: Stairwell | None) -> BuildingGroup | None:
    """The group serving the stairwell; else the building's only group, if it has exactly one."""
    if stairwell is not None and stairwell.group_id:
        return stairwell.group
    ids = set(Stairwell.objects.filter(building=building, group__isnull=False).values_list("group_id", flat=True))
    return BuildingGroup.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def _clean_phone(phone: str) -> str:
    if not phone.strip():
        return ""
    try:
        return normalize_phone(phone)
    except InvalidValue as exc:
        raise TransitionError(str(exc)) from exc


def _place_checks(community: Community, building: Building, stairwell: Stairwell | None,
                  household: Household | None, by: User | None) -> tuple[Stairwell | None, Household | None]:
    if building.community_id != community.pk:
        raise TransitionError("所选楼栋不在本社区。")
    if household is not None:
        if stairwell is not None and household.stairwell_id != stairwell.pk:
            raise TransitionError("所选房号不在这个单元。")
        stairwell = household.stairwell
    if stairwell is not None and stairwell.building_id != building.pk:
        raise TransitionError("所选单元不在这栋楼。")
    if by is not None and not (by.roles_in(community.pk) & STAFF_ROLES):
        raise TransitionError("只有本社区的志愿者、组长或社区管理员可以代居民点单。")
    return stairwell, household


def place_request(*, community: Community, building: Building, category_code: str, description: str,
                  kind: str = Request.Kind.HELP, channel: str = Request.Channel.QR,
                  stairwell: Stairwell | None = None, household: Household | None = None, room: str = "",
                  contact_name: str = "", contact_phone: str = "", anonymous: bool = False,
                  resident: Resident | None = None, by: User | None = None, photos: Iterable[File] = (),
                  now: datetime | None = None, rules: Rules | None = None) -> Request:
    """Create a request. `by` is the staff member entering it for a resident (代点单), else None.
    `rules`: the community's current rules when the caller has just read them (saves reading again).
    Everything is read and checked first; the writes then take one short transaction (on SQLite it
    holds the database's one write lock, so nothing that can be done before is done inside)."""
    now = now_or(now)
    stairwell, household = _place_checks(community, building, stairwell, household, by)
    category = (rules or current_rules(community.pk)).category(category_code)
    if category is None:
        raise TransitionError("请选择诉求类别。")
    if kind not in Request.Kind.values:
        raise TransitionError("请选择诉求类型（咨询、求助、投诉、举报或建议）。")
    if channel not in Request.Channel.values:
        raise TransitionError("来源不正确。")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise TransitionError(f"最多上传 {MAX_PHOTOS} 张照片。")
    description = require_text(description, "需要什么帮助")
    phone = _clean_phone(contact_phone)
    if resident is not None and resident.community_id != community.pk:
        raise TransitionError("所选居民不在本社区。")
    if resident is None and phone:
        matches = list(Resident.objects.filter(community=community, phone=phone)[:2])
        resident = matches[0] if len(matches) == 1 else None
    if household is None and resident is not None and resident.household_id and not room:
        candidate = resident.household
        if candidate.stairwell.building_id == building.pk and stairwell in (None, candidate.stairwell):
            household, stairwell = candidate, candidate.stairwell
    # The stairwell's group by its id (nothing to read); the building's only group otherwise.
    if stairwell is not None and stairwell.group_id:
        group_id = stairwell.group_id
    else:
        group_id = getattr(group_for(building, stairwell), "pk", None)
    req = Request(
        community=community, building=building,
        stairwell=stairwell, household=household, room=(room or (household.room if household else "")).strip()[:20],
        group_id=group_id, category_code=category.code, category_name=category.name, kind=kind, channel=channel,
        description=description, contact_name=contact_name.strip()[:40], contact_phone=phone,
        anonymous=anonymous, resident=resident, created_by=by, tracking_token=secrets.token_urlsafe(16),
        status=Status.SUBMITTED, created_at=now, updated_at=now,
    )
    if stairwell is not None and stairwell.group_id == group_id and Stairwell.group.is_cached(stairwell):
        req.group = stairwell.group  # the caller read it already (the API's answer names the group)
    req.response_due_at = deadlines.response_deadline(req, now, category)
    deadlines.start_clock(req, now, deadlines.resolve_deadline(req, now, category))
    leaders = leaders_of(req)
    with transaction.atomic():
        req.number = next_number(community, local(now).date())
        req.save()
        for photo in photos:
            RequestPhoto.objects.create(request=req, stage=RequestPhoto.Stage.ASKED, image=photo, uploaded_at=now)
        label = None if by else RESIDENT_LABEL
        record(req, "placed", by=by, at=now, label=label, channel=channel,
               note=f"{req.get_channel_display()}：{req.get_kind_display()} · {req.category_name}")
        tell_staff(leaders, req, "新的点单", f"{req.place_label} · {req.category_name}：{description[:60]}")
        tell_group_robot(req, "新的点单")
    return req


@atomic_action
def support(req: Request, phone: str = "", *, now: datetime | None = None) -> Request:
    """我也遇到: a neighbour joins an open request."""
    now = now_or(now)
    locked = lock(req)
    require_status(locked, OPEN, "加入")
    phone = _clean_phone(phone)
    if phone and (phone == locked.contact_phone or locked.supporters.filter(contact_phone=phone).exists()):
        raise TransitionError("您已经加入过这条诉求。")
    Supporter.objects.create(request=locked, contact_phone=phone, created_at=now)
    locked.support_count += 1
    locked.updated_at = now
    locked.save(update_fields=["support_count", "updated_at"])
    record(locked, "supported", by=None, at=now, label=RESIDENT_LABEL, note="又有一位居民反映同样的问题")
    return sync(req, locked)


@atomic_action
def comment(req: Request, note: str, *, by: User | None = None, photos: Iterable[File] = (),
            now: datetime | None = None) -> Request:
    """Details added by the resident (by token, `by` None) or a note by staff who may act on it."""
    from loudong.tickets.actions.base import is_assignee, is_dispatcher

    now = now_or(now)
    locked = lock(req)
    require_status(locked, (*OPEN, Status.RESOLVED), "补充")
    if by is not None and not (is_dispatcher(by, locked) or is_assignee(by, locked)):
        raise TransitionError("只有组长、承办志愿者或社区管理员可以在这里留言。")
    note = require_text(note, "补充内容")
    photos = list(photos)
    if len(photos) + locked.photos.filter(stage=RequestPhoto.Stage.ASKED).count() > MAX_PHOTOS and by is None:
        raise TransitionError(f"最多上传 {MAX_PHOTOS} 张照片。")
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
