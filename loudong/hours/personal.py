"""The volunteer hours' part of a person's data (see loudong.lib.personal): the ledger of a member's
service, their corrections and certificates. The records stay on the anonymised member record, so
the minutes still count (in the group's and the community's totals) without the name; a certificate
already issued keeps its number and minutes, with the name and ID taken out."""

from datetime import date

from django.utils import timezone

from loudong.hours.ledger import ledger
from loudong.hours.models import SOURCE_LABELS, Certificate, Correction
from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register

SINCE = date(2000, 1, 1)


def export(person: Person) -> list[Sheet]:
    if not person.member_id:
        return []
    lines = ledger([person.community_id], SINCE, timezone.localdate(), member_ids=[person.member_id])
    certificates = Certificate.objects.filter(member_id=person.member_id)
    return [
        Sheet(
            "志愿服务时长",
            ["服务日期", "来源", "服务内容", "分钟数"],
            [
                [line.served_on, SOURCE_LABELS.get(line.source, line.source), line.content, line.minutes]
                for line in lines
            ],
        ),
        Sheet(
            "志愿服务记录证明",
            ["证明编号", "起始日期", "截止日期", "分钟数", "出具日期"],
            [[c.number, c.period_start, c.period_end, c.minutes, c.issued_on] for c in certificates],
        ),
    ]


def erase(person: Person) -> None:
    if not person.member_id:
        return
    Certificate.objects.filter(member_id=person.member_id).update(person_name=ERASED_NAME, id_number_masked="")
    for correction in Correction.objects.filter(member_id=person.member_id):
        correction.reason = person.scrub(correction.reason)
        correction.decision_note = person.scrub(correction.decision_note)
        correction.content = person.scrub(correction.content)
        correction.save(update_fields=["reason", "decision_note", "content"])


def connect() -> None:
    register(Contribution("hours", order=45, export=export, erase=erase))
