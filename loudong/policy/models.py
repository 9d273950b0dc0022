"""Each community's rules in one place, versioned: every edit is a new PolicyVersion."""

from django.conf import settings
from django.db import models, transaction

from loudong.policy.rules import Rules


class PolicyVersion(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="policy_versions")
    number = models.PositiveIntegerField("版本")
    rules = models.JSONField()
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "-number"]
        get_latest_by = "number"
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="policy_unique_number")]

    def __str__(self) -> str:
        return f"第{self.number}版"

    @property
    def parsed(self) -> Rules:
        return Rules.from_json(self.rules)


def current_rules(community_id: int) -> Rules:
    """The rules in force: the newest version, or the defaults for a community with none."""
    latest = PolicyVersion.objects.filter(community_id=community_id).order_by("-number").first()
    return latest.parsed if latest else Rules()


def save_rules(community_id: int, rules: Rules, *, by: object = None, note: str = "") -> PolicyVersion:
    with transaction.atomic():
        last = PolicyVersion.objects.select_for_update().filter(community_id=community_id).order_by("-number").first()
        return PolicyVersion.objects.create(
            community_id=community_id,
            number=(last.number + 1 if last else 1),
            rules=rules.to_json(),
            note=note,
            created_by=by,
        )


class PolicyDocument(models.Model):
    """实施方案, 管理制度, 工作职责, 联系居民制度: the documents the rules come from."""

    class Kind(models.TextChoices):
        PLAN = "plan", "实施方案"
        MANAGEMENT = "management", "党员管理制度"
        DUTIES = "duties", "工作职责"
        CONTACT = "contact", "党员联系居民制度"
        OTHER = "other", "其他"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="policy_documents")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=120)
    file = models.FileField("文件", upload_to="policy/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title
