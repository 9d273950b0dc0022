"""双报到: partner units (共建单位) and their agreements, in-post members reporting in (报到) to the
community where they live, the posts (岗位) members claim, and the community's quarterly
evaluation of each in-post member, sent back to their workplace in the feedback sheet (反馈单).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from loudong.hours.models import hours_text
from loudong.lib.identity import mask_phone


class Offer(models.TextChoices):
    """What a partner unit offers the community (资源)."""

    VENUE = "venue", "场地"
    FUNDS = "funds", "资金"
    LEGAL = "legal", "法律服务"
    MEDICAL = "medical", "医疗服务"
    REPAIR = "repair", "维修服务"
    VOLUNTEERS = "volunteers", "志愿者"
    OTHER = "other", "其他"


class PartnerUnitQuerySet(models.QuerySet):
    def active(self) -> "PartnerUnitQuerySet":
        return self.filter(active=True)


class PartnerUnit(models.Model):
    """共建单位: a school, hospital, company or office that works with the community."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "学校"
        HOSPITAL = "hospital", "医院"
        COMPANY = "company", "企业"
        PUBLIC = "public", "机关事业单位"
        ORGANISATION = "organisation", "社会组织"
        OTHER = "other", "其他"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="partner_units")
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("单位类型", max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    address = models.CharField("地址", max_length=150, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    party_org = models.CharField("单位党组织", max_length=100, blank=True)
    # A list of Offer values: few, fixed choices, read together and never joined on.
    offers = models.JSONField("可提供的资源", default=list, blank=True)
    offers_note = models.CharField("资源说明", max_length=300, blank=True)
    active = models.BooleanField("共建中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "共建单位"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="partner_unit_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def offer_labels(self) -> list[str]:
        return [Offer(o).label for o in self.offers if o in Offer.values]


class PartnerAgreement(models.Model):
    """共建协议: a signed agreement with a unit, its document kept in storage and served only
    through a permission-checked view."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(PartnerUnit, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField("协议名称", max_length=120)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    file = models.FileField("协议文件", upload_to="partners/%Y/", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "共建协议"
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportIn(models.Model):
    """报到: an in-post member (在职党员) reports in to the community where they live."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DECLINED = "declined", "未通过"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="report_ins")
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号", max_length=20)
    unit = models.ForeignKey(
        PartnerUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_ins",
        verbose_name="工作单位（共建单位）",
    )
    workplace = models.CharField("工作单位", max_length=100, blank=True)
    workplace_party_org = models.CharField("单位党组织", max_length=100)
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="居住的户",
    )
    address = models.CharField("居住地址", max_length=150, blank=True)  # as typed, when no household was chosen
    skills = models.CharField("特长", max_length=200, blank=True)  # short tags, 、-separated
    skills_note = models.CharField("特长说明", max_length=300, blank=True)
    available = models.CharField("可参加服务的时间", max_length=100, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField("报到时间", default=timezone.now)
    entered_by = models.ForeignKey(  # the admin who recorded it on the member's behalf
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField("未通过的原因", max_length=200, blank=True)
    member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="report_ins"
    )

    class Meta:
        verbose_name = "双报到"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "-submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="report_in_declined_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}报到"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def workplace_name(self) -> str:
        return self.unit.name if self.unit_id else self.workplace

    @property
    def skill_tags(self) -> list[str]:
        return [s for s in self.skills.replace("，", "、").replace(",", "、").split("、") if s.strip()]


class Post(models.Model):
    """岗位: a standing duty the admin publishes; members claim it."""

    class Kind(models.TextChoices):
        GROUP_VOLUNTEER = "group_volunteer", "楼栋党小组志愿者"
        DOOR_KNOCKING = "door_knocking", "敲门问需"
        CIVILITY = "civility", "文明劝导"
        POLICY_TALK = "policy_talk", "政策宣讲"
        CLEAN_UP = "clean_up", "周五大扫除"
        OTHER = "other", "其他"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="posts")
    group = models.ForeignKey(
        "groups.BuildingGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name="楼栋党小组",
    )
    title = models.CharField("岗位名称", max_length=60)
    kind = models.CharField("岗位类型", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField("岗位内容", max_length=300, blank=True)
    slots = models.PositiveSmallIntegerField("人数", default=1)
    time = models.CharField("服务时间", max_length=100, blank=True)  # "每周五下午 3:00–5:00"
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    active = models.BooleanField("发布中", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "岗位"
        ordering = ["-active", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1, slots__lte=500), name="post_slots_range"),
        ]

    def __str__(self) -> str:
        return self.title


class PostClaimQuerySet(models.QuerySet):
    def holding(self) -> "PostClaimQuerySet":
        return self.filter(released_at__isnull=True)


class PostClaim(models.Model):
    """认领: a member holds a post from `claimed_at` until `released_at`."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="post_claims")
    claimed_at = models.DateTimeField("认领时间", default=timezone.now)
    released_at = models.DateTimeField("退出时间", null=True, blank=True)

    objects = PostClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位认领"
        ordering = ["claimed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"], condition=Q(released_at__isnull=True), name="post_claim_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.post}"


class Evaluation(models.Model):
    """The community's quarterly evaluation of an in-post member, printed on the feedback sheet."""

    class Grade(models.TextChoices):
        GOOD = "good", "好"
        FAIRLY_GOOD = "fairly_good", "较好"
        FAIR = "fair", "一般"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="partner_evaluations")
    quarter = models.CharField("季度", max_length=6)  # "2026Q4"
    grade = models.CharField("评价", max_length=12, choices=Grade.choices)
    comment = models.CharField("评语", max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "在职党员季度评价"
        ordering = ["quarter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "quarter"], name="evaluation_one_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.quarter} {self.get_grade_display()}"


def new_token() -> str:
    return secrets.token_urlsafe(12)


class FeedbackSheet(models.Model):
    """反馈单: the quarter's report to one workplace party organisation. The row keeps the token its
    QR code verifies and the totals it last printed with (updated at every print, so the public
    verification page shows what the newest paper says)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField("季度", max_length=6)
    party_org = models.CharField("单位党组织", max_length=100)
    members = models.PositiveIntegerField("报到党员人数", default=0)
    minutes = models.PositiveIntegerField("服务分钟数", default=0)
    token = models.CharField(max_length=24, unique=True, default=new_token)
    printed_at = models.DateTimeField("出具时间", default=timezone.now)

    class Meta:
        verbose_name = "反馈单"
        ordering = ["quarter", "party_org"]
        constraints = [
            models.UniqueConstraint(fields=["community", "quarter", "party_org"], name="feedback_sheet_one_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.party_org} {self.quarter} 反馈单"

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)
