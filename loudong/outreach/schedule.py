"""The visit schedule: how often a household is visited (policy, by its residents' care tags),
when it is next due, and whether it has been visited this cycle.

A household's cycle is its own visit interval ending today: it is covered when someone was met
at home within the last `visit_days` days. Next due = date of the last visit where someone was
home + visit_days; a household never visited is due today. A knock on a closed door does not
move the date (the household still needs to be seen) but is shown beside it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Max, QuerySet
from django.utils import timezone

from loudong.lib.shanghai import local_date
from loudong.outreach.models import Visit
from loudong.policy.rules import Rules
from loudong.registry.models import Household, Resident


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    SOON = "soon"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"overdue": "已超期", "due": "该走访了", "soon": "快到期", "done": "本周期已走访"}[self.value]


@dataclass
class HouseholdDue:
    household: Household
    care_tags: list[str]
    visit_days: int
    last_visit: date | None  # the last visit where someone was home
    last_knock: date | None  # the last visit of any kind
    next_due: date
    state: DueState

    @property
    def covered(self) -> bool:
        return self.state in (DueState.SOON, DueState.DONE)

    @property
    def never_visited(self) -> bool:
        return self.last_visit is None

    @property
    def days_late(self) -> int:
        return max(0, (timezone.localdate() - self.next_due).days)


def soon_window(visit_days: int) -> int:
    """Days before the due date a visit shows as coming up: 3 for a monthly visit, 1 for a weekly one."""
    return max(1, visit_days // 10)


def state_of(last_visit: date | None, visit_days: int, today: date) -> tuple[date, DueState]:
    if last_visit is None:
        return today, DueState.DUE
    next_due = last_visit + timedelta(days=visit_days)
    if next_due < today:
        return next_due, DueState.OVERDUE
    if next_due == today:
        return next_due, DueState.DUE
    if (next_due - today).days <= soon_window(visit_days):
        return next_due, DueState.SOON
    return next_due, DueState.DONE


def care_tags_by_household(households: QuerySet[Household]) -> dict[int, list[str]]:
    through = Resident.care_tags.through.objects.filter(resident__household__in=households.values("pk"))
    tags: dict[int, set[str]] = defaultdict(set)
    for household_id, name in through.values_list("resident__household_id", "caretag__name"):
        tags[household_id].add(name)
    return {h: sorted(names) for h, names in tags.items()}


def last_visits(households: QuerySet[Household]) -> tuple[dict[int, date], dict[int, date]]:
    """({household id: last date someone was home}, {household id: last knock of any kind})."""
    rows = (
        Visit.objects.filter(household__in=households.values("pk"))
        .values("household_id", "someone_home")
        .annotate(last=Max("visited_at"))
    )
    met: dict[int, date] = {}
    knock: dict[int, date] = {}
    for row in rows:
        day = local_date(row["last"])
        if row["someone_home"] == Visit.Home.MET:
            met[row["household_id"]] = day
        knock[row["household_id"]] = max(day, knock.get(row["household_id"], day))
    return met, knock


def schedule(households: QuerySet[Household], rules: Rules, today: date | None = None) -> list[HouseholdDue]:
    """Every household of the queryset with its due state, the most pressing first."""
    today = today or timezone.localdate()
    tags = care_tags_by_household(households)
    met, knock = last_visits(households)
    rows = []
    for household in households.select_related("stairwell__building"):
        household_tags = tags.get(household.pk, [])
        days = rules.visit_days(household_tags)
        next_due, state = state_of(met.get(household.pk), days, today)
        rows.append(
            HouseholdDue(
                household, household_tags, days, met.get(household.pk), knock.get(household.pk), next_due, state
            )
        )
    rows.sort(
        key=lambda r: (
            r.next_due,
            r.last_visit is not None,
            r.household.stairwell.building.sort_key,
            r.household.stairwell.sort_key,
            r.household.sort_key,
        )
    )
    return rows
