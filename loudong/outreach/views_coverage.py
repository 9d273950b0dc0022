"""Coverage (走访覆盖): households visited this cycle, by group and for the community, with the
list of households behind every count."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from loudong.accounts.access import is_admin
from loudong.groups.access import led_groups
from loudong.outreach.access import households_for, outreach_community
from loudong.outreach.models import Assignment
from loudong.outreach.schedule import DueState, HouseholdDue, schedule
from loudong.outreach.views_visits import with_people
from loudong.policy.models import current_rules
from loudong.registry.models import Community

HOUSEHOLDS_PER_PAGE = 100
# The counts a row shows, each a filter of the drill-down list.
STATES = {
    "all": "全部住户",
    "covered": "本周期已走访",
    "due": "该走访了",
    "overdue": "已超期",
    "never": "从未走访",
    "unassigned": "无人包户",
}


@dataclass
class CoverageRow:
    key: str  # group id, "none" for households of no group, "all" for the community
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def cells(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.counts[key]) for key, label in STATES.items()]

    @property
    def percent(self) -> int:
        return round(100 * self.counts["covered"] / self.counts["all"]) if self.counts["all"] else 0


def matches(row: HouseholdDue, state: str, assigned: set[int]) -> bool:
    return {
        "all": True,
        "covered": row.covered,
        "due": row.state == DueState.DUE,
        "overdue": row.state == DueState.OVERDUE,
        "never": row.never_visited,
        "unassigned": row.household.pk not in assigned,
    }[state]


def _scope(request: HttpRequest, code: str) -> tuple[Community, bool, dict[int, str], list[HouseholdDue], set[int]]:
    community = outreach_community(request, code)
    admin = is_admin(request.user, community)
    groups = dict(led_groups(request.user, community).order_by("name").values_list("pk", "name"))
    if not admin and not groups:
        raise Http404
    households = households_for(request.user, community)
    if not admin:
        households = households.filter(stairwell__group__in=list(groups))
    rows = schedule(households.select_related("stairwell"), current_rules(community.pk))
    # An assignment counts only while the member is in the household's group.
    assigned = {
        h
        for h, member_group, household_group in Assignment.objects.filter(household__in=households).values_list(
            "household_id", "volunteer__group_id", "household__stairwell__group_id"
        )
        if member_group is not None and member_group == household_group
    }
    return community, admin, groups, rows, assigned


@login_required
def coverage(request: HttpRequest, code: str) -> HttpResponse:
    community, admin, groups, rows, assigned = _scope(request, code)
    by_group = {pk: CoverageRow(str(pk), name) for pk, name in groups.items()}
    nobody = CoverageRow("none", "不属于任何党小组")
    total = CoverageRow("all", community.name)
    for row in rows:
        target = by_group.get(row.household.stairwell.group_id, nobody)
        for state in STATES:
            if matches(row, state, assigned):
                target.counts[state] += 1
                total.counts[state] += 1
    table = list(by_group.values()) + ([nobody] if admin and nobody.counts["all"] else [])
    return render(
        request,
        "outreach/coverage.html",
        {
            "community": community,
            "table": table,
            "total": total if admin else None,
            "states": STATES,
        },
    )


@login_required
def coverage_list(request: HttpRequest, code: str) -> HttpResponse:
    community, admin, groups, rows, assigned = _scope(request, code)
    key, state = request.GET.get("group", "all"), request.GET.get("state", "all")
    if state not in STATES or key not in {"all", "none", *map(str, groups)}:
        raise Http404
    if key == "all" and not admin:
        wanted = set(groups)
    else:
        wanted = None if key == "all" else ({None} if key == "none" else {int(key)})
    picked = [
        r for r in rows if (wanted is None or r.household.stairwell.group_id in wanted) and matches(r, state, assigned)
    ]
    page = Paginator(picked, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    owners = dict(
        Assignment.objects.filter(household_id__in=[r.household.pk for r in shown]).values_list(
            "household_id", "volunteer__resident__name"
        )
    )
    title = community.name if key == "all" else ("不属于任何党小组" if key == "none" else groups[int(key)])
    return render(
        request,
        "outreach/coverage_list.html",
        {
            "community": community,
            "title": title,
            "page": page,
            "group": key,
            "state": state,
            "rows": [(row, people, owners.get(row.household.pk, "")) for row, people in with_people(shown)],
            "state_label": STATES[state],
        },
    )
