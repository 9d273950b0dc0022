"""The door-knocking part of a person's data (see loudong.lib.personal): the visits to their
household. The visits stay (they are the volunteer's service and the household's coverage); the
person is taken off those they were met at, and their name, phone and ID out of what was noted."""

from django.db.models import Q

from loudong.lib.personal import Contribution, Person, Sheet, register
from loudong.outreach.models import Visit


def _visits(person: Person):  # noqa: ANN202
    found = Q(household_id=person.household_id) if person.household_id else Q(pk__in=[])
    if person.resident_id:
        found |= Q(met=person.resident_id)
    return Visit.objects.filter(found, community_id=person.community_id).distinct()


def export(person: Person) -> list[Sheet]:
    visits = _visits(person).select_related("household__stairwell__building", "volunteer__resident")
    return [
        Sheet(
            "走访我家",
            ["走访时间", "住户", "走访党员", "是否有人在家", "发现的需求", "备注"],
            [
                [
                    v.visited_at,
                    str(v.household),
                    v.volunteer.resident.name if v.volunteer_id else "",
                    v.get_someone_home_display(),
                    v.needs,
                    v.note,
                ]
                for v in visits.order_by("visited_at")
            ],
        )
    ]


def erase(person: Person) -> None:
    for visit in _visits(person):
        if person.resident is not None:
            visit.met.remove(person.resident)
        visit.needs, visit.note = person.scrub(visit.needs), person.scrub(visit.note)
        visit.save(update_fields=["needs", "note"])


def connect() -> None:
    register(Contribution("outreach", order=40, export=export, erase=erase))
