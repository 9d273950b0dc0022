"""微文化活动: what was held (type, time, place, organiser, photos), the members who served at it,
and the people it reached (attendance).

Attendance is recorded once per person per activity. A person matched to a Resident is keyed by
the resident; a sign-in that matches no one is keyed by its normalised name and building. Every row
carries the normalised name and building of the person, matched or not, so a name signed in on
the QR page and the resident ticked later are recognised as one person.
"""

import secrets
import unicodedata
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Residents may sign in from two hours before the start until a day after the end.
SIGNIN_OPENS_BEFORE = timedelta(hours=2)
SIGNIN_CLOSES_AFTER = timedelta(hours=24)
MAX_PHOTOS = 6


def new_token() -> str:
    return secrets.token_urlsafe(12)


def name_key(name: str) -> str:
    """A name as compared for de-duplication: full-width folded, no spaces or dots, lower case."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "·•.").lower()[:40]


class Activity(models.Model):
    class Type(models.TextChoices):
        WELFARE = "welfare", "公益活动"
        MUTUAL_HELP = "mutual_help", "互助活动"
        TALK = "talk", "宣讲/讲座"
        FLAG = "flag", "升旗仪式"
        CLEANUP = "cleanup", "清洁家园"
        HOME_STUDY = "home_study", "家庭党校"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "groups.BuildingGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name="党小组",
    )
    type = models.CharField("活动类型", max_length=16, choices=Type.choices)
    title = models.CharField("活动名称", max_length=80)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=100)
    venue = models.ForeignKey(
        "groups.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="红色议事厅"
    )
    organiser = models.ForeignKey(
        "registry.Member",
        null=True,
        on_delete=models.SET_NULL,
        related_name="organised_activities",
        verbose_name="组织者",
    )
    speaker = models.ForeignKey(
        "registry.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talks",
        verbose_name="主讲人",
    )
    description = models.TextField("活动内容", blank=True)
    signin_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["community", "starts_at"]),
            models.Index(fields=["community", "type", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> int:
        return max(0, int((self.ends_at - self.starts_at).total_seconds() // 60))

    @property
    def signin_opens_at(self) -> datetime:
        return self.starts_at - SIGNIN_OPENS_BEFORE

    @property
    def signin_closes_at(self) -> datetime:
        return self.ends_at + SIGNIN_CLOSES_AFTER

    def signin_state(self, now: datetime | None = None) -> str:
        """'early', 'open' or 'closed'."""
        now = now or timezone.now()
        if now < self.signin_opens_at:
            return "early"
        return "open" if now <= self.signin_closes_at else "closed"

    @property
    def is_upcoming(self) -> bool:
        return self.ends_at >= timezone.now()


class ServingMember(models.Model):
    """A member who organised or served at an activity (组织/服务的党员) and for how many minutes;
    the volunteer-hours ledger reads these rows through hours_source."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="serving")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="activity_service")
    minutes = models.PositiveIntegerField("服务时长（分钟）")

    class Meta:
        ordering = ["member__resident__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="serving_once_per_activity")]

    def __str__(self) -> str:
        return f"{self.member} · {self.minutes} 分钟"


class Attendance(models.Model):
    """One person reached by one activity, recorded once."""

    class How(models.TextChoices):
        QR_NAME = "qr_name", "扫码签到（姓名和楼栋）"
        QR_PHONE = "qr_phone", "扫码签到（电话）"
        TICKED = "ticked", "组织者勾选"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    name = models.CharField("姓名", max_length=40)
    name_key = models.CharField(max_length=40)
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="楼栋"
    )
    how = models.CharField("签到方式", max_length=10, choices=How.choices)
    # The activity's start, copied so the figures read one table by one index (kept in step by actions).
    activity_starts_at = models.DateTimeField(editable=False)
    signed_at = models.DateTimeField("签到时间", default=timezone.now)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "resident"], condition=Q(resident__isnull=False), name="attendance_once_resident"
            ),
            models.UniqueConstraint(
                fields=["activity", "building", "name_key"],
                condition=Q(resident__isnull=True),
                name="attendance_once_unmatched",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "activity_starts_at", "resident"]),
            models.Index(fields=["building", "name_key"]),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="activities/%Y/%m/")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.image.name
