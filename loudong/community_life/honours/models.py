"""荣誉: the community's register of recognitions (湖南好人, 优秀共产党员, ...) and who received them.

The person is a resident in the registry (who may be a party member), or, for someone outside the
registry, a name as written.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Offered as suggestions; any other name may be typed.
COMMON_TITLES = (
    "湖南好人",
    "优秀共产党员",
    "衡阳市优秀衡阳群众",
    "中国好人",
    "最美志愿者",
    "五好家庭",
    "优秀党务工作者",
)


class Honour(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="honours")
    title = models.CharField("荣誉称号", max_length=40)
    awarded_on = models.DateField("获得日期")
    awarded_by = models.CharField("授予单位", max_length=80)
    resident = models.ForeignKey(
        "registry.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="honours",
        verbose_name="获得者",
    )
    person_name = models.CharField("获得者姓名", max_length=40)  # the resident's name, kept if they leave
    note = models.CharField("事迹简介", max_length=300, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
        constraints = [models.CheckConstraint(name="honour_has_a_person", condition=~Q(person_name=""))]
        indexes = [models.Index(fields=["community", "-awarded_on"])]

    def __str__(self) -> str:
        return f"{self.person_name} {self.title}"

    @property
    def in_registry(self) -> bool:
        return self.resident_id is not None
