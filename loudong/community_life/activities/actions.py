"""The one write path for activities, the members who served and the people reached; every write
is audited. Attendance is recorded once per person per activity (see models).

Every action is `verb(obj, *, by, **fields)` (loudong.lib.actions): `by` is the user acting (None for
a resident signing in by QR code), `http` the request when there is one, for the audit entry's
address; a refusal raises ActionRefused and changes nothing."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry, User
from loudong.community_life.activities.models import (
    MAX_PHOTOS,
    Activity,
    ActivityPhoto,
    Attendance,
    ServingMember,
    name_key,
)
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.registry.models import Building, Community, Member, Resident

NEW, ALREADY, MERGED = "new", "already", "merged"
FIELDS = ("group", "type", "title", "starts_at", "ends_at", "place", "venue", "organiser", "speaker", "description")


def snapshot(activity: Activity) -> dict:
    values = {}
    for field in FIELDS:
        value = getattr(activity, field)
        if isinstance(value, datetime):
            value = timezone.localtime(value)
        values[field] = value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else value)
    return values


# Activities -------------------------------------------------------------------------------------


def create_activity(
    community: Community, *, by: User, data: dict, serving: list[Member], http: HttpRequest | None = None
) -> Activity:
    """A new activity from cleaned form data; the organiser and the ticked members serve."""
    return _save(community, None, by=by, data=data, serving=serving, http=http)


def update_activity(
    activity: Activity, *, by: User, data: dict, serving: list[Member], http: HttpRequest | None = None
) -> Activity:
    """Change an activity. A member newly serving gets the activity's length; one whose minutes were
    the old length follows a change of time; minutes set by hand stay."""
    return _save(activity.community, activity, by=by, data=data, serving=serving, http=http)


@atomic_action
def _save(
    community: Community,
    activity: Activity | None,
    *,
    by: User,
    data: dict,
    serving: list[Member],
    http: HttpRequest | None,
) -> Activity:
    creating = activity is None
    if creating:
        activity = Activity(community=community, created_by=by)
        before, old_minutes, old_start = {}, None, None
    else:
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        before, old_minutes, old_start = snapshot(activity), activity.minutes, activity.starts_at
    for field in FIELDS:
        setattr(activity, field, data.get(field))
    activity.save()
    if old_start is not None and old_start != activity.starts_at:
        Attendance.objects.filter(activity=activity).update(activity_starts_at=activity.starts_at)
    wanted = {m.pk for m in serving} | ({activity.organiser_id} if activity.organiser_id else set())
    current = {s.member_id: s for s in ServingMember.objects.filter(activity=activity)}
    ServingMember.objects.filter(activity=activity).exclude(member_id__in=wanted).delete()
    for member_id, row in current.items():
        if member_id in wanted and row.minutes == old_minutes and old_minutes != activity.minutes:
            row.minutes = activity.minutes
            row.save(update_fields=["minutes"])
    ServingMember.objects.bulk_create([
        ServingMember(community=community, activity=activity, member_id=pk, minutes=activity.minutes)
        for pk in sorted(wanted - set(current))
    ])  # fmt: skip
    detail = {"changes": changes(before, snapshot(activity))}
    if set(current) != wanted:
        detail["服务党员"] = sorted(
            Member.objects.filter(pk__in=wanted).values_list("resident__name", flat=True)
        )  # fmt: skip
    record(http, AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, activity, detail=detail, actor=by)
    return activity


@atomic_action
def set_minutes(activity: Activity, *, by: User, minutes: dict[int, int], http: HttpRequest | None = None) -> int:
    """Correct the minutes each serving member gave; returns how many rows changed."""
    changed = {}
    rows = ServingMember.objects.select_for_update().filter(activity=activity).select_related("member__resident")
    for row in rows:
        new = minutes.get(row.member_id)
        if new is not None and new != row.minutes:
            changed[row.member.resident.name] = [row.minutes, new]
            row.minutes = new
            row.save(update_fields=["minutes"])
    if changed:
        record(http, AuditEntry.Action.UPDATE, activity, detail={"服务时长（分钟）": changed}, actor=by)
    return len(changed)


@atomic_action
def delete_activity(activity: Activity, *, by: User, http: HttpRequest | None = None) -> None:
    """Only an activity nobody signed in to may be deleted: what happened is kept."""
    if Attendance.objects.filter(activity=activity).exists():
        raise ActionRefused("这次活动已有签到记录，不能删除。如果信息有误，请修改活动。")
    record(http, AuditEntry.Action.DELETE, activity, detail={"changes": changes(snapshot(activity), {})}, actor=by)
    for photo in activity.photos.all():
        photo.image.delete(save=False)
    activity.delete()


@atomic_action
def add_photos(activity: Activity, *, by: User, photos: list[bytes], http: HttpRequest | None = None) -> int:
    """Photos already re-encoded without EXIF (loudong.tickets.forms_public.clean_photo)."""
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    have = ActivityPhoto.objects.filter(activity=activity).count()
    if have + len(photos) > MAX_PHOTOS:
        raise ActionRefused(f"每次活动最多 {MAX_PHOTOS} 张照片（已有 {have} 张），请先删去几张。")
    for data in photos:
        ActivityPhoto.objects.create(
            activity=activity, image=ContentFile(data, name=f"{secrets.token_urlsafe(12)}.jpg")
        )
    record(http, AuditEntry.Action.UPDATE, activity, detail={"上传照片": len(photos)}, actor=by)
    return len(photos)


@atomic_action
def delete_photo(photo: ActivityPhoto, *, by: User, http: HttpRequest | None = None) -> None:
    record(http, AuditEntry.Action.UPDATE, photo.activity, detail={"删除照片": photo.image.name}, actor=by)
    photo.image.delete(save=False)
    photo.delete()


# Attendance -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    attendance: Attendance
    outcome: str  # NEW, ALREADY or MERGED


def building_of(resident: Resident) -> Building | None:
    household = resident.household
    return household.stairwell.building if household else None


def match_by_name(community: Community, name: str, building: Building) -> Resident | None:
    """The one resident of that building with that name; None when none or several."""
    key = name_key(name)
    people = Resident.objects.filter(
        community=community, household__stairwell__building=building, name__in={name.strip(), key}
    ).select_related("household__stairwell__building")
    found = [r for r in people if name_key(r.name) == key]
    return found[0] if len(found) == 1 else None


def match_by_phone(community: Community, phone: str, name: str = "") -> Resident | None:
    """The one resident who gave this phone and, when a name is typed too, has that name."""
    people = Resident.objects.filter(community=community, phone=phone)
    found = list(people.select_related("household__stairwell__building"))
    if name:  # a wife may use her husband's phone: the name typed decides who came
        found = [r for r in found if name_key(r.name) == name_key(name)]
    return found[0] if len(found) == 1 else None


def record_attendance(
    activity: Activity,
    *,
    how: str,
    resident: Resident | None = None,
    name: str = "",
    building: Building | None = None,
    by: User | None = None,
) -> Recorded:
    """Record one person once. A resident already signed in under their name and building (not
    matched then) is merged into the resident's row, never counted twice."""
    if resident is not None:
        name, building = resident.name, building_of(resident)
    key = name_key(name)
    same_person = Attendance.objects.filter(activity=activity, building=building, name_key=key)
    try:
        with transaction.atomic():
            if resident is not None:
                existing = Attendance.objects.filter(activity=activity, resident=resident).first()
                if existing is not None:
                    return Recorded(existing, ALREADY)
                unmatched = same_person.filter(resident__isnull=True).select_for_update().first()
                if unmatched is not None:
                    unmatched.resident, unmatched.name = resident, resident.name
                    unmatched.save(update_fields=["resident", "name"])
                    return Recorded(unmatched, MERGED)
            else:
                existing = same_person.first()
                if existing is not None:
                    return Recorded(existing, ALREADY)
            row = Attendance.objects.create(
                community_id=activity.community_id, activity=activity, resident=resident, name=name.strip()[:40],
                name_key=key, building=building, how=how, activity_starts_at=activity.starts_at,
                signed_at=timezone.now(),
                recorded_by=by,
            )  # fmt: skip
            return Recorded(row, NEW)
    except IntegrityError:
        # The same person signed in at the same moment from another tap: that row stands.
        again = Attendance.objects.filter(activity=activity, resident=resident) if resident else same_person
        return Recorded(again.first(), ALREADY)


def sign_in(
    activity: Activity,
    *,
    by: User | None = None,
    name: str,
    building: Building | None,
    phone: str,
    http: HttpRequest | None = None,
) -> Recorded:
    """A resident's own sign-in from the QR code: a name with the phone or the building. A phone signs
    in the resident who gave it only with their name; a phone that matches no one is simply not used,
    so nobody learns from the answer whether a phone is registered. Raises ActionRefused without a name."""
    if not name:
        raise ActionRefused("请写上您的姓名。")
    community = activity.community
    resident = match_by_phone(community, phone, name) if phone else None
    if resident is not None:
        done = record_attendance(activity, how=Attendance.How.QR_PHONE, resident=resident)
    else:
        resident = match_by_name(community, name, building) if building is not None else None
        how = Attendance.How.QR_NAME
        done = (
            record_attendance(activity, how=how, resident=resident)
            if resident
            else record_attendance(activity, how=how, name=name, building=building)
        )
    if done.outcome != ALREADY:
        _log_attendance(http, activity, done, "扫码签到", by)
    return done


def tick(activity: Activity, *, by: User, resident: Resident, http: HttpRequest | None = None) -> Recorded:
    """The organiser ticks a resident who came."""
    if resident.community_id != activity.community_id:
        raise ActionRefused("只能勾选本社区的居民。")
    done = record_attendance(activity, how=Attendance.How.TICKED, resident=resident, by=by)
    if done.outcome != ALREADY:
        _log_attendance(http, activity, done, "组织者勾选", by)
    return done


@atomic_action
def remove_attendance(attendance: Attendance, *, by: User, http: HttpRequest | None = None) -> None:
    record(http, AuditEntry.Action.DELETE, attendance, object_repr=f"{attendance.activity}：{attendance.name}",
           detail={"活动": attendance.activity.title}, actor=by)  # fmt: skip
    attendance.delete()


def _log_attendance(http: HttpRequest | None, activity: Activity, done: Recorded, how: str, by: User | None) -> None:
    action = AuditEntry.Action.CREATE if done.outcome == NEW else AuditEntry.Action.UPDATE
    detail = {"活动": activity.title, "方式": how, "与档案对应": done.attendance.resident_id is not None}
    if done.outcome == MERGED:
        detail["合并"] = "扫码签到的姓名和楼栋与档案中的居民对上，合并为一人"
    record(http, action, done.attendance, community_id=activity.community_id, actor=by,
           object_repr=f"{activity.title}：{done.attendance.name}", detail=detail)  # fmt: skip
