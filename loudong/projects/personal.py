"""The three lists' part of a person's data (see loudong.lib.personal): the needs raised from the
requests they placed or from the visits to their household, whose texts were copied from those.
The needs stay (a project met them, the figures count them); their texts lose the person's name,
phone and ID number. It runs before the registry and the requests are anonymised, while the links
that find those requests still hold."""

from django.db.models import Q, QuerySet

from loudong.lib.personal import Contribution, Person, Sheet, register
from loudong.projects.models import Need
from loudong.tickets.personal import requests_of


def _needs(person: Person) -> QuerySet[Need]:
    found = Q(request__in=requests_of(person))
    if person.household_id:
        found |= Q(visit__household_id=person.household_id)
    if person.resident_id:
        found |= Q(visit__met=person.resident_id)
    return Need.objects.filter(found, community_id=person.community_id).distinct()


def export(person: Person) -> list[Sheet]:
    return [
        Sheet(
            "列入需求清单的需求",
            ["提出时间", "需求", "具体情况", "状态"],
            [
                [n.raised_at, n.title, n.description, n.get_status_display()]
                for n in _needs(person).order_by("raised_at")
            ],
        )
    ]


def erase(person: Person) -> None:
    for need in _needs(person):
        need.title, need.description = person.scrub(need.title)[:60], person.scrub(need.description)
        need.save(update_fields=["title", "description"])


def connect() -> None:
    register(Contribution("projects", order=5, export=export, erase=erase, per_request=True))
