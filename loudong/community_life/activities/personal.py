"""The activities' part of a person's data (see loudong.lib.personal): their sign-ins and the
activities they served at. A sign-in stays, on the anonymised record, so the activity's count of
people reached stays whole; its name goes."""

from django.db.models import Q

from loudong.community_life.activities.models import Attendance, ServingMember
from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register


def _attendance(person: Person):  # noqa: ANN202
    found = Q(resident_id=person.resident_id) if person.resident_id else Q(pk__in=[])
    if person.name and person.household_id:  # signed in by name alone, in their own building
        found |= Q(resident__isnull=True, name=person.name, building__stairwells__households=person.household_id)
    return Attendance.objects.filter(found, community_id=person.community_id).distinct()


def export(person: Person) -> list[Sheet]:
    rows = [
        [
            a.activity.title,
            a.activity.get_type_display(),
            a.activity.starts_at,
            a.name,
            a.get_how_display(),
            a.signed_at,
        ]
        for a in _attendance(person).select_related("activity")
    ]
    sheets = [Sheet("活动签到", ["活动", "类型", "开始时间", "签到姓名", "签到方式", "签到时间"], rows)]
    if person.member_id:
        served = ServingMember.objects.filter(member_id=person.member_id).select_related("activity")
        sheets.append(
            Sheet("服务的活动", ["活动", "开始时间"], [[s.activity.title, s.activity.starts_at] for s in served])
        )
    return sheets


def erase(person: Person) -> None:
    for row in _attendance(person):
        row.name = row.name_key = ERASED_NAME if row.resident_id else f"{ERASED_NAME}{row.pk}"
        row.save(update_fields=["name", "name_key"])


def audit_people(obj: object) -> list[tuple[int | None, list[str]]]:
    """Who an audited sign-in names (loudong.accounts.audit.people_in)."""
    if isinstance(obj, Attendance) and obj.name != ERASED_NAME:
        return [(obj.resident_id, [obj.name])]
    return []


def connect() -> None:
    from loudong.accounts.audit import people_in

    people_in.connect(audit_people)
    register(Contribution("activities", order=50, export=export, erase=erase))
