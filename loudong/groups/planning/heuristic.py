"""A good valid plan found quickly, by local search; it only gives the MILP a cutoff.

HiGHS proves optimality much sooner when it knows from the start a plan close to the best (it fixes
variables by reduced cost and prunes the search tree with it). Nothing here decides the answer:
the MILP still searches every plan cheaper than this one.
"""

import random

import numpy as np

PENALTY = 1e5  # per member outside a group's limits, while repairing


class LocalSearch:
    """Plans as `venue_of[i]` (the stairwell index of i's venue); the cost is penalised while a
    group breaks the member limits, so a search can pass through invalid plans and repair them."""

    def __init__(self, dist: np.ndarray, households: np.ndarray, members: np.ndarray, low: int, high: int,
                 group_cost: float, seed: int = 0) -> None:  # fmt: skip
        # Plain lists: indexing them is several times faster than numpy scalars in these loops.
        self.dist = dist.tolist()
        self.walk = (households[:, None] * dist).tolist()  # households of i × metres from i to j
        self.members = [int(m) for m in members]
        self.low, self.high, self.group_cost = low, high, float(group_cost)
        self.n = len(self.members)
        self.candidates = [j for j in range(self.n) if self.members[j] > 0]
        self.rng = random.Random(seed)

    # -- cost of a plan --
    def _excess(self, load: int) -> int:
        return max(self.low - load, 0) + max(load - self.high, 0)

    def cost(self, venue_of: list[int]) -> float:
        loads: dict[int, int] = {}
        total = 0.0
        for i, j in enumerate(venue_of):
            total += self.walk[i][j]
            loads[j] = loads.get(j, 0) + self.members[i]
        return total + sum(self.group_cost + PENALTY * self._excess(load) for load in loads.values())

    def valid(self, venue_of: list[int]) -> bool:
        loads: dict[int, int] = {}
        for i, j in enumerate(venue_of):
            loads[j] = loads.get(j, 0) + self.members[i]
        return all(venue_of[j] == j and self.low <= load <= self.high for j, load in loads.items())

    # -- construction --
    def start(self, venues: list[int]) -> list[int]:
        """Everyone to the nearest of `venues` (each venue to itself)."""
        chosen = set(venues)
        return [i if i in chosen else min(venues, key=lambda j: self.walk[i][j]) for i in range(self.n)]

    def initial_venues(self, count: int) -> list[int]:
        """`count` venues spread out: the stairwell with most members, then each farthest from the rest."""
        venues = [max(self.candidates, key=lambda j: (self.members[j], -j))]
        while len(venues) < count:
            venues.append(
                max((j for j in self.candidates if j not in venues), key=lambda j: min(self.dist[j][v] for v in venues))
            )
        return venues

    # -- improvement --
    def improve(self, venue_of: list[int]) -> list[int]:
        venue_of = list(venue_of)
        loads = self._loads(venue_of)
        improved = True
        while improved:
            improved = False
            improved |= self._reassign(venue_of, loads)
            improved |= self._swap(venue_of, loads)
            improved |= self._move_venues(venue_of, loads)
            improved |= self._close_groups(venue_of, loads)
        return venue_of

    def _loads(self, venue_of: list[int]) -> dict[int, int]:
        loads: dict[int, int] = {}
        for i, j in enumerate(venue_of):
            loads[j] = loads.get(j, 0) + self.members[i]
        return loads

    def _penalty(self, load: int) -> float:
        return PENALTY * (self.low - load if load < self.low else load - self.high if load > self.high else 0)

    def _reassign(self, venue_of: list[int], loads: dict[int, int]) -> bool:
        changed, walk, members, pen = False, self.walk, self.members, self._penalty
        broken = any(pen(load) for load in loads.values())
        for i in range(self.n):
            here = venue_of[i]
            if here == i:
                continue
            m, row = members[i], walk[i]
            leave = pen(loads[here] - m) - pen(loads[here]) if m else 0.0
            best, best_gain = here, 1e-9
            base = row[here] - leave
            for j, load in loads.items():
                if j == here:
                    continue
                gain = base - row[j]
                # While every group keeps the limits, penalties can only rise: no need to count them.
                if m and (gain > best_gain or broken):
                    gain -= pen(load + m) - pen(load)
                if gain > best_gain:
                    best, best_gain = j, gain
            if best != here:
                venue_of[i] = best
                loads[here] -= m
                loads[best] += m
                changed = True
        return changed

    def _swap(self, venue_of: list[int], loads: dict[int, int]) -> bool:
        changed, walk, members, pen = False, self.walk, self.members, self._penalty
        movable = [i for i in range(self.n) if venue_of[i] != i]
        # While every group keeps the limits, a swap that does not shorten walks cannot pay.
        broken = any(pen(load) for load in loads.values())
        for a_pos, a in enumerate(movable):
            for b in movable[a_pos + 1 :]:
                ja, jb = venue_of[a], venue_of[b]
                if ja == jb:
                    continue
                gain = walk[a][ja] + walk[b][jb] - walk[a][jb] - walk[b][ja]
                d = members[b] - members[a]
                if d and (gain > 1e-9 or broken):
                    gain -= (pen(loads[ja] + d) - pen(loads[ja])) + (pen(loads[jb] - d) - pen(loads[jb]))
                if gain > 1e-9:
                    venue_of[a], venue_of[b] = jb, ja
                    loads[ja] += d
                    loads[jb] -= d
                    changed = True
        return changed

    def _move_venues(self, venue_of: list[int], loads: dict[int, int]) -> bool:
        """Within a group, put the venue where the group walks least."""
        changed = False
        for j in list(loads):
            group = [i for i in range(self.n) if venue_of[i] == j]
            walking = {k: sum(self.walk[i][k] for i in group) for k in group if self.members[k] > 0}
            best = min(walking, key=walking.__getitem__)
            if walking[best] < walking[j] - 1e-9:
                for i in group:
                    venue_of[i] = best
                loads[best] = loads.pop(j)
                changed = True
        return changed

    def _close_groups(self, venue_of: list[int], loads: dict[int, int]) -> bool:
        """Close a group when sending its stairwells to their nearest other groups costs less."""
        if len(loads) < 2:
            return False
        pen = self._penalty
        for j in list(loads):
            others = [k for k in loads if k != j]
            moved = {i: min(others, key=self.walk[i].__getitem__) for i in range(self.n) if venue_of[i] == j}
            extra = dict.fromkeys(others, 0)
            for i, k in moved.items():
                extra[k] += self.members[i]
            change = -self.group_cost - pen(loads[j]) + sum(self.walk[i][k] - self.walk[i][j] for i, k in moved.items())
            change += sum(pen(loads[k] + extra[k]) - pen(loads[k]) for k in others)
            if change < -1e-9:
                for i, k in moved.items():
                    venue_of[i] = k
                del loads[j]
                for k in others:
                    loads[k] += extra[k]
                return True
        return False

    def _open_group(self, venue_of: list[int]) -> list[int]:
        """A random member stairwell becomes a venue and takes the stairwells nearer to it."""
        closed = [c for c in self.candidates if venue_of[c] != c]
        if not closed:
            return venue_of
        k = self.rng.choice(closed)
        return [k if i == k or self.walk[i][k] < self.walk[i][v] else v for i, v in enumerate(venue_of)]

    def _close_group(self, venue_of: list[int]) -> list[int]:
        """A random group closes; its stairwells go to their nearest other venues."""
        venues = sorted(set(venue_of))
        if len(venues) < 2:
            return venue_of
        j = self.rng.choice(venues)
        others = [k for k in venues if k != j]
        return [min(others, key=self.walk[i].__getitem__) if v == j else v for i, v in enumerate(venue_of)]

    def _kick(self, venue_of: list[int]) -> list[int]:
        """A few stairwells move to the nearest venue other than their own."""
        plan = list(venue_of)
        venues = sorted(set(plan))
        if len(venues) < 2:
            return plan
        for i in self.rng.sample(range(self.n), min(3, self.n)):
            if plan[i] != i:
                plan[i] = min((k for k in venues if k != plan[i]), key=self.walk[i].__getitem__)
        return plan

    def run(self, rounds: int = 8) -> list[int] | None:
        """The best valid plan found from a few starts, each followed by `rounds` perturbations
        (a new group opened, a group closed, or a few stairwells kicked) and repairs; or None."""
        total = sum(self.members)
        fewest = max(1, -(-total // self.high))
        best, best_cost = None, float("inf")
        moves = [self._open_group, self._open_group, self._close_group, self._kick]
        for count in range(fewest, min(fewest + 2, len(self.candidates)) + 1):
            plan = self.improve(self.start(self.initial_venues(count)))
            for r in range(rounds + 1):
                if self.valid(plan) and self.cost(plan) < best_cost - 1e-9:
                    best, best_cost = list(plan), self.cost(plan)
                if r < rounds:
                    plan = self.improve(moves[r % len(moves)](best or plan))
        return best
