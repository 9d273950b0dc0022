"""The planning engine and `loudong plan_groups`: optimal against brute force, valid plans, clear
explanations when no plan exists, and the CLI's JSON contract and exit codes."""

import json
import math
import os
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from loudong.groups.planning.engine import (
    Infeasible,
    PlanError,
    Policy,
    Stairwell,
    distance,
    evaluate,
    solve,
)
from loudong.groups.planning.feasibility import partition_feasible

ROOT = Path(__file__).resolve().parent.parent


# ---- brute force: every partition into groups, each with its best venue ----


def partitions(items: list) -> list[list[list]]:
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    result = []
    for smaller in partitions(rest):
        for k in range(len(smaller)):
            result.append(smaller[:k] + [[first] + smaller[k]] + smaller[k + 1 :])
        result.append([[first]] + smaller)
    return result


def brute_force(stairwells: list[Stairwell], policy: Policy) -> float:
    best = math.inf
    for partition in partitions(stairwells):
        total = 0.0
        for block in partition:
            members = sum(s.members for s in block)
            venues = [v for v in block if v.members > 0]
            if not venues or not policy.min_members <= members <= policy.max_members:
                total = math.inf
                break
            total += policy.group_cost + min(sum(s.households * distance(s, v) for s in block) for v in venues)
        best = min(best, total)
    return best


def random_site(rng: random.Random, n: int) -> list[Stairwell]:
    return [
        Stairwell(
            f"S{i}", rng.randint(0, 40), rng.randint(0, 5), round(rng.uniform(0, 200), 1), round(rng.uniform(0, 200), 1)
        )
        for i in range(n)
    ]


def assert_valid(plan: object, stairwells: list[Stairwell], policy: Policy) -> None:
    served = [s for g in plan.groups for s in g.stairwells]
    assert sorted(served) == sorted(s.id for s in stairwells)  # every stairwell exactly once
    by_id = {s.id: s for s in stairwells}
    for group in plan.groups:
        assert group.venue in group.stairwells
        assert by_id[group.venue].members >= 1
        assert policy.min_members <= group.members <= policy.max_members
        assert group.members == sum(by_id[s].members for s in group.stairwells)
        assert group.households == sum(by_id[s].households for s in group.stairwells)
    check = evaluate(stairwells, policy, plan.assignment())
    assert check.valid and check.objective == pytest.approx(plan.objective)


def test_plans_match_brute_force_on_small_sites():
    rng = random.Random(20240601)
    for _ in range(150):
        stairwells = random_site(rng, rng.randint(1, 7))
        low = rng.randint(0, 6)
        policy = Policy(low, rng.randint(max(low, 1), 10), rng.choice([0, 100, 1000, 3000, 10000]))
        best = brute_force(stairwells, policy)
        if math.isinf(best):
            with pytest.raises(Infeasible):
                solve(stairwells, policy)
            continue
        plan = solve(stairwells, policy)
        assert plan.optimal and plan.gap == 0.0
        assert plan.objective == pytest.approx(best, rel=1e-9, abs=1e-6)
        assert_valid(plan, stairwells, policy)


site = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 5), st.integers(0, 150), st.integers(0, 150)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(site, st.integers(1, 6), st.integers(0, 6), st.sampled_from([0, 500, 3000]))
def test_any_small_site_gets_the_brute_force_optimum(rows, low, spread, group_cost):
    stairwells = [Stairwell(f"S{i}", h, m, float(x), float(y)) for i, (h, m, x, y) in enumerate(rows)]
    policy = Policy(low, low + spread, group_cost)
    best = brute_force(stairwells, policy)
    try:
        plan = solve(stairwells, policy)
    except Infeasible:
        assert math.isinf(best)
        return
    assert plan.objective == pytest.approx(best, rel=1e-9, abs=1e-6)
    assert_valid(plan, stairwells, policy)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=8), st.integers(1, 8), st.integers(0, 6))
def test_partition_check_agrees_with_enumeration(counts, low, spread):
    high = low + spread
    positive = [c for c in counts if c > 0]
    expected = bool(positive) and any(all(low <= sum(block) <= high for block in p) for p in partitions(positive))
    assert partition_feasible(counts, low, high) == expected


def test_a_sixty_stairwell_community_is_solved_to_proven_optimality():
    rng = random.Random(7)
    stairwells = []
    for b in range(15):
        x0, y0 = 20 + (b % 4) * 90, 20 + (b // 4) * 60
        for k in range(4):
            stairwells.append(Stairwell(f"B{b}-{k}", rng.randint(10, 40), rng.choice([0, 0, 1, 1, 2, 3, 4]),
                                        x0 + k * 15, y0 + 12))  # fmt: skip
    policy = Policy(5, 15, 3000)
    plan = solve(stairwells, policy, time_limit=120)
    assert plan.optimal and plan.gap == 0.0
    assert_valid(plan, stairwells, policy)


def test_a_time_limit_returns_a_valid_plan_with_its_gap():
    rng = random.Random(3)
    stairwells = random_site(rng, 60)
    policy = Policy(5, 15, 3000)
    plan = solve(stairwells, policy, time_limit=0.05)
    assert_valid(plan, stairwells, policy)
    assert (plan.optimal and plan.gap == 0.0) or (not plan.optimal and 0.0 <= plan.gap <= 1.0)


def test_too_few_members_suggests_a_lower_minimum_and_joining_a_neighbour():
    stairwells = [Stairwell("A", 20, 2, 0, 0), Stairwell("B", 20, 1, 30, 0), Stairwell("C", 20, 0, 60, 0)]
    with pytest.raises(Infeasible) as caught:
        solve(stairwells, Policy(5, 15, 3000))
    problem = caught.value
    assert "只有 3 名党员" in problem.explanation and "最少 5 人" in problem.explanation
    kinds = {a.kind: a for a in problem.alternatives}
    assert kinds["min_members"].value == 3
    assert "与相邻社区的党小组联合" in kinds["join_neighbour"].text


def test_a_stairwell_above_the_maximum_suggests_raising_it():
    stairwells = [Stairwell("A", 20, 9, 0, 0, label="环城北路93号1单元"), Stairwell("B", 20, 6, 30, 0)]
    with pytest.raises(Infeasible) as caught:
        solve(stairwells, Policy(5, 8, 3000))
    assert "环城北路93号1单元住着 9 名党员" in caught.value.explanation
    assert {a.kind: a.value for a in caught.value.alternatives} == {"max_members": 9}


def test_members_that_cannot_be_split_get_the_nearest_policies_that_work():
    # Three stairwells of 3 members: groups of 4-5 are impossible (3 alone is too few, 6 too many);
    # a maximum of 6 still leaves one stairwell alone, so only 9 (one group) works.
    stairwells = [Stairwell(k, 10, 3, i * 20.0, 0) for i, k in enumerate("ABC")]
    with pytest.raises(Infeasible) as caught:
        solve(stairwells, Policy(4, 5, 3000))
    assert "无法分成每组 4–5 人" in caught.value.explanation
    values = {a.kind: a.value for a in caught.value.alternatives}
    assert values == {"min_members": 3, "max_members": 9}
    assert solve(stairwells, Policy(3, 5, 3000)).groups
    assert solve(stairwells, Policy(4, 9, 3000)).groups
    with pytest.raises(Infeasible):
        solve(stairwells, Policy(4, 8, 3000))


def test_a_site_without_members_cannot_have_a_venue():
    with pytest.raises(Infeasible) as caught:
        solve([Stairwell("A", 20, 0, 0, 0)], Policy(1, 15, 3000))
    assert "红色议事厅要设在党员家中" in caught.value.explanation
    assert [a.kind for a in caught.value.alternatives] == ["join_neighbour"]


def test_evaluating_a_plan_by_hand_names_each_broken_rule():
    stairwells = [Stairwell("A", 10, 3, 0, 0, label="甲1单元"), Stairwell("B", 10, 0, 10, 0, label="甲2单元"),
                  Stairwell("C", 10, 6, 20, 0, label="乙1单元")]  # fmt: skip
    policy = Policy(3, 8, 1000)
    result = evaluate(stairwells, policy, {"A": "A", "B": "B", "C": "A"})
    assert sorted(p.kind for p in result.problems) == ["above_max", "below_min", "venue_without_member"]
    assert any("甲2单元没有党员居住" in p.text for p in result.problems)
    assert result.objective == pytest.approx(2 * 1000 + 10 * 20)
    fixed = evaluate(stairwells, policy, {"A": "A", "B": "A", "C": "C"})
    assert fixed.valid and fixed.objective == pytest.approx(2 * 1000 + 10 * 10)
    venue_moved_away = evaluate(stairwells, policy, {"A": "C", "B": "A", "C": "C"})
    assert "venue_elsewhere" in {p.kind for p in venue_moved_away.problems}
    partial = evaluate(stairwells, policy, {"A": "A", "B": "A"})
    assert {p.kind for p in partial.problems} == {"unassigned"}


def test_bad_engine_input_is_refused_in_chinese():
    with pytest.raises(PlanError, match="最少党员人数（6）大于最多人数（5）"):
        Policy(6, 5, 3000)
    with pytest.raises(PlanError, match="单元编号重复"):
        solve([Stairwell("A", 1, 1, 0, 0), Stairwell("A", 1, 1, 0, 0)], Policy(1, 5, 10))
    with pytest.raises(PlanError, match="不能为负数"):
        solve([Stairwell("A", -1, 1, 0, 0)], Policy(1, 5, 10))


# ---- the CLI ----

PLAN = {
    "policy": {"min_members": 5, "max_members": 15, "group_cost": 3000},
    "buildings": [
        {"id": "B1", "name": "环城北路93号", "stairwells": [
            {"id": "B1-1", "households": 24, "members": 3, "x": 12.0, "y": 40.5},
            {"id": "B1-2", "households": 20, "members": 3, "x": 30.0, "y": 40.5}]},
        {"id": "B2", "name": "学宫巷3号", "stairwells": [
            {"id": "B2-1", "households": 18, "members": 4, "x": 400.0, "y": 40.5},
            {"id": "B2-2", "households": 22, "members": 2, "x": 418.0, "y": 40.5}]},
    ],
}  # fmt: skip


def run_command(tmp_path: Path, data: object, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "plan.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("plan_groups", "--input", str(path), *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_cli_prints_the_optimal_plan_as_json(tmp_path):
    code, out, _ = run_command(tmp_path, PLAN, "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"groups", "objective", "gap"}
    assert result["gap"] == 0.0
    groups = sorted(result["groups"], key=lambda g: g["venue"])
    assert [set(g) for g in groups] == [{"venue", "stairwells", "members", "households"}] * 2
    assert groups[0] == {"venue": "B1-1", "stairwells": ["B1-1", "B1-2"], "members": 6, "households": 44}
    assert groups[1]["stairwells"] == ["B2-1", "B2-2"] and groups[1]["members"] == 6
    assert groups[1]["venue"] == "B2-2"  # the bigger stairwell (22 households) need not walk
    assert result["objective"] == pytest.approx(2 * 3000 + 20 * 18 + 18 * 18, abs=0.01)


def test_cli_prints_a_readable_chinese_summary(tmp_path):
    code, out, _ = run_command(tmp_path, PLAN)
    assert code == 0
    assert "共 2 个党小组" in out and "已证明最优" in out
    assert "红色议事厅：环城北路93号 B1-1" in out and "服务单元：B1-1、B1-2" in out


def test_cli_checks_a_given_assignment_and_names_broken_rules(tmp_path):
    data = json.loads(json.dumps(PLAN))
    data["policy"]["max_members"] = 10
    data["assignment"] = {"B1-1": "B1-1", "B1-2": "B1-1", "B2-1": "B1-1", "B2-2": "B1-1"}
    code, out, _ = run_command(tmp_path, data, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["gap"] is None and len(result["groups"]) == 1 and result["groups"][0]["members"] == 12
    assert result["problems"] == ["议事厅在环城北路93号 B1-1的党小组有 12 名党员，超过最多 10 人"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("buildings"), "缺少 buildings"),
        (lambda d: d["buildings"][0]["stairwells"][0].pop("households"), "单元 B1-1缺少 households（户数）"),
        (lambda d: d["buildings"][0]["stairwells"][0].update(members=-1), "members（党员人数）不能为负数"),
        (lambda d: d["buildings"][0]["stairwells"][0].update(households=2.5), "households（户数）应是整数"),
        (lambda d: d["buildings"][0]["stairwells"][0].update(x="东"), "x（坐标，米）应是数字"),
        (lambda d: d["buildings"][1]["stairwells"][0].update(id="B1-1"), "单元编号重复：B1-1"),
        (lambda d: d["buildings"][1].update(id="B1"), "楼栋编号重复：B1"),
        (lambda d: d["policy"].update(min_members=-3), "不能为负数"),
        (lambda d: d["policy"].update(min_members=20), "大于最多人数"),
        (lambda d: d.update(assignment={"B9-9": "B1-1"}), "单元编号 B9-9 不在 buildings 里"),
        (lambda d: d.update(assignment={"B1-1": "X"}), "议事厅单元编号 X 不在 buildings 里"),
        (lambda d: d["buildings"][0]["stairwells"][0].update(househods=3), "不认识的字段：househods"),
    ],
)
def test_cli_rejects_bad_input_with_exit_code_2(tmp_path, change, message):
    data = json.loads(json.dumps(PLAN))
    change(data)
    code, out, err = run_command(tmp_path, data, "--json")
    assert code == 2
    assert message in err and out == ""


def test_cli_rejects_broken_json_and_missing_files(tmp_path):
    code, _, err = run_command(tmp_path, "{not json")
    assert code == 2 and "不是有效的 JSON" in err
    err_stream = StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command("plan_groups", "--input", str(tmp_path / "none.json"), stderr=err_stream)
    assert stop.value.code == 2 and "找不到文件" in err_stream.getvalue()


def test_cli_explains_an_infeasible_policy_with_exit_code_2(tmp_path):
    data = json.loads(json.dumps(PLAN))
    data["policy"]["min_members"] = 13
    code, out, err = run_command(tmp_path, data)
    assert code == 2 and out == ""
    assert "无法按当前规定组建党小组" in err and "共 12 名党员" not in err
    assert "只有 12 名党员" in err and "把每组最少党员人数降到 12 人" in err and "与相邻社区的党小组联合" in err


def test_the_installed_command_reads_stdin_and_exits_2_on_errors(tmp_path):
    env = {**os.environ, "LOUDONG_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    loudong = [sys.executable, "-m", "config.manage", "plan_groups"]
    ok = subprocess.run([*loudong, "--input", "-", "--json"], input=json.dumps(PLAN), capture_output=True,
                        text=True, env=env, cwd=ROOT, timeout=120)  # fmt: skip
    assert ok.returncode == 0 and json.loads(ok.stdout)["gap"] == 0.0
    bad = subprocess.run(loudong, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "请用 --input 指定方案文件" in bad.stderr
