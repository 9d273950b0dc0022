"""Delivery channels. Each `send(message)` delivers one OutboxMessage or raises ChannelError.

- in-app: a Notification row (idempotent on the outbox id)
- email: Django's configured email backend
- WeCom group robot: POST {"msgtype": "text", ...} as JSON to the webhook; errcode != 0 is a failure
- SMS: an adapter chosen by settings.LOUDONG_SMS_BACKEND (dotted path to a class with
  `send(phone, text)`); the default ConsoleSms writes the text to the log / standard output
"""

import json
import logging
import sys
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from loudong.notify.models import Notification, OutboxMessage

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_SECONDS = 10


class ChannelError(Exception):
    """A delivery failed; the outbox retries later."""


def _absolute(url: str) -> str:
    return url if not url.startswith("/") else settings.PUBLIC_URL + url


def text_of(message: OutboxMessage) -> str:
    parts = [message.title]
    if message.body:
        parts.append(message.body)
    if message.url:
        parts.append(_absolute(message.url))
    return "\n".join(parts)


def send_inapp(message: OutboxMessage) -> None:
    if message.user_id is None:
        raise ChannelError("站内消息没有接收人")
    Notification.objects.get_or_create(
        outbox_id=message.pk,
        defaults={
            "user_id": message.user_id,
            "community_id": message.community_id,
            "title": message.title,
            "body": message.body,
            "url": message.url,
            "created_at": message.created_at,
        },
    )


def send_email(message: OutboxMessage) -> None:
    try:
        sent = send_mail(
            subject=f"[楼栋] {message.title}",
            message=text_of(message),
            from_email=None,
            recipient_list=[message.address],
            fail_silently=False,
        )
    except Exception as exc:  # noqa: BLE001 - any backend error means "try again later"
        raise ChannelError(f"邮件发送失败：{exc}") from exc
    if sent != 1:
        raise ChannelError("邮件没有发出")


def send_wecom(message: OutboxMessage) -> None:
    payload = json.dumps({"msgtype": "text", "text": {"content": text_of(message)}}, ensure_ascii=False)
    request = urllib.request.Request(
        message.address,
        data=payload.encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ChannelError(f"群机器人推送失败：{exc}") from exc
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise ChannelError(f"群机器人拒绝：{answer.get('errcode')} {answer.get('errmsg', '')}")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSms:
    """Writes SMS to standard output: for development and for deployments without an SMS contract."""

    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[短信] {phone}: {text}\n")
        sys.stdout.flush()


def sms_backend() -> SmsBackend:
    path = getattr(settings, "LOUDONG_SMS_BACKEND", "loudong.notify.channels.ConsoleSms")
    return import_string(path)()


def send_sms(message: OutboxMessage) -> None:
    try:
        sms_backend().send(message.address, text_of(message))
    except ChannelError:
        raise
    except Exception as exc:  # noqa: BLE001 - an adapter failure of any kind is retried
        raise ChannelError(f"短信发送失败：{exc}") from exc


SENDERS = {
    OutboxMessage.Channel.INAPP: send_inapp,
    OutboxMessage.Channel.EMAIL: send_email,
    OutboxMessage.Channel.WECOM: send_wecom,
    OutboxMessage.Channel.SMS: send_sms,
}


def deliver(message: OutboxMessage) -> None:
    SENDERS[message.channel](message)
