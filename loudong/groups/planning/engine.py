"""Group planning (Django-free, so the planner page, the CLI and the benchmark share it).

Choose venue stairwells (the leader's or the host's home, so only a stairwell where a party member
lives can be one) and give every stairwell to exactly one venue's group, each group holding
min_members..max_members members, at least cost:

    cost = group_cost × groups + Σ over stairwells (households × metres to the group's venue)

`evaluate` is the one definition of that cost and of the rules, for the solver's answer and for a
plan adjusted by hand. `solve` finds the least-cost plan exactly: a quick local search gives a
valid plan; its cost proves some pairs useless (two bounds, see milp.py) and becomes HiGHS's
cutoff; then scipy's `milp` searches every cheaper plan. The gap reported comes from HiGHS's
bound: 0.0 when proven optimal.
"""

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loudong.groups.planning.feasibility import Alternative, Infeasible, diagnose

# numpy and scipy (about 55 MiB) are imported by solve(): the planner's pages and forms need only the
# dataclasses and evaluate(), and every web process reaches this module through the URLconf.
if TYPE_CHECKING:
    from loudong.groups.planning.milp import Model

__all__ = ["Alternative", "Infeasible", "Policy", "PlanError", "Stairwell", "Timeout", "evaluate", "solve"]


# Presolve off: on this model it costs more than it saves (measured with benchmarks/plan_city.py).
# Local-search perturbations before the MILP: 8 gave the least total time (vs 2 and 24, measured
# with benchmarks/plan_city.py communities); the MILP does the rest.
SEARCH_ROUNDS = 8
HIGHS_OPTIONS = {"mip_rel_gap": 0.0, "presolve": False, "threads": 1}


class PlanError(ValueError):
    """Input the engine cannot plan from; the message is Chinese and meant for people."""


class Timeout(Exception):  # noqa: N818
    pass


@dataclass(frozen=True)
class Stairwell:
    id: str
    households: int
    members: int
    x: float
    y: float
    label: str = ""  # how people name it ("环城北路93号1单元"); the id when empty

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Policy:
    min_members: int = 5
    max_members: int = 15
    group_cost: float = 3000

    def __post_init__(self) -> None:
        if self.min_members < 0 or self.max_members < 1:
            raise PlanError("每组最少党员人数不能为负数，最多人数至少为 1 人")
        if self.min_members > self.max_members:
            raise PlanError(f"每组最少党员人数（{self.min_members}）大于最多人数（{self.max_members}）")
        if self.group_cost < 0 or not math.isfinite(self.group_cost):
            raise PlanError("每个党小组的固定成本不能为负数")


@dataclass
class Group:
    venue: str
    stairwells: list[str]
    members: int
    households: int
    cost: float  # group_cost plus households × metres of its stairwells

    def to_json(self) -> dict:
        return {"venue": self.venue, "stairwells": self.stairwells, "members": self.members,
                "households": self.households}  # fmt: skip


@dataclass
class Problem:
    """A broken rule: `kind` for code, `text` for people, `venue` naming the group it concerns."""

    kind: str
    text: str
    venue: str | None = None


@dataclass
class Evaluation:
    groups: list[Group]
    objective: float
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class Plan:
    groups: list[Group]
    objective: float
    gap: float  # relative optimality gap; 0.0 when proven optimal
    optimal: bool

    def to_json(self) -> dict:
        return {"groups": [g.to_json() for g in self.groups], "objective": round(self.objective, 2),
                "gap": self.gap}  # fmt: skip

    def assignment(self) -> dict[str, str]:
        return {s: g.venue for g in self.groups for s in g.stairwells}


def distance(a: Stairwell, b: Stairwell) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def evaluate(stairwells: list[Stairwell], policy: Policy, assignment: dict[str, str]) -> Evaluation:
    """Cost and broken rules of a plan; `assignment` maps each stairwell id to its venue's id."""
    by_id = {s.id: s for s in stairwells}
    served: dict[str, list[Stairwell]] = {}
    for s in stairwells:
        if assignment.get(s.id) in by_id:
            served.setdefault(assignment[s.id], []).append(s)
    groups, problems = [], []
    for venue_id, group_stairwells in served.items():
        venue = by_id[venue_id]
        walking = sum(s.households * distance(s, venue) for s in group_stairwells)
        group = Group(
            venue=venue_id, stairwells=[s.id for s in group_stairwells],
            members=sum(s.members for s in group_stairwells),
            households=sum(s.households for s in group_stairwells), cost=policy.group_cost + walking,
        )  # fmt: skip
        groups.append(group)
        problems += _broken_rules(venue, group, policy, assignment)
    unassigned = [s for s in stairwells if assignment.get(s.id) not in by_id]
    if unassigned:
        names = "、".join(s.name for s in unassigned[:5]) + ("等" if len(unassigned) > 5 else "")
        problems.append(Problem("unassigned", f"{names} {len(unassigned)} 个单元没有分到党小组"))
    return Evaluation(groups, sum(g.cost for g in groups), problems)


def _broken_rules(venue: Stairwell, group: Group, policy: Policy, assignment: dict[str, str]) -> list[Problem]:
    problems = []
    if venue.members < 1:
        problems.append(Problem("venue_without_member", f"{venue.name}没有党员居住，不能设红色议事厅", venue.id))
    if assignment.get(venue.id) != venue.id:
        problems.append(Problem("venue_elsewhere", f"{venue.name}（议事厅所在单元）已划给别的党小组", venue.id))
    if group.members < policy.min_members:
        problems.append(Problem("below_min", f"议事厅在{venue.name}的党小组只有 {group.members} 名党员，"
                                             f"少于最少 {policy.min_members} 人", venue.id))  # fmt: skip
    if group.members > policy.max_members:
        problems.append(Problem("above_max", f"议事厅在{venue.name}的党小组有 {group.members} 名党员，"
                                             f"超过最多 {policy.max_members} 人", venue.id))  # fmt: skip
    return problems


def check(stairwells: list[Stairwell]) -> None:
    seen: set[str] = set()
    for s in stairwells:
        if s.id in seen:
            raise PlanError(f"单元编号重复：{s.id}")
        seen.add(s.id)
        if s.households < 0 or s.members < 0:
            raise PlanError(f"{s.name}的户数和党员人数不能为负数")
        if not (math.isfinite(s.x) and math.isfinite(s.y)):
            raise PlanError(f"{s.name}的坐标不是有效数字")


def solve(stairwells: list[Stairwell], policy: Policy, *, time_limit: float | None = None) -> Plan:
    """The least-cost valid plan. Raises Infeasible (with alternatives), Timeout or PlanError."""
    import numpy as np  # see the imports above
    from scipy.optimize import Bounds, milp

    from loudong.groups.planning.heuristic import LocalSearch
    from loudong.groups.planning.milp import Model

    started = time.monotonic()
    check(stairwells)
    if not stairwells:
        return Plan([], 0.0, 0.0, True)
    problem = diagnose([s.members for s in stairwells], [s.name for s in stairwells],
                       policy.min_members, policy.max_members)  # fmt: skip
    if problem is not None:
        raise problem
    xy = np.array([[s.x, s.y] for s in stairwells], dtype=float)
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    households = np.array([s.households for s in stairwells], dtype=float)
    members = np.array([s.members for s in stairwells], dtype=int)
    low = max(policy.min_members, 1)

    def plan_of(venue_of: list[int]) -> Evaluation:
        return evaluate(stairwells, policy, {s.id: stairwells[j].id for s, j in zip(stairwells, venue_of, strict=True)})

    found = LocalSearch(dist, households, members, low, policy.max_members, policy.group_cost).run(SEARCH_ROUNDS)
    known = plan_of(found) if found else None
    bound = known.objective if known else math.inf
    model = Model(dist, households, members, low, policy.max_members, policy.group_cost, upper_bound=bound)
    model.prune_by_reduced_cost(bound)
    if known and model.size == 0:  # nothing can beat the known plan
        return Plan(known.groups, known.objective, 0.0, True)
    options: dict = {**HIGHS_OPTIONS}
    if known:
        # A cutoff a hair above the known plan: HiGHS then only looks for plans at least as cheap.
        options["objective_bound"] = bound + 1e-7 * max(1.0, abs(bound))
    if time_limit is not None:
        options["time_limit"] = max(0.05, time_limit - (time.monotonic() - started))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # options scipy does not list reach HiGHS verbatim
        res = milp(model.cost, integrality=np.ones(model.size), bounds=Bounds(0, 1),
                   constraints=model.constraints(), options=options)  # fmt: skip
    return _result(res, model, known, plan_of)


def _result(res: object, model: "Model", known: Evaluation | None, plan_of: object) -> Plan:
    if res.x is not None:
        found = plan_of(model.venue_of(res.x))
        if known is None or found.objective <= known.objective:
            known = found
    if known is None:
        raise Timeout("在时限内没有找到可行的分组方案，请放宽时限后重试。")
    if res.status == 0 or res.status == 2:
        # Optimal, or no plan cheaper than the cutoff exists: the known plan is optimal.
        return Plan(known.groups, known.objective, 0.0, True)
    dual = getattr(res, "mip_dual_bound", None)
    if dual is None or not math.isfinite(dual):
        return Plan(known.groups, known.objective, 1.0, False)
    gap = (known.objective - dual) / max(abs(known.objective), 1e-9)
    return Plan(known.groups, known.objective, float(max(gap, 0.0)), False)
