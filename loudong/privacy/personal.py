"""The privacy requests' own part of a person's data (loudong.lib.personal), what the audit log names
of them, and the lines they add to the resident's tracking page (loudong.tickets.hooks)."""

from django.db.models import Q
from django.urls import reverse

from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register
from loudong.lib.shanghai import deadline_label
from loudong.privacy.models import PersonalDataRequest
from loudong.tickets.models import Request


def _requests(person: Person):  # noqa: ANN202
    found = Q(request_id__in=person.request_ids)
    if person.resident_id:
        found |= Q(resident_id=person.resident_id)
    return PersonalDataRequest.objects.filter(found, community_id=person.community_id)


def export(person: Person) -> list[Sheet]:
    rows = [
        [
            p.received_at,
            p.get_kind_display(),
            p.get_channel_display(),
            p.details,
            p.get_status_display(),
            p.answer,
            p.answered_at,
        ]
        for p in _requests(person).order_by("received_at")
    ]
    return [Sheet("个人信息申请", ["收到时间", "申请类型", "提出方式", "申请说明", "状态", "答复", "答复时间"], rows)]


def erase(person: Person) -> None:
    for pdr in _requests(person):
        pdr.details, pdr.answer = person.scrub(pdr.details), person.scrub(pdr.answer)
        pdr.save(update_fields=["details", "answer"])


def audit_people(obj: object) -> list[tuple[int | None, list[str]]]:
    if isinstance(obj, PersonalDataRequest) and obj.resident_id and obj.resident.name != ERASED_NAME:
        r = obj.resident
        return [(r.pk, [r.name, r.phone, r.id_number or ""])]
    return []


def tracking_notes(req: Request) -> list[tuple[str, str, str]]:
    """The tracking page's lines: each privacy request made from this link, its status and answer."""
    lines = []
    for pdr in PersonalDataRequest.objects.filter(request=req).order_by("received_at"):
        status = pdr.get_status_display()
        if pdr.status == pdr.Status.OPEN:
            status += f"，{deadline_label(pdr.due_at)}前答复"
        text = f"{status}。{pdr.answer}" if pdr.answer else status
        lines.append(
            (
                f"个人信息申请（{pdr.get_kind_display()}）",
                text,
                reverse("privacy_public:mine", args=[req.tracking_token]),
            )
        )
    return lines


def connect() -> None:
    from loudong.accounts.audit import people_in

    people_in.connect(audit_people)
    register(Contribution("privacy", order=80, export=export, erase=erase, per_request=True))
