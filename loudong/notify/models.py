"""Notifications: the in-app inbox and the outbox every message leaves through.

An OutboxMessage row is written in the same transaction as the change it reports, so a message
exists exactly when the change committed. The sender (loudong.notify.outbox) delivers it after
commit and retries failures with backoff; rows are never deleted by sending, only by the retention
job some time after (loudong.notify.retention).
"""

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One message in a user's inbox (/inbox/)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    community = models.ForeignKey(
        "registry.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容", blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The outbox message that produced it: delivering the same message twice adds one row.
    outbox_id = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(fields=["read_at"], name="notification_read_at"),  # retention (notify.retention)
        ]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        INAPP = "inapp", "站内消息"
        EMAIL = "email", "电子邮件"
        WECOM = "wecom", "企业微信群机器人"
        SMS = "sms", "短信"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    community = models.ForeignKey(
        "registry.Community", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField("地址", max_length=500, blank=True)  # email, phone or webhook URL
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["sent_at"], name="outbox_sent_at"),  # retention (notify.retention)
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.title}"


class GroupRobot(models.Model):
    """A WeCom group-robot webhook: a group's chat (or the community's when group is empty)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.BuildingGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=60)
    url = models.URLField("Webhook 地址", max_length=500)
    active = models.BooleanField("启用", default=True)

    def __str__(self) -> str:
        return self.name
