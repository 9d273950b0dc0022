"""The plain data that loudong.stats.compute returns: no querysets, no models, ready for a page,
a report, JSON or a spreadsheet."""

from dataclasses import dataclass, field
from datetime import date, datetime

# Below this many cases a rate is shown as "x/y 件": a percentage of 2 cases says nothing.
MIN_CASES_FOR_PERCENT = 5


@dataclass
class Figure:
    key: str
    label: str
    definition: str
    count: int


@dataclass
class Rate:
    key: str
    label: str
    definition: str
    numerator: int
    denominator: int
    numerator_label: str = ""
    denominator_label: str = ""
    unit: str = "件"

    @property
    def value(self) -> float | None:
        """The share (0..1), or None without cases."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        return round(self.value * 100, 1) if self.value is not None else None

    @property
    def cases(self) -> str:
        return f"{self.numerator}/{self.denominator} {self.unit}"

    @property
    def shows_percent(self) -> bool:
        return self.denominator >= MIN_CASES_FOR_PERCENT

    def display(self) -> str:
        """ "92.3%" on 5 cases or more; "3/4 件" on fewer; "暂无" without any."""
        if not self.denominator:
            return "暂无"
        if not self.shows_percent:
            return self.cases
        return f"{self.percent:g}%"


@dataclass
class BreakdownRow:
    key: str  # the id or code of the category, building, group or member
    label: str
    counts: dict[str, int]
    rates: list[Rate]

    def rate(self, key: str) -> Rate:
        return next(r for r in self.rates if r.key == key)


@dataclass
class Breakdown:
    key: str  # "category" | "building" | "group" | "volunteer"
    label: str
    columns: list[tuple[str, str]]  # (figure key, label) of the counts
    rows: list[BreakdownRow]


@dataclass
class TrendPoint:
    start: date
    label: str
    collected: int
    resolved: int


@dataclass
class Coverage:
    members: int
    members_in_groups: int
    households: int
    households_served: int
    members_rate: Rate
    households_rate: Rate


@dataclass
class ListsFigures:
    """The three lists (需求、资源、项目) of a community or a group (loudong.projects.figures)."""

    needs_raised: int
    needs_met: int
    projects_done: int
    beneficiaries: int  # people the projects done served, as their owners recorded
    units: int  # partner units whose resources carried projects done
    members: int  # members whose skills carried projects done


@dataclass
class Figures:
    scope_level: str
    scope_pk: int
    scope_name: str
    period_start: date
    period_end: date
    computed_at: datetime
    # Finished requests are counted from tallies `loudong worker` updates each minute: changes up to
    # this moment are in (computed_at when none waits). loudong.stats.tally.tallied_at
    tallied_at: datetime
    funnel: list[Figure]
    rates: list[Rate]
    open_now: Figure
    overdue_now: Figure
    by_category: Breakdown
    by_building: Breakdown  # empty for a subdistrict or district
    by_group: Breakdown
    by_volunteer: Breakdown  # empty for a subdistrict or district (no people in roll-ups)
    by_community: Breakdown  # the roll-up of a subdistrict or district; empty below
    trend_weekly: list[TrendPoint]
    trend_monthly: list[TrendPoint]
    group_coverage: Coverage
    # From the other domains (a group counts its own records: loudong.stats.domains.DEFINITIONS).
    activities_by_type: list[tuple[str, str, int]] = field(default_factory=list)  # (type, label, held)
    people_covered: int | None = None  # distinct persons reached by activities
    visit_coverage: Rate | None = None  # households visited / households
    meetings_held: int | None = None
    hours_total: tuple[int, int] | None = None  # (minutes, volunteers with hours)
    lists: ListsFigures | None = None  # a community's or a group's; none for an area

    def figure(self, key: str) -> Figure:
        for item in (*self.funnel, self.open_now, self.overdue_now):
            if item.key == key:
                return item
        raise KeyError(key)

    def rate(self, key: str) -> Rate:
        return next(r for r in self.rates if r.key == key)

    def breakdowns(self) -> list[Breakdown]:
        """The breakdown tables of this level (an area: by community and category)."""
        if self.scope_level in ("subdistrict", "district"):
            return [self.by_community, self.by_category]
        return [self.by_category, self.by_group, self.by_building, self.by_volunteer]

    def breakdown(self, key: str) -> Breakdown:
        tables = [self.by_community, self.by_category, self.by_group, self.by_building, self.by_volunteer]
        return next(t for t in tables if t.key == key)
