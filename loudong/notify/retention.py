"""How long messages are kept once they have done their work (loudong.accounts.retention runs these).

- Outbox rows sent (their addresses, phones and emails with them) are deleted SENT_MESSAGE_RETENTION_DAYS
  after they were sent. A message not sent yet is kept, however old: the outbox retries it until it
  is sent (it never gives up), so nothing a resident or a volunteer should hear is dropped.
- Inbox messages (站内消息) are deleted the same number of days after their user read them; unread
  ones stay in the inbox.

Setting SENT_MESSAGE_RETENTION_DAYS (env LOUDONG_SENT_MESSAGE_RETENTION_DAYS, default 90).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from loudong.accounts.retention import Rule
from loudong.notify.models import Notification, OutboxMessage


def keep() -> timedelta:
    return timedelta(days=int(getattr(settings, "SENT_MESSAGE_RETENTION_DAYS", 90)))


def sent_before(cutoff: datetime) -> "QuerySet[OutboxMessage]":
    return OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, sent_at__lt=cutoff)


def read_before(cutoff: datetime) -> "QuerySet[Notification]":
    return Notification.objects.filter(read_at__lt=cutoff)


RULES = (
    Rule(name="sent message retention", what="已发送的消息", keep=keep, due=sent_before, object_type="outboxmessage"),
    Rule(name="read inbox retention", what="已读的站内消息", keep=keep, due=read_before, object_type="notification"),
)
