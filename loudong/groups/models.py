"""楼栋党小组: a group of party members serving the stairwells it is given.

Planning, elections and venues grow here; this file holds what scoping needs today.
"""

from django.db import models


class BuildingGroup(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("党小组", max_length=60)
    venue_stairwell = models.ForeignKey(
        "registry.Stairwell", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="红色议事厅所在单元",
    )
    leader = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="组长"
    )
    deputy = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="副组长",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name
