"""The planning MILP: a capacitated facility-location model with lower and upper group sizes.

y_j ∈ {0,1}   venue j open (only stairwells with a member; y_j = 1 also means j is in its own group)
x_ij ∈ {0,1}  stairwell i served by venue j (i ≠ j)
min  group_cost · Σ y_j + Σ households_i · metres_ij · x_ij
s.t. Σ_j x_ij + y_i = 1                      every stairwell in exactly one group
     x_ij ≤ y_j                              only open venues serve
     min·y_j ≤ m_j y_j + Σ_i m_i x_ij ≤ max·y_j
     ⌈M/max⌉ ≤ Σ_j y_j ≤ ⌊M/min⌋             (valid: M members in all)
"""

import math

import numpy as np
from scipy.optimize import LinearConstraint, linprog
from scipy.sparse import coo_array, vstack


class Model:
    """Index bookkeeping: y_j first (one per candidate venue), then the x_ij pairs kept."""

    def __init__(self, dist: np.ndarray, households: np.ndarray, members: np.ndarray, low: int, high: int,
                 group_cost: float, upper_bound: float = math.inf) -> None:  # fmt: skip
        self.dist, self.households, self.members = dist, households, members
        self.low, self.high, self.group_cost = low, high, float(group_cost)
        n = len(members)
        self.venues = [j for j in range(n) if members[j] > 0]
        self.total = int(members.sum())
        walk = households[:, None] * dist[:, self.venues]  # n × venues
        keep = self._kept_pairs(walk, upper_bound)
        self.pairs = [(int(i), self.venues[v]) for i, v in zip(*np.nonzero(keep), strict=True) if i != self.venues[v]]
        self._index()

    def _index(self) -> None:
        self.size = len(self.venues) + len(self.pairs)
        self.cost = np.concatenate(
            [
                np.full(len(self.venues), self.group_cost),
                np.array([self.households[i] * self.dist[i, j] for i, j in self.pairs], dtype=float),
            ]
        )

    def prune_by_reduced_cost(self, upper_bound: float) -> None:
        """Reduced-cost fixing from the LP relaxation, before HiGHS starts.

        With LP optimum z and reduced costs r ≥ 0 of the variables at zero, every plan costs at
        least z + r_k·x_k; a variable with z + r_k above a known plan's cost is 0 in every optimal
        plan, so it is left out (a venue with it, and every pair into that venue).
        """
        if not math.isfinite(upper_bound) or not self.pairs:
            return
        rows = self.constraints()
        matrix, lower, upper = rows.A.tocsr(), np.asarray(rows.lb), np.asarray(rows.ub)
        equal = lower == upper
        above, below = np.isfinite(upper) & ~equal, np.isfinite(lower) & ~equal
        lp = linprog(self.cost, A_ub=vstack([matrix[above], -matrix[below]]),
                     b_ub=np.concatenate([upper[above], -lower[below]]), A_eq=matrix[equal], b_eq=lower[equal],
                     bounds=(0, 1), method="highs")  # fmt: skip
        if lp.status != 0:
            return
        slack = upper_bound - lp.fun + 1e-7 * max(1.0, abs(upper_bound))
        keep = np.asarray(lp.lower.marginals) <= slack
        nv = len(self.venues)
        open_venues = {j for v, j in enumerate(self.venues) if keep[v]}
        self.pairs = [(i, j) for k, (i, j) in enumerate(self.pairs) if keep[nv + k] and j in open_venues]
        self.venues = [j for j in self.venues if j in open_venues]
        self._index()

    def _kept_pairs(self, walk: np.ndarray, upper_bound: float) -> np.ndarray:
        """Pairs that can appear in an optimal plan, by a bound any plan obeys.

        Every plan costs at least L = group_cost·⌈M/max⌉ + Σ_k c_k, where c_k is the cheapest way
        to serve stairwell k (0 for a stairwell that could be its own venue, else its nearest venue).
        Serving i from j instead adds walk[i, j] − c_i, so when L + walk[i, j] − c_i exceeds the cost
        of a plan already known, no optimal plan serves i from j: the pair is left out.
        """
        if not math.isfinite(upper_bound):
            return np.ones_like(walk, dtype=bool)
        cheapest = walk.min(axis=1)
        cheapest[self.venues] = 0.0
        lower = self.group_cost * -(-self.total // self.high) + cheapest.sum()
        slack = upper_bound - lower + 1e-7 * max(1.0, abs(upper_bound))
        return walk - cheapest[:, None] <= slack

    def constraints(self) -> LinearConstraint:
        n, nv = len(self.members), len(self.venues)
        column = {j: v for v, j in enumerate(self.venues)}
        size_row = {j: n + 2 * v for v, j in enumerate(self.venues)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lower = [1.0] * n + [0.0, -np.inf] * nv
        upper = [1.0] * n + [np.inf, 0.0] * nv

        def entry(r: int, c: int, v: float) -> None:
            rows.append(r)
            cols.append(c)
            vals.append(v)

        for v, j in enumerate(self.venues):
            entry(j, v, 1.0)  # the venue is in its own group
            entry(size_row[j], v, self.members[j] - self.low)
            entry(size_row[j] + 1, v, self.members[j] - self.high)
        r = n + 2 * nv
        for k, (i, j) in enumerate(self.pairs):
            c = nv + k
            entry(i, c, 1.0)
            if self.members[i]:
                entry(size_row[j], c, self.members[i])
                entry(size_row[j] + 1, c, self.members[i])
            entry(r, c, 1.0)
            entry(r, column[j], -1.0)
            lower.append(-np.inf)
            upper.append(0.0)
            r += 1
        for v in range(nv):
            entry(r, v, 1.0)
        lower.append(float(-(-self.total // self.high)))
        upper.append(float(self.total // max(self.low, 1)))
        matrix = coo_array((vals, (rows, cols)), shape=(r + 1, self.size)).tocsr()
        return LinearConstraint(matrix, lower, upper)

    def venue_of(self, x: np.ndarray) -> list[int]:
        """The solution as each stairwell's venue index (its largest x, robust to tolerances)."""
        plan, share = [-1] * len(self.members), [0.0] * len(self.members)
        for v, j in enumerate(self.venues):
            if x[v] > share[j]:
                plan[j], share[j] = j, x[v]
        for k, (i, j) in enumerate(self.pairs):
            if x[len(self.venues) + k] > share[i]:
                plan[i], share[i] = j, x[len(self.venues) + k]
        return plan
