"""Meetings, honours and the history blackboard's part of a person's data (see loudong.lib.personal).

Meeting attendance stays on the anonymised record (a meeting's count stays whole) and their name
goes out of the minutes of the meetings they attended (a guest listed by name alone is left: a name
without the record cannot be told from a neighbour's of the same name); an honour and a blackboard note keep their
own text with the name replaced."""

from django.db.models import Q

from loudong.community_life.blackboard.models import Note
from loudong.community_life.honours.models import Honour
from loudong.community_life.meetings.models import Meeting
from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register


def _meetings(person: Person):  # noqa: ANN202
    return Meeting.objects.filter(attendance__resident_id=person.resident_id).distinct()


def _honours(person: Person):  # noqa: ANN202
    found = Q(resident_id=person.resident_id) if person.resident_id else Q(pk__in=[])
    return Honour.objects.filter(found, community_id=person.community_id)


def export(person: Person) -> list[Sheet]:
    sheets = []
    if person.resident_id:
        meetings = _meetings(person).order_by("held_at")
        sheets.append(Sheet("参加的议事会", ["会议主题", "开会时间"], [[m.title, m.held_at] for m in meetings]))
        honours = _honours(person)
        sheets.append(
            Sheet(
                "荣誉",
                ["荣誉称号", "获得日期", "授予单位", "事迹简介"],
                [[h.title, h.awarded_on, h.awarded_by, h.note] for h in honours],
            )
        )
    if person.member_id:
        notes = Note.objects.filter(author_id=person.member_id)
        sheets.append(
            Sheet("党史小黑板", ["标题", "日期", "学习心得"], [[n.title, n.written_on, n.body] for n in notes])
        )
    return sheets


def erase(person: Person) -> None:
    if person.resident_id:
        for meeting in _meetings(person):
            meeting.minutes = person.scrub(meeting.minutes)
            meeting.save(update_fields=["minutes"])
        for honour in _honours(person):
            honour.person_name, honour.note = ERASED_NAME, person.scrub(honour.note)
            honour.save(update_fields=["person_name", "note"])
    if person.member_id:
        Note.objects.filter(author_id=person.member_id).update(author_name=ERASED_NAME)


def connect() -> None:
    register(Contribution("community_life", order=55, export=export, erase=erase))
