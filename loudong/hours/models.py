"""志愿服务时长: corrections volunteers ask for, and the certificates the community issues.

The hours themselves are not stored here: each source (errands, visits, activities) records how
long a member served, once, and the ledger (loudong.hours.ledger) reads them fresh. This app keeps
only what the sources cannot: an approved correction that replaces a source's minutes for one
ledger key (source, source_id, member), a manual entry for service no source recorded, and the
certificates with the totals they were issued for.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

MANUAL = "manual"  # the ledger source of a manual entry; its source_id is the correction's pk
SOURCE_LABELS = {"errand": "为民服务", "visit": "敲门问需", "activity": "活动", MANUAL: "补录"}


class CorrectionQuerySet(models.QuerySet):
    def approved(self) -> "CorrectionQuerySet":
        return self.filter(status=Correction.Status.APPROVED)

    def pending(self) -> "CorrectionQuerySet":
        return self.filter(status=Correction.Status.PENDING)


class Correction(models.Model):
    """A volunteer's request to change the minutes of one record, or to add a missing one.

    Approved, a change replaces the source's minutes for its key (never adds to them); a missing
    record becomes a manual ledger entry keyed by this row.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", "更正时长"
        MISSING = "missing", "补录漏记"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="hour_corrections")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    source = models.CharField("来源", max_length=16, blank=True)  # empty for a missing record
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    served_on = models.DateField("服务日期")
    content = models.CharField("服务内容", max_length=100)
    original_minutes = models.PositiveIntegerField("原记录分钟数", null=True, blank=True)
    minutes = models.PositiveIntegerField("分钟数")
    reason = models.CharField("理由", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="correction_kind_matches_source",
                condition=Q(kind="change", source_id__isnull=False) & ~Q(source="")
                | Q(kind="missing", source_id__isnull=True, source=""),
            ),
            # One open request per record at a time: the leader decides one thing, not two.
            models.UniqueConstraint(
                fields=["source", "source_id", "member"],
                condition=Q(status="pending", kind="change"),
                name="correction_one_pending_per_record",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "served_on"]),
            models.Index(fields=["member", "served_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.served_on} {self.get_kind_display()}"

    @property
    def ledger_key(self) -> tuple[str, int, int]:
        if self.kind == self.Kind.MISSING:
            return (MANUAL, self.pk, self.member_id)
        return (self.source, self.source_id, self.member_id)


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    """志愿服务记录证明: issued once per volunteer and period; a re-print shows the same number and
    the totals as they were when issued (snapshots, not live figures)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="certificates")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("证明编号", max_length=40)
    period_start = models.DateField("服务起始日期")
    period_end = models.DateField("服务截止日期")
    minutes = models.PositiveIntegerField("服务分钟数")
    record_count = models.PositiveIntegerField("服务次数")
    contents = models.JSONField("服务内容", default=list)  # [[content, times, minutes], ...]
    person_name = models.CharField("姓名", max_length=40)
    id_number_masked = models.CharField("证件号码（隐去）", max_length=24, blank=True)
    group_name = models.CharField("所在党小组", max_length=60, blank=True)
    issuer = models.CharField("出具单位", max_length=80)
    issued_on = models.DateField("出具日期")
    issued_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    issued_by_name = models.CharField("经办人", max_length=40)
    token = models.CharField(max_length=24, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "serial"], name="certificate_unique_serial"),
            models.UniqueConstraint(fields=["member", "period_start", "period_end"], name="certificate_one_per_period"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)


def hours_text(minutes: int) -> str:
    """Minutes as hours with one decimal, the unit of the national rules ("12.5")."""
    return f"{minutes / 60:.1f}"
