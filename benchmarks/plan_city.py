"""City-scale group planning: many synthetic communities, each solved exactly, community by community.

    .venv/bin/python benchmarks/plan_city.py [--communities 2000] [--stairwells 60] [--workers 2]
                                             [--time-limit SECONDS] [--seed 1] [--uniform-members]

Each community is a site of about 400 × 300 metres with buildings in clustered blocks (rows of
slab buildings along a few lanes), 2–6 stairwells per building with their doors on the south
face, 10–40 households and 0–4 resident party members per stairwell (most 0–2: about 85 members a
community, as PRODUCT.md describes; --uniform-members makes 0–4 equally likely, about 120). The
policy is the default (5–15 members a group, group cost 3000). The engine is the one behind the planner page and
`loudong plan_groups`; no database is involved. Prints the total wall time, per-community solve
time (p50, p90, max), how many were proven optimal, and the gap on one 60-stairwell community.
"""

import argparse
import math
import random
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loudong.groups.planning.engine import Infeasible, Policy, Stairwell, solve  # noqa: E402

POLICY = Policy(min_members=5, max_members=15, group_cost=3000)
# Party members living in a stairwell: 0–4, most stairwells 0–2, about 1.4 on average, so a
# 60-stairwell community has the 80–90 members PRODUCT.md describes ("under a hundred").
MEMBERS = [0, 1, 2, 3, 4]
MEMBER_WEIGHTS = [0.3, 0.3, 0.2, 0.12, 0.08]


def community(seed: int, size: int, weights: list[float] = MEMBER_WEIGHTS) -> list[Stairwell]:
    """`size` stairwells in slab buildings laid out in rows, the rows grouped into 2–4 compounds."""
    rng = random.Random(seed)
    compounds = [(rng.uniform(0, 120) + 160 * k, rng.uniform(0, 80) + 90 * (k % 2)) for k in range(rng.randint(2, 4))]
    cursor = {k: [0.0, 0] for k in range(len(compounds))}  # per compound: x along the current row, row
    stairwells: list[Stairwell] = []
    number = 0
    while len(stairwells) < size:
        number += 1
        k = rng.randrange(len(compounds))
        flats = rng.choice([2, 2, 3, 4])
        count = min(rng.randint(2, 6), size - len(stairwells))
        width, depth = count * flats * 5 + 2, (12 if flats <= 2 else 14)
        if cursor[k][0] + width > 130:  # a compound's rows are about 130 m long
            cursor[k] = [0.0, cursor[k][1] + 1]
        x0 = compounds[k][0] + cursor[k][0]
        y0 = compounds[k][1] + cursor[k][1] * rng.uniform(26, 32)
        cursor[k][0] += width + rng.uniform(8, 16)
        for n in range(count):
            stairwells.append(Stairwell(
                id=f"B{number}-{n + 1}", label=f"{number}栋{n + 1}单元",
                households=rng.randint(10, 40), members=rng.choices(MEMBERS, weights)[0],
                x=round(x0 + (n + 0.5) * (width - 2) / count, 1), y=round(y0 + depth, 1),
            ))  # fmt: skip
    return stairwells


def run_one(args: tuple[int, int, float | None, list[float]]) -> tuple[int, float, float, bool, str]:
    seed, size, limit, weights = args
    sites = community(seed, size, weights)
    start = time.perf_counter()
    try:
        plan = solve(sites, POLICY, time_limit=limit)
    except Infeasible as problem:
        return seed, time.perf_counter() - start, math.nan, False, problem.explanation
    return seed, time.perf_counter() - start, plan.gap, plan.optimal, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--stairwells", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=None, help="per community, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--uniform-members",
        action="store_true",
        help="0–4 members equally likely (2 a stairwell, 120 in a community): a harder what-if",
    )
    options = parser.parse_args()
    weights = [1.0] * len(MEMBERS) if options.uniform_members else MEMBER_WEIGHTS

    jobs = [
        (options.seed * 1_000_003 + k, options.stairwells, options.time_limit, weights)
        for k in range(options.communities)
    ]
    start = time.perf_counter()
    if options.workers > 1:
        with Pool(options.workers) as pool:
            results = pool.map(run_one, jobs, chunksize=4)
    else:
        results = [run_one(job) for job in jobs]
    wall = time.perf_counter() - start

    times = sorted(r[1] for r in results)
    infeasible = [r for r in results if r[4]]
    unproven = [r for r in results if not r[4] and not r[3]]
    members = statistics.mean(sum(s.members for s in community(job[0], job[1], weights)) for job in jobs[:200])
    print(
        f"社区 {len(results)} 个，每个 {options.stairwells} 个单元（平均 {members:.0f} 名党员），"
        f"{options.workers} 个进程"
    )
    print(f"总耗时 {wall:.1f} 秒（平均每个社区 {wall / len(results) * options.workers:.3f} 秒·进程）")
    print(
        f"单个社区求解：中位数 {statistics.median(times):.3f} 秒，"
        f"p90 {times[int(0.9 * (len(times) - 1))]:.3f} 秒，最长 {times[-1]:.3f} 秒"
    )
    print(
        f"证明最优 {len(results) - len(infeasible) - len(unproven)} 个，未证明最优 {len(unproven)} 个，"
        f"无可行方案 {len(infeasible)} 个"
    )
    if unproven:
        gaps = [r[2] for r in unproven]
        print(f"未证明最优的间隙：平均 {statistics.mean(gaps):.4%}，最大 {max(gaps):.4%}")
    sample = community(options.seed, 60, weights)
    start = time.perf_counter()
    plan = solve(sample, POLICY, time_limit=options.time_limit)
    print(
        f"60 单元样例社区：{len(plan.groups)} 个党小组，目标值 {plan.objective:.1f}，"
        f"最优性间隙 {plan.gap:.4%}，{'已证明最优' if plan.optimal else '未证明最优'}，"
        f"用时 {time.perf_counter() - start:.3f} 秒"
    )


if __name__ == "__main__":
    main()
