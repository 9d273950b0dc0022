"""The three lists: 需求清单 (what residents need), 资源清单 (what partner units and in-post members
offer) and 项目清单 (a need matched to a resource and carried out, step by step).

A need and a resource speak of the same kinds (loudong.partners.models.Offer: 场地, 资金, 法律服务 …):
a need's category is the kind of help it asks for. A need keeps its group and building (who serves
it, where) but never a household or a person: the request or visit it came from keeps those, behind
their own access rules.

Rows change only through loudong.projects.actions, which writes every change to the audit log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from loudong.partners.models import Offer


class NeedQuerySet(models.QuerySet):
    def visible_to(self, user: "models.Model", community: "models.Model") -> "NeedQuerySet":
        from loudong.projects.access import need_scope  # the access rules import the models

        return self.filter(need_scope(user, community), community=community)


class Need(models.Model):
    """需求: something residents need that a building group cannot meet alone."""

    class Source(models.TextChoices):
        REQUEST = "request", "点单"
        MEETING = "meeting", "议事会决定"
        VISIT = "visit", "敲门问需"
        ENTERED = "entered", "社区录入"

    class Status(models.TextChoices):
        OPEN = "open", "待对接"
        MATCHED = "matched", "已立项"
        MET = "met", "已满足"
        CLOSED = "closed", "已关闭"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "groups.BuildingGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name="党小组",
    )
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="楼栋"
    )
    title = models.CharField("需求", max_length=60)
    description = models.TextField("具体情况", blank=True)
    category = models.CharField("需要的资源", max_length=16, choices=Offer.choices)
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.ENTERED)
    # Each source object raises at most one need (the one-tap 需要资源 cannot make two).
    request = models.OneToOneField(
        "tickets.Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="need", verbose_name="点单"
    )
    decision = models.OneToOneField(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="need",
        verbose_name="议事决定",
    )
    visit = models.OneToOneField(
        "outreach.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="need", verbose_name="走访"
    )
    beneficiaries = models.PositiveIntegerField("受益人数", default=1)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField("提出时间", default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    met_at = models.DateTimeField("满足时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    close_reason = models.CharField("关闭原因", max_length=200, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "需求"
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["community", "raised_at"]),
            models.Index(fields=["community", "met_at"]),
            models.Index(fields=["community", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="met") | Q(met_at__isnull=False), name="need_met_has_time"),
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(close_reason=""), name="need_closed_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Resource(models.Model):
    """资源: what a partner unit offers (one row per kind of its offers), what an in-post member who
    reported in can do (their skills), or what the admin enters (a clinic, a shop, a lawyer)."""

    class Source(models.TextChoices):
        UNIT = "unit", "共建单位"
        MEMBER = "member", "在职党员"
        ENTERED = "entered", "社区录入"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("资源类型", max_length=16, choices=Offer.choices)
    title = models.CharField("资源", max_length=60)
    description = models.CharField("说明", max_length=300, blank=True)
    capacity = models.CharField("能提供多少、什么时间", max_length=100, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.ENTERED)
    # SET_NULL: a project keeps its resource when the unit or member record goes.
    unit = models.ForeignKey(
        "partners.PartnerUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name="共建单位",
    )
    report_in = models.OneToOneField(
        "partners.ReportIn",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource",
        verbose_name="报到",
    )
    member = models.ForeignKey(
        "registry.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name="党员",
    )
    owner_name = models.CharField("提供方", max_length=100, blank=True)  # an entered resource's owner, a unit's name
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="所在楼栋"
    )
    place = models.CharField("地点", max_length=150, blank=True)
    active = models.BooleanField("可用", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "资源"
        ordering = ["kind", "title", "id"]
        indexes = [models.Index(fields=["community", "active", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind"], condition=Q(unit__isnull=False), name="resource_one_per_unit_offer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} · {self.title}"

    @property
    def owner_label(self) -> str:
        if self.unit_id:
            return self.unit.name
        if self.member_id:
            return self.member.resident.name
        if self.source == self.Source.MEMBER:
            return "（党员档案已删除）"
        return self.owner_name or "社区"


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user: "models.Model", community: "models.Model") -> "ProjectQuerySet":
        from loudong.projects.access import project_scope

        return self.filter(project_scope(user, community), community=community)

    def running(self) -> "ProjectQuerySet":
        return self.filter(status__in=RUNNING)


class Project(models.Model):
    """项目: a need met with a resource, run by its owner in steps to a done date."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        IN_PROGRESS = "in_progress", "进行中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="projects", verbose_name="需求")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="projects", verbose_name="资源")
    title = models.CharField("项目名称", max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="负责人"
    )
    beneficiaries = models.PositiveIntegerField("受益人数", default=1)
    due_on = models.DateField("计划完成日期", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_at = models.DateTimeField("立项时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "项目"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status"]), models.Index(fields=["community", "done_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | (~Q(status="done") & Q(done_on__isnull=True)),
                name="project_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="project_cancelled_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def is_overdue(self) -> bool:
        return self.is_running and self.due_on is not None and self.due_on < timezone.localdate()


RUNNING = (Project.Status.PLANNED, Project.Status.IN_PROGRESS)


class ProjectStep(models.Model):
    """步骤: one thing to do, in order; done on a date or not yet."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("步骤", max_length=100)
    due_on = models.DateField("计划日期", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "项目步骤"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_on is not None
