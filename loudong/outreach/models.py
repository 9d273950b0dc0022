"""包户与敲门问需: which member visits which household, the leader's draft of a new assignment,
and the visits themselves.

The household's group is always read from its stairwell (`household.stairwell.group`), never
copied here: when a stairwell changes group or a member leaves, the assignment becomes stale and
the group's page shows the household as needing someone again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Assignment(models.Model):
    """包户: the one member responsible for visiting a household."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    household = models.OneToOneField("registry.Household", on_delete=models.CASCADE, related_name="assignment")
    volunteer = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="assignments", verbose_name="包户党员"
    )
    assigned_at = models.DateTimeField("分配时间", default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["volunteer", "household"])]

    def __str__(self) -> str:
        return f"{self.household} → {self.volunteer}"


class AssignmentDraft(models.Model):
    """The platform's proposal for a group, as the leader adjusts it before confirming.

    `mapping` holds {household id: member id} as strings of digits (JSON keys are strings).
    """

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.OneToOneField("groups.BuildingGroup", on_delete=models.CASCADE, related_name="assignment_draft")
    mapping = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.group}包户建议"

    def as_ids(self) -> dict[int, int]:
        return {int(h): int(m) for h, m in self.mapping.items()}


class Visit(models.Model):
    """敲门问需: one door-knocking visit. Only a visit where someone was home resets the schedule
    and counts towards coverage; a knock on a closed door is still the volunteer's time served."""

    class Home(models.TextChoices):
        MET = "met", "有人在家"
        AWAY = "away", "无人在家"

    MINUTE_CHOICES = (10, 20, 30, 60)
    DEFAULT_MINUTES = 20

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="visits", verbose_name="住户"
    )
    # SET_NULL keeps the household's history when a member record is deleted.
    volunteer = models.ForeignKey(
        "registry.Member", null=True, on_delete=models.SET_NULL, related_name="visits", verbose_name="走访党员"
    )
    visited_at = models.DateTimeField("走访时间", db_index=True)
    minutes = models.PositiveSmallIntegerField("用时（分钟）", default=DEFAULT_MINUTES)
    someone_home = models.CharField("是否有人在家", max_length=8, choices=Home.choices, default=Home.MET)
    met = models.ManyToManyField("registry.Resident", blank=True, related_name="+", verbose_name="见到的居民")
    needs = models.TextField("发现的需求", blank=True)
    note = models.TextField("备注", blank=True)
    request = models.OneToOneField(
        "tickets.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit",
        verbose_name="转成的点单",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["household", "-visited_at"]),
            models.Index(fields=["community", "visited_at"]),
            models.Index(fields=["volunteer", "-visited_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gte=1, minutes__lte=600), name="visit_minutes_range"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {timezone.localtime(self.visited_at):%Y-%m-%d}"

    @property
    def was_home(self) -> bool:
        return self.someone_home == self.Home.MET
