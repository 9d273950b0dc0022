"""What-if group planning from a file: the planner page's engine, without the database.

    loudong plan_groups --input PLAN.json [--json] [--time-limit SECONDS]

PLAN.json is described in loudong/groups/planning/inputs.py. Prints the least-cost plan (or, with
an "assignment" in the file, the cost and broken rules of that plan). Bad input and policies no
plan can meet are explained in Chinese on stderr, with exit code 2.
"""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand

from loudong.groups.planning.engine import Evaluation, Infeasible, Plan, PlanError, Timeout, evaluate, solve
from loudong.groups.planning.inputs import PlanInput, read_plan


class Command(BaseCommand):
    help = "按楼栋、单元的户数、党员人数和位置，计算成本最低的党小组划分方案（或核算给定方案）"
    requires_system_checks: list = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Checked in handle() rather than by argparse, so that mistakes are explained in Chinese.
        parser.add_argument("--input", help="方案输入文件（JSON），- 表示从标准输入读取")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--time-limit", help="求解时限（秒），到时给出当前最好方案和最优性间隙")

    def handle(self, *args: object, **options: object) -> None:
        try:
            plan_input = self._read(options["input"])
            limit = self._limit(options["time_limit"])
            if plan_input.assignment is not None:
                self._show_evaluation(plan_input, evaluate(plan_input.stairwells, plan_input.policy,
                                                           plan_input.assignment), options["json"])  # fmt: skip
                return
            plan = solve(plan_input.stairwells, plan_input.policy, time_limit=limit)
        except PlanError as error:
            self._fail(f"输入有误：{error}")
        except Infeasible as problem:
            lines = [f"无法按当前规定组建党小组：{problem.explanation}"]
            if problem.alternatives:
                lines += ["可以考虑："] + [f"  · {a.text}" for a in problem.alternatives]
            self._fail("\n".join(lines))
        except Timeout as error:
            self._fail(str(error))
        self._show_plan(plan_input, plan, options["json"])

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def _read(self, path: object) -> PlanInput:
        if not path:
            raise PlanError("请用 --input 指定方案文件，例如：loudong plan_groups --input PLAN.json")
        try:
            text = sys.stdin.read() if path == "-" else Path(str(path)).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PlanError(f"找不到文件：{path}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise PlanError(f"无法读取文件 {path}：{error}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise PlanError(f"文件不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列）") from None
        return read_plan(data)

    def _limit(self, raw: object) -> float | None:
        if raw is None:
            return None
        try:
            limit = float(str(raw))
        except ValueError:
            raise PlanError(f"--time-limit 应是秒数，现在是 {raw}") from None
        if not limit > 0:
            raise PlanError("--time-limit 应大于 0 秒")
        return limit

    def _show_plan(self, plan_input: PlanInput, plan: Plan, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
            return
        state = "已证明最优" if plan.optimal else f"未证明最优，最优性间隙 {plan.gap:.2%}"
        self.stdout.write(f"共 {len(plan.groups)} 个党小组，总成本 {plan.objective:,.1f}（{state}）")
        self._show_groups(plan_input, plan.groups)

    def _show_evaluation(self, plan_input: PlanInput, result: Evaluation, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({
                "groups": [g.to_json() for g in result.groups], "objective": round(result.objective, 2),
                "gap": None, "problems": [p.text for p in result.problems],
            }, ensure_ascii=False, indent=2))  # fmt: skip
            return
        self.stdout.write(f"给定方案：共 {len(result.groups)} 个党小组，总成本 {result.objective:,.1f}")
        self._show_groups(plan_input, result.groups)
        if result.problems:
            self.stdout.write("不符合规定之处：")
            for problem in result.problems:
                self.stdout.write(f"  · {problem.text}")
        else:
            self.stdout.write("方案符合各项规定。")

    def _show_groups(self, plan_input: PlanInput, groups: list) -> None:
        for number, group in enumerate(groups, 1):
            self.stdout.write(
                f"{number}. 红色议事厅：{plan_input.buildings[group.venue]} {group.venue}；"
                f"党员 {group.members} 人，{group.households} 户，成本 {group.cost:,.1f}"
            )
            self.stdout.write(f"   服务单元：{'、'.join(group.stairwells)}")
