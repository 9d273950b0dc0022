"""Tallies of finished requests, so dashboards sum a few rows instead of scanning every request.

A request that is not open (status not in OPEN: resolved, closed, rejected, merged) is counted here
by its collection day; an open one is always counted live from the request table (they are few),
so the figures are exact at every moment. Every count is the one of loudong.stats.definitions with
`now` far in the future: for a finished request only the response rate's denominator depends on
`now` (dispatched, never taken, its response deadline still ahead), and the reading side subtracts
those few (loudong.stats.tally).

- AreaTally: per community, category and span: a Shanghai day ("d"), a week from Monday ("w") or a
  calendar month ("m"). Subdistricts and districts read it, and a community its funnel, categories
  and trends.
- LocalTally: per community, calendar month, building, group and volunteer; a community's
  breakdowns by building, group and volunteer read it for the whole months of their period.
- AreaTrend: AreaTally's rows summed over the categories (collected and resolved only), for the
  trend lines of communities and areas.
- ErrandDay, ErrandWeek, ErrandMonth: the minutes of offline errands (volunteer hours,
  loudong.tickets.hours_source) per volunteer and Shanghai day of service, of the requests collected
  on each day (kept like the others), and summed per week (from Monday) and month of service.
- CoverageTally: a community's members and households, and those in or served by a group (group
  coverage, counted now). Database triggers on the registry's tables mark the community in
  StaleCoverage on any change, however it is written; readers recount the marked ones first.
- DirtyDay: a community's collection day whose tallies are stale. The write path
  (loudong.tickets.actions.base.record) marks it in the same transaction as the change; readers and
  `loudong worker` recompute it before anything is summed.
"""

from django.db import models

from loudong.stats.definitions import RECORD_SETS


def count_field(key: str) -> str:
    """The column of a figure key ("response_rate.num" → "response_rate_num")."""
    return key.replace(".", "_")


# Every figure counted over the period: each funnel figure and every rate's numerator and denominator.
TALLIED = tuple(k for k, d in RECORD_SETS.items() if d.in_period)


# The tallies are derived rows, rebuilt at will: their references have no database constraint (each
# would cost a deferred check per row written; Django still applies on_delete).
class Counts(models.Model):
    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    start = models.DateField()  # the first day of the span (Shanghai)

    class Meta:
        abstract = True


for _key in TALLIED:
    Counts.add_to_class(count_field(_key), models.IntegerField(default=0))


class AreaTally(Counts):
    category_code = models.CharField(max_length=40)
    category_name = models.CharField(max_length=40)

    class Span(models.TextChoices):
        DAY = "d", "日"
        WEEK = "w", "周"
        MONTH = "m", "月"

    span = models.CharField(max_length=1, choices=Span.choices)

    class Meta:
        indexes = [models.Index(fields=["community", "span", "start"])]

    def __str__(self) -> str:
        return f"{self.community_id} {self.span} {self.start} {self.category_code}"


class AreaTrend(models.Model):
    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    span = models.CharField(max_length=1, choices=AreaTally.Span.choices)
    start = models.DateField()
    collected = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)

    class Meta:
        # On PostgreSQL the trend's sums read the index alone.
        indexes = [
            models.Index(
                fields=["community", "span", "start"], include=["collected", "resolved"], name="stats_area_trend_read"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.span} {self.start}"


class LocalTally(Counts):
    building = models.ForeignKey(
        "registry.Building", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    group = models.ForeignKey(
        "groups.BuildingGroup", null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    assignee = models.ForeignKey(
        "registry.Member", null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )

    class Meta:
        indexes = [models.Index(fields=["community", "start"])]

    def __str__(self) -> str:
        return f"{self.community_id} {self.start} {self.building_id} {self.assignee_id}"


class DirtyDay(models.Model):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "day"], name="stats_dirty_day_unique")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.day}"


class ErrandDay(models.Model):
    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    day = models.DateField()  # the collection day of the requests (what DirtyDay marks)
    served_on = models.DateField()  # the Shanghai day the errand was resolved
    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    minutes = models.IntegerField()

    class Meta:
        # (community, served_on, member, minutes): a period's sums read the index alone.
        indexes = [
            models.Index(fields=["community", "day"]),
            models.Index(fields=["community", "served_on", "member", "minutes"]),
            models.Index(fields=["member"]),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.day} {self.served_on} {self.member_id}"


class ErrandSpan(models.Model):
    """A volunteer's errand minutes summed over a span of service days, from ErrandDay."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    start = models.DateField()  # the first day of the span
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    minutes = models.IntegerField()

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["community", "start", "member", "minutes"])]

    def __str__(self) -> str:
        return f"{self.community_id} {self.start} {self.member_id}"


class ErrandWeek(ErrandSpan):
    """Per week of service, from Monday."""


class ErrandMonth(ErrandSpan):
    """Per calendar month of service."""


class CoverageTally(models.Model):
    community = models.OneToOneField(
        "registry.Community", on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    members = models.IntegerField(default=0)
    members_in_groups = models.IntegerField(default=0)
    households = models.IntegerField(default=0)
    households_served = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.community_id} {self.members_in_groups}/{self.members} {self.households_served}/{self.households}"


class StaleCoverage(models.Model):
    """Written by the registry tables' triggers (migration 0007): a plain column, no constraint, so
    a community deleted with its rows leaves a mark that a recount simply drops."""

    community_id = models.IntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.community_id)
