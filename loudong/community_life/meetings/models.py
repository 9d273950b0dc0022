"""红色议事厅 / 微自治: meetings of a building group (or the whole community), who came, what was
decided and who follows up by when.

Rows are written only through `loudong.community_life.meetings.actions`.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Meeting(models.Model):
    """One meeting: a group's (group set) or the community's (group empty)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "groups.BuildingGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name="党小组",
    )
    venue = models.ForeignKey(
        "groups.Venue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name="红色议事厅",
    )
    place = models.CharField("其他地点", max_length=80, blank=True)
    title = models.CharField("会议主题", max_length=80)
    held_at = models.DateTimeField("开会时间", db_index=True)
    minutes = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["community", "held_at"]), models.Index(fields=["group", "held_at"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.held_at):%Y-%m-%d} {self.title}"

    @property
    def scope_label(self) -> str:
        return self.group.name if self.group_id else "全社区"

    @property
    def place_label(self) -> str:
        if self.venue_id:
            return str(self.venue)
        return self.place

    @property
    def is_upcoming(self) -> bool:
        return self.held_at > timezone.now()


class AgendaItem(models.Model):
    """议题: one line of the agenda, in order. A suggested recurring problem keeps its building and category."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("议题", max_length=200)
    building = models.ForeignKey(
        "registry.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Attendance(models.Model):
    """到会: a person from the registry, or a guest by name. Each person counts once per meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    resident = models.ForeignKey("registry.Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    guest_name = models.CharField("列席人员", max_length=40, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resident"], condition=Q(resident__isnull=False), name="attendance_person_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "guest_name"], condition=Q(resident__isnull=True), name="attendance_guest_once"
            ),
            models.CheckConstraint(
                name="attendance_person_or_guest",
                condition=Q(resident__isnull=False, guest_name="") | Q(resident__isnull=True) & ~Q(guest_name=""),
            ),
        ]

    def __str__(self) -> str:
        return self.resident.name if self.resident_id else self.guest_name


class Decision(models.Model):
    """决定: a short text; it may open requests (channel: meeting), linked here."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("决定事项", max_length=200)
    requests = models.ManyToManyField("tickets.Request", blank=True, related_name="meeting_decisions")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class TaskQuerySet(models.QuerySet):
    def open(self) -> "TaskQuerySet":
        return self.filter(status=FollowUpTask.Status.OPEN)

    def overdue(self, today: date | None = None) -> "TaskQuerySet":
        """Still open after the due date (the due day itself is not late)."""
        return self.filter(status=FollowUpTask.Status.OPEN, due_on__lt=today or timezone.localdate())


class FollowUpTask(models.Model):
    """跟进事项: who does what by when, tracked to done."""

    class Status(models.TextChoices):
        OPEN = "open", "未完成"
        DONE = "done", "已完成"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    text = models.CharField("跟进事项", max_length=200)
    owner = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="meeting_tasks", verbose_name="负责人"
    )
    due_on = models.DateField("完成期限", db_index=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_note = models.CharField("完成情况", max_length=200, blank=True)
    done_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["community", "due_on"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_on < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_on).days if self.is_overdue else 0
