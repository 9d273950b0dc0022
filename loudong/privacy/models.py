"""个人信息保护法 §44–47, §50: a resident's request about the data held on them, and its answer.

A request (PersonalDataRequest) is a copy (查阅、复制), a correction (更正) or a deletion (删除), made
from the tracking link of a request they placed or in person through the admin. It is due 15 working
days after it was received (§50 asks for a timely answer; 15 working days is the figure used by the
national standard GB/T 35273 and by district offices). `whole_person`: the resident proved who they are
(the phone on record, or in person), so it covers everything held about them; otherwise only the one
request behind the tracking link.
"""

from django.db import models
from django.utils import timezone

DUE_WORKING_DAYS = 15
COPY_DAYS = 7  # how long the resident may download the copy from the tracking link


class PersonalDataRequest(models.Model):
    class Kind(models.TextChoices):
        COPY = "copy", "查阅复制"
        CORRECT = "correct", "更正"
        DELETE = "delete", "删除"

    class Status(models.TextChoices):
        OPEN = "open", "待答复"
        DONE = "done", "已办结"
        REFUSED = "refused", "不予办理"

    class Channel(models.TextChoices):
        LINK = "link", "点单链接"
        IN_PERSON = "in_person", "到社区当面提出"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("申请类型", max_length=8, choices=Kind.choices)
    channel = models.CharField("提出方式", max_length=10, choices=Channel.choices)
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="居民"
    )
    request = models.ForeignKey(
        "tickets.Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="点单"
    )
    whole_person = models.BooleanField("本人全部信息", default=False)
    details = models.TextField("申请说明", blank=True)  # what is wrong, for a correction
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    due_at = models.DateTimeField("答复期限")
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登记人"
    )
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField("答复", blank=True)  # the reason, when refused
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="答复人"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    copy_until = models.DateTimeField("副本可下载至", null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["community", "status", "due_at"])]
        verbose_name = "个人信息申请"

    def __str__(self) -> str:
        return f"个人信息申请 {self.pk}（{self.get_kind_display()}）"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at <= timezone.now()

    @property
    def copy_available(self) -> bool:
        return bool(self.copy_until and self.copy_until > timezone.now() and self.status == self.Status.DONE)
