"""Whether any valid plan exists, and if not, why and what would make one possible.

Stairwells without members can join any group and any stairwell with a member can host the venue,
so a plan exists exactly when the stairwells' member counts can be split into groups of
min..max members each: a small partition question, answered before any optimisation.
"""

from collections import Counter
from dataclasses import dataclass


@dataclass
class Alternative:
    kind: str  # "min_members" | "max_members" | "join_neighbour"
    text: str
    value: int | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "value": self.value}


class Infeasible(Exception):  # noqa: N818 - an answer people read, not a programming error
    def __init__(self, explanation: str, alternatives: list[Alternative]) -> None:
        super().__init__(explanation)
        self.explanation = explanation
        self.alternatives = alternatives


def partition_feasible(counts: list[int], low: int, high: int) -> bool:
    """Can the positive `counts` be split into groups whose sums lie in low..high?"""
    items = sorted((c for c in counts if c > 0), reverse=True)
    low = max(low, 1)
    total = sum(items)
    if not items or low > high or total < low or items[0] > high:
        return False
    fewest, most = -(-total // high), total // low
    if fewest > most:
        return False
    if any(_balanced_fits(items, k, low, high) for k in range(fewest, most + 1)):
        return True
    return _exact_partition(Counter(items), low, high, fewest, most)


def _balanced_fits(items: list[int], k: int, low: int, high: int) -> bool:
    """Largest first into the lightest of k groups: usually enough to show a split exists."""
    sums = [0] * k
    for item in items:
        sums[sums.index(min(sums))] += item
    return min(sums) >= low and max(sums) <= high


def _exact_partition(sizes: Counter, low: int, high: int, fewest: int, most: int) -> bool:
    """The same question as a small integer programme: per group slot, how many stairwells of
    each member count it takes, and whether the slot is used (slots fill in order)."""
    import numpy as np  # numpy and scipy load when a plan is checked, not with the pages
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    kinds = sorted(sizes)
    width = len(kinds) + 1
    used = len(kinds)  # offset of the "slot used" variable within a slot
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(row: dict[int, float], lo: float, hi: float) -> None:
        for c, v in row.items():
            rows.append(len(lower))
            cols.append(c)
            vals.append(v)
        lower.append(lo)
        upper.append(hi)

    for t, size in enumerate(kinds):
        add({g * width + t: 1 for g in range(most)}, sizes[size], sizes[size])
    for g in range(most):
        load = {g * width + t: size for t, size in enumerate(kinds)}
        add({**load, g * width + used: -low}, 0, np.inf)
        add({**load, g * width + used: -high}, -np.inf, 0)
        if g + 1 < most:
            add({g * width + used: 1, (g + 1) * width + used: -1}, 0, 1)
        if g < fewest:
            add({g * width + used: 1}, 1, 1)
    size = most * width
    matrix = coo_array((vals, (rows, cols)), shape=(len(lower), size)).tocsr()
    ub = np.tile(np.array([sizes[k] for k in kinds] + [1], dtype=float), most)
    res = milp(np.zeros(size), integrality=np.ones(size), bounds=Bounds(np.zeros(size), ub),
               constraints=LinearConstraint(matrix, lower, upper))  # fmt: skip
    return res.status == 0


def diagnose(counts: list[int], labels: list[str], min_members: int, max_members: int) -> Infeasible | None:
    """None when a plan exists; otherwise why not, with the nearest policies under which one would:
    the largest smaller minimum, the smallest larger maximum, joining a neighbouring community."""
    low, high = max(min_members, 1), max_members
    if not counts or partition_feasible(counts, low, high):
        return None
    total = sum(counts)
    join = Alternative("join_neighbour", "与相邻社区的党小组联合（或请相邻社区的党员一起组建党小组）")
    if total == 0:
        return Infeasible("这些单元里没有住着党员；红色议事厅要设在党员家中，无法组建党小组。", [join])
    alternatives = []
    lowered = next((m for m in range(low - 1, 0, -1) if partition_feasible(counts, m, high)), None)
    if lowered is not None:
        alternatives.append(Alternative("min_members", f"把每组最少党员人数降到 {lowered} 人", lowered))
    raised = next((m for m in range(high + 1, total + 1) if partition_feasible(counts, low, m)), None)
    if raised is not None:
        alternatives.append(Alternative("max_members", f"把每组最多党员人数提高到 {raised} 人", raised))
    biggest = max(range(len(counts)), key=counts.__getitem__)
    if total < low:
        alternatives.append(join)
        explanation = f"全部单元只有 {total} 名党员，少于每个党小组最少 {min_members} 人，组不成一个党小组。"
    elif counts[biggest] > high:
        explanation = (f"{labels[biggest]}住着 {counts[biggest]} 名党员，超过每个党小组最多 {high} 人；"
                       "一个单元只能由一个党小组服务。")  # fmt: skip
    else:
        spread = "、".join(str(c) for c in sorted(counts, reverse=True) if c)
        explanation = (f"共 {total} 名党员，但按单元无法分成每组 {low}–{high} 人的党小组"
                       f"（有党员的单元各住：{spread} 人）。")  # fmt: skip
    return Infeasible(explanation, alternatives)
