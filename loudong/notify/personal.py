"""The messages' part of a person's data (see loudong.lib.personal): what was sent to their phone or
account, and their inbox."""

from django.db.models import Q

from loudong.lib.personal import Contribution, Person, Sheet, register
from loudong.notify.models import Notification, OutboxMessage


def _outbox(person: Person):  # noqa: ANN202
    found = Q(address__in=person.phones) if person.phones else Q(pk__in=[])
    if person.user_id:
        found |= Q(user_id=person.user_id)
    return OutboxMessage.objects.filter(found)


def export(person: Person) -> list[Sheet]:
    rows = [
        [m.created_at, m.get_channel_display(), m.address, m.title, m.body, m.get_state_display(), m.sent_at]
        for m in _outbox(person).order_by("created_at")
    ]
    inbox = Notification.objects.filter(user_id=person.user_id) if person.user_id else Notification.objects.none()
    rows += [
        [n.created_at, "站内消息", "", n.title, n.body, "已读" if n.read_at else "未读", n.created_at] for n in inbox
    ]
    return [Sheet("发给我的消息", ["时间", "渠道", "地址", "标题", "内容", "状态", "发送时间"], rows)]


def _naming(model: type, person: Person, fields: tuple[str, ...]):  # noqa: ANN202
    """The community's messages whose text names the person (to staff about their request, say)."""
    found = Q(pk__in=[])
    for value in person.values():
        for name in fields:
            found |= Q(**{f"{name}__contains": value})
    return model.objects.filter(found, community_id=person.community_id)


def erase(person: Person) -> None:
    """Their messages lose the address; any message of the community naming them loses the name,
    phone and ID (a name shared by a neighbour is replaced there too: the safer error)."""
    fields = ("title", "body", "last_error")
    for message in (_outbox(person) | _naming(OutboxMessage, person, fields)).distinct():
        message.address = "" if message.address in person.phones else message.address
        for name in fields:
            setattr(message, name, person.scrub(getattr(message, name)))
        message.save(update_fields=["address", *fields])
    if person.user_id:
        Notification.objects.filter(user_id=person.user_id).delete()
    for note in _naming(Notification, person, ("title", "body")):
        note.title, note.body = person.scrub(note.title), person.scrub(note.body)
        note.save(update_fields=["title", "body"])


def connect() -> None:
    register(Contribution("notify", order=60, export=export, erase=erase))
