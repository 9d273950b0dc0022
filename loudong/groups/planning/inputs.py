"""PLAN.json for `loudong plan_groups`: read and check it, with Chinese messages naming the field.

    {"policy": {"min_members": 5, "max_members": 15, "group_cost": 3000},
     "buildings": [{"id": "B1", "name": "环城北路93号",
                    "stairwells": [{"id": "B1-1", "households": 24, "members": 3, "x": 12.0, "y": 40.5}]}],
     "assignment": {"B1-1": "B1-1"}}

`policy` may be left out (the defaults apply) and so may any of its keys. `assignment` is optional:
with it the command checks and prices that plan (stairwell id -> its venue's id) instead of solving.
"""

import math
from dataclasses import dataclass

from loudong.groups.planning.engine import PlanError, Policy, Stairwell

POLICY_KEYS = {"min_members": "每组最少党员人数", "max_members": "每组最多党员人数", "group_cost": "每组固定成本"}
STAIRWELL_KEYS = {"id": "编号", "households": "户数", "members": "党员人数", "x": "横坐标 x", "y": "纵坐标 y"}


@dataclass
class PlanInput:
    policy: Policy
    stairwells: list[Stairwell]
    buildings: dict[str, str]  # stairwell id -> building name
    assignment: dict[str, str] | None = None


def read_plan(data: object) -> PlanInput:
    """Check the parsed JSON; raises PlanError with a message saying what is wrong and where."""
    if not isinstance(data, dict):
        raise PlanError("输入应是一个 JSON 对象，包含 policy 和 buildings")
    unknown = set(data) - {"policy", "buildings", "assignment"}
    if unknown:
        raise PlanError(f"不认识的字段：{'、'.join(sorted(unknown))}（只能有 policy、buildings、assignment）")
    policy = _policy(data.get("policy", {}))
    if "buildings" not in data:
        raise PlanError("缺少 buildings（楼栋列表）")
    buildings = data["buildings"]
    if not isinstance(buildings, list):
        raise PlanError("buildings 应是楼栋列表")
    stairwells: list[Stairwell] = []
    names: dict[str, str] = {}
    building_ids: set[str] = set()
    for b, building in enumerate(buildings):
        where = f"buildings 第 {b + 1} 个楼栋"
        if not isinstance(building, dict):
            raise PlanError(f"{where}应是一个对象")
        bid = _text(building, "id", where, "楼栋编号")
        where = f"楼栋 {bid}"
        if bid in building_ids:
            raise PlanError(f"楼栋编号重复：{bid}")
        building_ids.add(bid)
        name = building.get("name", bid)
        if not isinstance(name, str):
            raise PlanError(f"{where}的 name（楼栋名称）应是文字")
        if "stairwells" not in building or not isinstance(building["stairwells"], list):
            raise PlanError(f"{where}缺少 stairwells（单元列表）")
        for k, raw in enumerate(building["stairwells"]):
            stairwell = _stairwell(raw, f"{where}第 {k + 1} 个单元", name or bid)
            if stairwell.id in names:
                first = names[stairwell.id]
                raise PlanError(f"单元编号重复：{stairwell.id}（楼栋 {first} 和 {name or bid} 中都有）")
            names[stairwell.id] = name or bid
            stairwells.append(stairwell)
    assignment = _assignment(data["assignment"], names) if "assignment" in data else None
    return PlanInput(policy, stairwells, names, assignment)


def _policy(raw: object) -> Policy:
    if not isinstance(raw, dict):
        raise PlanError('policy 应是一个对象，例如 {"min_members": 5, "max_members": 15, "group_cost": 3000}')
    unknown = set(raw) - set(POLICY_KEYS)
    if unknown:
        raise PlanError(f"policy 中不认识的字段：{'、'.join(sorted(unknown))}")
    values = {}
    for key, label in POLICY_KEYS.items():
        if key in raw:
            number = raw[key] if key == "group_cost" else _integer(raw[key], f"policy 的 {key}（{label}）")
            if key == "group_cost" and not _is_number(number):
                raise PlanError(f"policy 的 group_cost（{label}）应是数字")
            if number < 0:
                raise PlanError(f"policy 的 {key}（{label}）不能为负数")
            values[key] = number
    return Policy(**values)


def _stairwell(raw: object, where: str, building: str) -> Stairwell:
    if not isinstance(raw, dict):
        raise PlanError(f"{where}应是一个对象")
    missing = [f"{k}（{label}）" for k, label in STAIRWELL_KEYS.items() if k not in raw]
    sid = raw.get("id")
    if isinstance(sid, str) and sid:
        where = f"单元 {sid}"
    if missing:
        raise PlanError(f"{where}缺少 {'、'.join(missing)}")
    unknown = set(raw) - set(STAIRWELL_KEYS)
    if unknown:
        raise PlanError(f"{where}中不认识的字段：{'、'.join(sorted(unknown))}")
    sid = _text(raw, "id", where, "单元编号")
    households = _integer(raw["households"], f"{where}的 households（户数）")
    members = _integer(raw["members"], f"{where}的 members（党员人数）")
    for value, key, label in ((households, "households", "户数"), (members, "members", "党员人数")):
        if value < 0:
            raise PlanError(f"{where}的 {key}（{label}）不能为负数：{value}")
    x, y = raw["x"], raw["y"]
    for value, key in ((x, "x"), (y, "y")):
        if not _is_number(value) or not math.isfinite(value):
            raise PlanError(f"{where}的 {key}（坐标，米）应是数字")
    return Stairwell(sid, households, members, float(x), float(y), label=f"{building} {sid}")


def _assignment(raw: object, known: dict[str, str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise PlanError("assignment 应是对象：单元编号 → 议事厅所在单元编号")
    for stairwell, venue in raw.items():
        if stairwell not in known:
            raise PlanError(f"assignment 中的单元编号 {stairwell} 不在 buildings 里")
        if not isinstance(venue, str) or venue not in known:
            raise PlanError(f"assignment 中 {stairwell} 的议事厅单元编号 {venue} 不在 buildings 里")
    missing = [s for s in known if s not in raw]
    if missing:
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise PlanError(f"assignment 没有给出 {len(missing)} 个单元的党小组：{shown}")
    return dict(raw)


def _text(raw: dict, key: str, where: str, label: str) -> str:
    value = raw.get(key)
    if value is None:
        raise PlanError(f"{where}缺少 {key}（{label}）")
    if not isinstance(value, str) or not value.strip():
        raise PlanError(f"{where}的 {key}（{label}）应是非空文字")
    return value.strip()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer(value: object, what: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PlanError(f"{what}应是整数，现在是 {value!r}")
    return value
