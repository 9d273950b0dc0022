"""The outbox: write messages with the change, deliver them after commit, retry until sent.

`notify_users`, `notify_phone` and `notify_robot` write OutboxMessage rows in the caller's
transaction. After commit the in-app rows are delivered at once (the inbox rows inserted and the
messages marked sent in one transaction, however many there are) and a background
task delivers the rest; `loudong worker` also calls `send_due()` every minute, so a lost task or a
crash between commit and delivery only delays a message. A failure is retried with exponential
backoff (30 s, 1 min, 2 min, ... capped at 6 h), forever: a message is never dropped.

Several workers may run: the sweep claims CLAIM_BATCH due messages at a time in a short transaction,
locking them with SKIP LOCKED (PostgreSQL: rows another worker is claiming are passed over; SQLite has
one writer at a time) and moving their next_attempt_at CLAIM_SECONDS forward, then sends them outside
any transaction; a single message (`send_one`) is claimed by a conditional UPDATE of the same column.
Either way only one worker sends it.
"""

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from loudong.notify.channels import ChannelError, deliver
from loudong.notify.models import GroupRobot, Notification, OutboxMessage

log = logging.getLogger(__name__)
FIRST_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 6 * 3600
CLAIM_SECONDS = 300  # a claimed message is free again after this if its worker died
CLAIM_BATCH = 20  # messages one worker takes at a time: workers share a backlog


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


_collecting = threading.local()


@contextmanager
def batched() -> Iterator[None]:
    """Inside a transaction, for many changes at once (requests placed in a batch): the messages queued
    in this block are written together at its end, one INSERT and one delivery after commit, and the
    robots of a group are read once."""
    if getattr(_collecting, "messages", None) is not None:
        yield
        return
    _collecting.messages, _collecting.robots = [], {}
    try:
        yield
        messages = _collecting.messages
    finally:
        _collecting.messages = _collecting.robots = None
    _queue(messages)


def _queue(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    if not messages:
        return []
    if getattr(_collecting, "messages", None) is not None:
        _collecting.messages.extend(messages)
        return messages
    created = OutboxMessage.objects.bulk_create(messages)
    if any(m.pk is None for m in created):  # backends that do not return ids on bulk insert
        ids = list(OutboxMessage.objects.order_by("-id").values_list("pk", flat=True)[: len(created)])
        for message, pk in zip(created, reversed(ids), strict=True):
            message.pk = pk
    transaction.on_commit(lambda: deliver_after_commit(created))
    return created


def notify_users(
    users: Iterable, title: str, body: str = "", url: str = "", community_id: int | None = None
) -> list[OutboxMessage]:
    """In-app for every user; email too when the user has an address."""
    messages = []
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        common = {"user": user, "community_id": community_id, "title": title, "body": body, "url": url}
        messages.append(OutboxMessage(channel=OutboxMessage.Channel.INAPP, **common))
        if user.email:
            messages.append(OutboxMessage(channel=OutboxMessage.Channel.EMAIL, address=user.email, **common))
    return _queue(messages)


def notify_phone(phone: str, text: str, url: str = "", community_id: int | None = None) -> list[OutboxMessage]:
    """An SMS through the configured adapter; nothing when there is no phone."""
    if not phone:
        return []
    return _queue(
        [
            OutboxMessage(
                channel=OutboxMessage.Channel.SMS, address=phone, title=text, url=url, community_id=community_id
            )
        ]
    )


def notify_robot(
    community_id: int, group_id: int | None, title: str, body: str = "", url: str = ""
) -> list[OutboxMessage]:
    """The WeCom robots of the group (or, with no group, of the community) that are switched on."""
    known = getattr(_collecting, "robots", None)
    robots = known.get((community_id, group_id)) if known is not None else None
    if robots is None:
        robots = list(GroupRobot.objects.filter(community_id=community_id, group_id=group_id, active=True))
        if known is not None:
            known[(community_id, group_id)] = robots
    return _queue(
        [
            OutboxMessage(
                channel=OutboxMessage.Channel.WECOM,
                address=robot.url,
                title=title,
                body=body,
                url=url,
                community_id=community_id,
            )
            for robot in robots
        ]
    )


def deliver_after_commit(messages: list[OutboxMessage] | list[int]) -> None:
    """In-app messages now (one short transaction for all of them); the others through a background
    task. `messages`: the rows just queued, or their ids."""
    if messages and not isinstance(messages[0], OutboxMessage):
        messages = list(OutboxMessage.objects.filter(pk__in=messages, state=OutboxMessage.State.PENDING))
    inapp = [m for m in messages if m.channel == OutboxMessage.Channel.INAPP and m.user_id is not None]
    if inapp:
        try:
            deliver_inapp(inapp)
        except DatabaseError:  # the worker's sweep delivers them
            log.exception("could not deliver in-app messages now; the worker will")
    remote = [m.pk for m in messages if m.channel != OutboxMessage.Channel.INAPP or m.user_id is None]
    if remote:
        from loudong.notify.tasks import send_outbox

        try:
            send_outbox.enqueue(remote)
        except Exception:  # noqa: BLE001 - the worker's sweep sends it anyway
            log.exception("could not queue outbox delivery; the worker will send it")


def deliver_inapp(messages: list[OutboxMessage], now: datetime | None = None) -> None:
    """Put in-app messages in their users' inboxes and mark them sent, together in one transaction.
    A message another worker delivered meanwhile adds no second inbox row (the outbox id is unique)."""
    now = now or timezone.now()
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    outbox_id=m.pk,
                    user_id=m.user_id,
                    community_id=m.community_id,
                    title=m.title,
                    body=m.body,
                    url=m.url,
                    created_at=m.created_at,
                )
                for m in messages
            ],
            ignore_conflicts=True,
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], state=OutboxMessage.State.PENDING).update(
            state=OutboxMessage.State.SENT, attempts=F("attempts") + 1, sent_at=now, last_error=""
        )


def _claim(message: OutboxMessage, now: datetime) -> bool:
    """Take the message for this worker; False when another worker took it first."""
    taken = OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxMessage.State.PENDING, next_attempt_at=message.next_attempt_at
    ).update(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    return taken == 1


def _claim_due(due: QuerySet, now: datetime, size: int) -> list[OutboxMessage]:
    """Take up to `size` of the due messages for this worker (see the module's docstring)."""
    with transaction.atomic():
        batch = list(due.order_by("next_attempt_at", "id").select_for_update(skip_locked=True, of=("self",))[:size])
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
                next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
            )
    return batch


def send_one(message: OutboxMessage, now: datetime | None = None) -> bool:
    """Try to deliver one pending message; True when sent."""
    now = now or timezone.now()
    if message.state != OutboxMessage.State.PENDING or not _claim(message, now):
        return False
    return _send(message, now)


def _send(message: OutboxMessage, now: datetime) -> bool:
    """Deliver a message this worker has claimed and write down how it went; True when sent."""
    attempts = message.attempts + 1
    try:
        deliver(message)
    except ChannelError as exc:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=attempts, last_error=str(exc)[:2000], next_attempt_at=now + backoff(attempts)
        )
        log.warning("outbox message %s failed (attempt %s): %s", message.pk, attempts, exc)
        return False
    except Exception as exc:  # noqa: BLE001 - an unexpected failure is retried like any other
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + backoff(attempts),
        )
        log.exception("outbox message %s failed unexpectedly", message.pk)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENT, attempts=attempts, sent_at=timezone.now(), last_error=""
    )
    return True


def send_due_job() -> str:
    sent = send_due()
    return f"发送通知 {sent}" if sent else ""


def send_due(now: datetime | None = None, limit: int = 200, ids: list[int] | None = None) -> int:
    """Deliver pending messages whose time has come; the number sent."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = taken = 0
    while taken < limit:
        batch = _claim_due(due, now, min(CLAIM_BATCH, limit - taken))
        if not batch:
            break
        taken += len(batch)
        sent += sum(_send(message, now) for message in batch)
    return sent
