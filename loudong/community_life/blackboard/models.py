"""党史小黑板: short study notes members write for their building, shown on the building's
blackboard page and printed as posters for the stairwell.

A note belongs to one building, or to a whole group (then it shows on every building the group
serves). Leaders and admins moderate by hiding a note; nothing is deleted. The author may correct
the title and text of a note still shown (it then says 已修改).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

TITLE_MAX = 40
BODY_MAX = 500


class NoteQuerySet(models.QuerySet):
    def shown(self) -> "NoteQuerySet":
        return self.filter(hidden_at__isnull=True)

    def for_building(self, building_id: int) -> "NoteQuerySet":
        """Notes of the building and of the groups serving any of its stairwells."""
        from loudong.registry.models import Stairwell

        groups = Stairwell.objects.filter(building_id=building_id, group__isnull=False).values("group_id")
        return self.filter(Q(building_id=building_id) | Q(building__isnull=True, group_id__in=groups))


class Note(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey(
        "registry.Building",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blackboard_notes",
        verbose_name="楼栋",
    )
    group = models.ForeignKey(
        "groups.BuildingGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blackboard_notes",
        verbose_name="党小组",
    )
    author = models.ForeignKey(
        "registry.Member", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="作者"
    )
    author_name = models.CharField("作者姓名", max_length=40)  # kept if the member record goes
    title = models.CharField("标题", max_length=TITLE_MAX)
    body = models.TextField("学习心得")
    written_on = models.DateField("日期", default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField("修改时间", null=True, blank=True)  # the author's last edit
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden_reason = models.CharField("隐藏原因", max_length=200, blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-written_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="note_building_or_group", condition=Q(building__isnull=False) | Q(group__isnull=False)
            )
        ]
        indexes = [models.Index(fields=["community", "-written_on"]), models.Index(fields=["building", "-written_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def place_label(self) -> str:
        if self.building_id:
            return self.building.name
        return f"{self.group.name}（全组）" if self.group_id else ""
