"""党小组规划: the proposal on the site plan, adjusting it by hand, and applying it (community admins).

The editor is one form: a select per stairwell naming its group's venue. Every change posts the
whole form (htmx) and the server answers with the editor redrawn: cost, broken rules, site plan.
Without JavaScript the "重新计算" button does the same with a full page.
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.models import Role
from loudong.groups.planning.community import Planning, load, plan_changes
from loudong.groups.planning.community import apply_plan as apply_to_registry
from loudong.groups.planning.drawing import colours, site_plan
from loudong.groups.planning.engine import Evaluation, Infeasible, Timeout
from loudong.registry.access import community_for
from loudong.registry.models import Community, Stairwell

# A community admin waits at most this long for a proposal; past it the best plan found is shown
# with its optimality gap.
TIME_LIMIT = 20.0


def admin_planning(request: HttpRequest, code: str) -> Planning:
    community: Community = community_for(request.user, code, {Role.ADMIN})
    return load(community)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def plan(request: HttpRequest, code: str) -> HttpResponse:
    planning = admin_planning(request, code)
    context: dict = {"community": planning.community, "policy": planning.policy, "current": current_groups(planning)}
    if not planning.stairwells:
        return render(request, "groups/planning/plan.html", context)
    try:
        proposal = planning.solve(TIME_LIMIT)
    except Infeasible as problem:
        context["infeasible"] = problem
        return render(request, "groups/planning/plan.html", context)
    except Timeout as error:
        context["timeout"] = str(error)
        return render(request, "groups/planning/plan.html", context)
    summary = summary_of(proposal.objective, proposal.gap, proposal.optimal)
    context.update(editor(planning, proposal.assignment(), summary))
    return render(request, "groups/planning/plan.html", context)


@login_required
@require_POST
def check(request: HttpRequest, code: str) -> HttpResponse:
    planning = admin_planning(request, code)
    context = {"community": planning.community, "policy": planning.policy, "adjusting": True,
               **editor(planning, planning.read_state(request.POST), posted_summary(request))}  # fmt: skip
    if is_htmx(request):
        return render(request, "groups/planning/_editor.html", context)
    context["current"] = current_groups(planning)
    return render(request, "groups/planning/plan.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    planning = admin_planning(request, code)
    state = planning.read_state(request.POST)
    evaluation = planning.evaluate(state)
    if len(state) < len(planning.stairwells):
        messages.error(request, "有单元没有分到党小组（可能刚新增了单元），请重新规划。")
        return redirect("planning:plan", code=planning.community.code)
    changes = plan_changes(planning, state)
    context = {
        "community": planning.community, "changes": changes, "evaluation": evaluation, "policy": planning.policy,
        "state": sorted(state.items()), "summary": posted_summary(request),
    }  # fmt: skip
    return render(request, "groups/planning/confirm.html", context)


@login_required
@require_POST
def apply_plan(request: HttpRequest, code: str) -> HttpResponse:
    planning = admin_planning(request, code)
    state = planning.read_state(request.POST)
    if len(state) < len(planning.stairwells):
        messages.error(request, "有单元没有分到党小组（可能刚新增了单元），请重新规划。")
        return redirect("planning:plan", code=planning.community.code)
    changes = apply_to_registry(request, planning, state)
    messages.success(request, f"已应用党小组规划：共 {len(changes.groups)} 个党小组，新建 {len(changes.created)} 个，"
                              f"调整 {len(changes.updated)} 个。")  # fmt: skip
    return redirect("planning:coverage", code=planning.community.code)


def posted_summary(request: HttpRequest) -> dict | None:
    """The proposal's cost and gap, carried through the editor's posts for comparison."""
    try:
        objective = float(request.POST.get("proposal_objective", ""))
        gap = float(request.POST.get("proposal_gap", ""))
    except ValueError:
        return None
    if not (math.isfinite(objective) and math.isfinite(gap)):
        return None
    return summary_of(objective, gap, request.POST.get("proposal_optimal") == "1")


def summary_of(objective: float, gap: float, optimal: bool) -> dict:
    return {"objective": objective, "gap": gap, "optimal": optimal, "gap_percent": f"{gap * 100:.2f}"}


def editor(planning: Planning, assignment: dict[str, str], summary: dict | None) -> dict:
    """Everything the editor shows for a plan: groups in colour with their stairwells and choices,
    the cost, the broken rules, and the plan drawn on the site plan."""
    evaluation = planning.evaluate(assignment)
    order = {str(s.pk): n for n, s in enumerate(planning.stairwells)}
    groups = sorted(evaluation.groups, key=lambda g: order[g.venue])
    palette = colours([g.venue for g in groups])
    names = {str(c.venue.pk): c for c in plan_changes(planning, assignment).groups}
    choices = [(g.venue, names[g.venue].name) for g in groups]
    cards = []
    for group in groups:
        change = names[group.venue]
        cards.append({
            "group": group, "name": change.name, "fill": palette[group.venue],
            "venue": planning.by_id[group.venue],
            "status": "新建" if change.group is None else ("调整" if change.changed else "沿用"),
            "problems": [p.text for p in evaluation.problems if p.venue == group.venue],
            "rows": [row(planning.by_id[sid], group.venue, choices) for sid in group.stairwells],
        })  # fmt: skip
    loose = [row(s, None, choices) for s in planning.stairwells if str(s.pk) not in assignment]
    return {
        "evaluation": evaluation, "cards": cards, "loose": loose, "summary": summary,
        "walking": evaluation.objective - planning.policy.group_cost * len(groups),
        "difference": evaluation.objective - summary["objective"] if summary else None,
        "drawing": site_plan(planning, assignment, palette),
    }  # fmt: skip


def row(stairwell: Stairwell, venue: str | None, choices: list[tuple[str, str]]) -> dict:
    options = list(choices)
    sid = str(stairwell.pk)
    if stairwell.members_count > 0 and sid != venue:
        options.append((sid, "以本单元为红色议事厅，新建一个党小组"))
    return {"stairwell": stairwell, "venue": venue, "options": options}


def current_groups(planning: Planning) -> dict:
    """Today's groups beside the proposal: stairwells, members and households they serve, and their
    cost by the same definition (a group without a venue stairwell cannot be priced)."""
    evaluation: Evaluation = planning.evaluate(planning.current_assignment())
    priced = {g.venue: g for g in evaluation.groups}
    rows: dict[int, dict] = {}
    for s in planning.stairwells:
        if s.group_id:
            entry = rows.setdefault(s.group_id, {"group": s.group, "stairwells": [], "members": 0, "households": 0})
            entry["stairwells"].append(s)
            entry["members"] += s.members_count
            entry["households"] += s.households_count
    for entry in rows.values():
        venue = entry["group"].venue_stairwell_id
        entry["cost"] = priced[str(venue)].cost if str(venue) in priced else None
    unserved = [s for s in planning.stairwells if not s.group_id]
    return {
        "rows": sorted(rows.values(), key=lambda e: e["group"].name), "unserved": unserved,
        "unserved_households": sum(s.households_count for s in unserved),
        "objective": sum(e["cost"] for e in rows.values() if e["cost"] is not None),
    }  # fmt: skip
