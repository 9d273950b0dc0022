"""The requests' part of a person's data (see loudong.lib.personal): the requests they placed, their
timelines, their "我也遇到" links and the intake rows behind them. The contact fields go as the
retention job's do (loudong.tickets.retention.anonymise_contact); the texts lose the person's name,
phone and ID."""

from django.db.models import Q, QuerySet

from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register
from loudong.tickets.models import OPEN, Intake, Request, RequestEvent, Supporter
from loudong.tickets.retention import anonymise_contact


def requests_of(person: Person) -> QuerySet[Request]:
    """Requests the person placed: linked to their record, or by one of their phones, in their community."""
    found = Q(pk__in=person.request_ids)
    if person.resident_id:
        found |= Q(resident_id=person.resident_id)
    if person.phones:
        found |= Q(contact_phone__in=person.phones)
    return Request.objects.filter(found, community_id=person.community_id)


def export(person: Person) -> list[Sheet]:
    requests = list(requests_of(person).select_related("building").order_by("created_at"))
    events = RequestEvent.objects.filter(request__in=[r.pk for r in requests]).select_related("request")
    return [
        Sheet(
            "我提出的点单",
            [
                "编号",
                "点单时间",
                "地点",
                "类别",
                "诉求内容",
                "联系人",
                "联系电话",
                "状态",
                "答复 / 办理情况",
                "评价",
                "评价留言",
            ],
            [
                [
                    r.number,
                    r.created_at,
                    r.place_label,
                    r.category_name,
                    r.description,
                    r.contact_name,
                    r.contact_phone,
                    r.get_status_display(),
                    r.reply,
                    r.get_rating_display(),
                    r.rating_comment,
                ]
                for r in requests
            ],
        ),
        Sheet(
            "点单经过",
            ["编号", "时间", "经过", "说明"],
            [[e.request.number, e.at, e.label, e.note] for e in events.order_by("request__created_at", "at", "id")],
        ),
    ]


def blockers(person: Person) -> list[str]:
    if not person.member_id:
        return []
    count = Request.objects.filter(assignee_id=person.member_id, status__among=OPEN).count()
    return [f"还有 {count} 件派给他的点单没有办结：先改派给别的志愿者"] if count else []


def erase(person: Person) -> None:
    requests = requests_of(person)
    ids = list(requests.values_list("pk", flat=True))
    anonymise_contact(ids)
    for req in Request.objects.filter(pk__in=ids):
        for name in ("description", "reply", "question", "public_note", "rating_comment"):
            setattr(req, name, person.scrub(getattr(req, name)))
        req.save(update_fields=["description", "reply", "question", "public_note", "rating_comment"])
    for event in RequestEvent.objects.filter(request_id__in=ids):
        event.note, event.data = person.scrub(event.note), person.scrub_json(event.data)
        event.save(update_fields=["note", "data"])
    intake = Intake.objects.filter(
        Q(request_id__in=ids) | Q(contact_phone__in=person.phones), community_id=person.community_id
    )
    for row in intake:
        row.contact_name, row.contact_phone, row.description = "", "", person.scrub(row.description)
        row.save(update_fields=["contact_name", "contact_phone", "description"])
    if person.user_id:  # the timelines they wrote as a volunteer name them by their account
        RequestEvent.objects.filter(actor_id=person.user_id).update(actor_label=ERASED_NAME)
    if person.member_id:  # what they wrote as the volunteer of a request names them too
        for served in Request.objects.filter(assignee_id=person.member_id):
            served.reply, served.public_note = person.scrub(served.reply), person.scrub(served.public_note)
            served.save(update_fields=["reply", "public_note"])
        for event in RequestEvent.objects.filter(request__assignee_id=person.member_id):
            event.note, event.data = person.scrub(event.note), person.scrub_json(event.data)
            event.save(update_fields=["note", "data"])
    if person.phones:
        Supporter.objects.filter(request__community_id=person.community_id, contact_phone__in=person.phones).update(
            contact_phone=""
        )


def connect() -> None:
    register(Contribution("tickets", order=20, export=export, erase=erase, blockers=blockers, per_request=True))
