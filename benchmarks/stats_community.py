"""Figures and work reports on SQLite for one community's five years of requests.

    .venv/bin/python benchmarks/stats_community.py [--requests 200000] [--years 5] [--repeats 20] [--reuse]

A data directory in /tmp/ld-bench-community (kept with --reuse, rebuilt otherwise): migrate, one
community of 36 buildings (3 stairwells each, 21 households a stairwell), 9 building groups (a few
stairwells left without a group, as in life) with 72 members, then the requests of five years loaded
with plain INSERTs, every column set the way the actions in loudong.tickets.actions would have left it
(dispatched, taken, resolved online or offline, confirmed and rated, reopened, closed unrated,
rejected, merged, escalated, late, still open and overdue), with their timeline events.

Then it counts the tallies of the finished requests (`loudong stats_rebuild`, timed) and prints
the dashboard's latency (`loudong.stats.compute.figures`, p50/p95 over repeated calls) for a group
and the community, for the last year and the last month and for a year and a month cut mid-month
(last_periods), and the time to build the work report as .docx and .pdf for the last year.

The history generator (`History`) and the measuring helpers are shared with stats_district.py.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOUR = 3600.0
DAY = 86400.0
SHANGHAI_OFFSET = 8 * HOUR
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# code, name, response hours, working days to resolve, weight in the mix of requests
CATEGORIES = (
    ("environment", "环境卫生", 24, 2, 33),
    ("policy", "政策咨询", 24, 3, 27),
    ("hardship", "困难需求", 12, 5, 20),
    ("safety", "安全隐患", 12, 2, 8),
    ("repair", "设施维修", 24, 3, 8),
    ("dispute", "邻里纠纷", 24, 5, 4),
)
EXTRA_TEXTS = {
    "safety": (
        "电动车在楼道里充电，晚上插着线，怕起火。",
        "楼顶的防护栏松动了，小孩上去玩很危险。",
        "燃气管道有股味道，不知道是不是漏气。",
    ),
    "repair": ("单元门的门禁坏了，谁都能进来。", "楼道扶手断了一截，老人上下楼不方便。", "屋顶漏水，下雨天滴到床上。"),
    "dispute": ("楼上装修天天打钻，中午也不停。", "邻居在公共过道堆放杂物，说了不听。", "楼上空调外机滴水到我家窗台。"),
}
CHANNELS = (("qr", 45), ("visit", 20), ("phone", 17), ("walk_in", 10), ("meeting", 8))
KINDS = (("help", 50), ("consult", 28), ("complaint", 12), ("suggestion", 7), ("report", 3))
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "建国华明英秀兰芳军伟强丽敏静红玉桂珍平志勇德福海燕霞国荣春梅小云金凤文光学成"
EMPLOYMENT = ("retired", "retired", "working")
TITLES = ("先生", "女士", "阿姨", "师傅", "奶奶", "爷爷")
ADDRESSES = ("环城北路", "学宫巷", "船山路", "中山北路", "雁峰路", "蒸湘北路", "解放路", "先锋路", "和平路", "人民路")

RATING_COMMENTS = {"satisfied": "谢谢，办得很快！", "basic": "基本解决了。", "unsatisfied": "还没有完全解决。"}
UNSATISFIED = '{"rating": "unsatisfied"}'

REQUEST_COLUMNS = (
    "id",
    "number",
    "room",
    "category_code",
    "category_name",
    "kind",
    "channel",
    "description",
    "contact_name",
    "contact_phone",
    "anonymous",
    "tracking_token",
    "status",
    "created_at",
    "updated_at",
    "dispatched_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "response_late",
    "due_at",
    "remind_at",
    "reminded_at",
    "next_escalation_at",
    "escalation_level",
    "paused_at",
    "paused_seconds",
    "question",
    "extension_count",
    "resolution",
    "reply",
    "time_spent_minutes",
    "rating",
    "rating_comment",
    "rated_at",
    "reopen_count",
    "support_count",
    "flagged_unreasonable",
    "flag_reason",
    "reject_reason",
    "escalate_reason",
    "assignee_id",
    "building_id",
    "community_id",
    "created_by_id",
    "group_id",
    "household_id",
    "merged_into_id",
    "resident_id",
    "stairwell_id",
)
EVENT_COLUMNS = ("request_id", "at", "actor_id", "actor_label", "kind", "from_status", "to_status", "note", "data")


def weighted(pairs: "tuple[tuple, ...]") -> Callable[[random.Random], object]:
    """A picker over (value, weight) pairs (the weight is the last item of each)."""
    values = [p[:-1] if len(p) > 2 else p[0] for p in pairs]
    cumulative, total = [], 0
    for p in pairs:
        total += p[-1]
        cumulative.append(total)

    def pick(rng: random.Random) -> object:
        x = rng.random() * total
        for value, edge in zip(values, cumulative, strict=True):
            if x < edge:
                return value
        return values[-1]

    return pick


def texts() -> dict[str, list[tuple[str, str, str, int | None]]]:
    """category code → (kind, ask, answer, minutes) from the demo's words, plus a few of our own."""
    from loudong.demo.request_texts import ASKS

    found: dict[str, list] = {}
    for code, kind, ask, answer, minutes in ASKS:
        found.setdefault(code, []).append((kind, ask, answer, minutes))
    for code, asks in EXTRA_TEXTS.items():
        found[code] = [
            ("report" if code == "safety" else "help", ask, "已上门查看并处理完毕，居民表示认可。", 60) for ask in asks
        ]
    return found


@dataclass
class Place:
    """A stairwell with what a request placed there carries."""

    building_id: int
    stairwell_id: int
    group_id: int | None
    households: list[tuple[int, str]]
    assignees: list[int]


@dataclass
class CommunityPlan:
    community_id: int
    places: list[Place]
    requests: int
    admin_assignees: list[int] = field(default_factory=list)


def local_day(ts: float) -> date:
    return datetime.fromtimestamp(ts + SHANGHAI_OFFSET, UTC).date()


def stamp(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


STAMPED = tuple(i for i, c in enumerate(REQUEST_COLUMNS) if c.endswith("_at"))


class History:
    """Writes the requests (and optionally the events) of one community, ids from `first_id` on.

    Times are seconds since the epoch until the row is emitted. The mix: most requests are dispatched
    within hours, taken within the response limit (about one in nine late), resolved mostly before
    the deadline, rated by about two thirds of residents (mostly satisfied; a few unsatisfied ones
    reopen and are resolved again), the rest closed unrated after 3 days; a few are rejected, merged
    into an earlier one or escalated to the community; the newest are still at every stage, and a
    handful of older ones stalled and are overdue now."""

    def __init__(self, seed: int, start: float, end: float, *, events: bool) -> None:
        self.rng = random.Random(seed)
        self.start, self.end = start, end
        self.events = events
        self.pick_category = weighted(tuple((c, c[-1]) for c in CATEGORIES))
        self.pick_channel = weighted(CHANNELS)
        self.pick_kind = weighted(KINDS)
        self.texts = texts()
        hour_weights = (2, 6, 9, 10, 9, 6, 5, 7, 8, 8, 7, 6, 6, 5, 3)
        self.pick_hour = weighted(tuple(zip(range(7, 22), hour_weights, strict=True)))

    def created_times(self, count: int) -> list[float]:
        """Placement moments: more each year as the community takes to it, fewer at weekends, by day hours."""
        rng, span = self.rng, self.end - self.start
        out = []
        while len(out) < count:
            day = math.floor(span / DAY * rng.random() ** 0.75)
            midnight = self.start - (self.start + SHANGHAI_OFFSET) % DAY + day * DAY
            if datetime.fromtimestamp(midnight + SHANGHAI_OFFSET, UTC).weekday() >= 5 and rng.random() < 0.25:
                continue
            moment = midnight + self.pick_hour(rng) * HOUR + rng.random() * HOUR
            if moment < self.end:
                out.append(moment)
        out.sort()
        return out

    def rows(self, plan: CommunityPlan, first_id: int) -> Iterator[tuple[tuple, list[tuple]]]:
        rng = self.rng
        by_day: dict[date, int] = {}
        recent: dict[str, int] = {}
        for offset, created in enumerate(self.created_times(plan.requests)):
            rid = first_id + offset
            place = plan.places[int(rng.random() ** 1.3 * len(plan.places))]
            code, name, response_hours, days, _ = self.pick_category(rng)
            kind, ask, answer, minutes = rng.choice(self.texts[code])
            household, room = rng.choice(place.households) if rng.random() < 0.75 else (None, "")
            day = local_day(created)
            by_day[day] = by_day.get(day, 0) + 1
            r = {
                "id": rid,
                "number": f"{day:%Y%m%d}-{plan.community_id}-{by_day[day]:04d}",
                "room": room,
                "category_code": code,
                "category_name": name,
                "kind": kind if rng.random() < 0.7 else self.pick_kind(rng),
                "channel": self.pick_channel(rng),
                "description": ask,
                "contact_name": rng.choice(SURNAMES) + rng.choice(TITLES),
                "contact_phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "anonymous": rng.random() < 0.05,
                "tracking_token": f"{rid * 2654435761 % 2**64:016x}{rid:016x}",
                "status": "submitted",
                "created_at": created,
                "updated_at": created,
                "dispatched_at": None,
                "accepted_at": None,
                "resolved_at": None,
                "closed_at": None,
                "response_due_at": None,
                "response_late": False,
                "due_at": created + days * 1.4 * DAY + 0.5 * DAY,
                "remind_at": None,
                "reminded_at": None,
                "next_escalation_at": None,
                "escalation_level": 0,
                "paused_at": None,
                "paused_seconds": 0,
                "question": "",
                "extension_count": 0,
                "resolution": "",
                "reply": "",
                "time_spent_minutes": None,
                "rating": "",
                "rating_comment": "",
                "rated_at": None,
                "reopen_count": 0,
                "support_count": 1 if rng.random() < 0.04 else 0,
                "flagged_unreasonable": False,
                "flag_reason": "",
                "reject_reason": "",
                "escalate_reason": "",
                "assignee_id": None,
                "building_id": place.building_id,
                "community_id": plan.community_id,
                "created_by_id": None,
                "group_id": place.group_id,
                "household_id": household,
                "merged_into_id": None,
                "resident_id": None,
                "stairwell_id": place.stairwell_id,
            }
            events: list[tuple] = []
            self._live(r, events, place, plan, response_hours, answer, minutes, recent.get(code))
            r["remind_at"] = None if r["due_at"] is None else r["due_at"] - days * 0.35 * DAY
            if r["status"] not in ("merged", "rejected"):
                recent[code] = rid
            out = [r[c] for c in REQUEST_COLUMNS]
            for i in STAMPED:
                if out[i] is not None:
                    out[i] = datetime.fromtimestamp(out[i], UTC)
            yield out, events

    def _event(
        self, r: dict, events: list, at: float, kind: str, to: str, label: str, note: str = "", data: str = "{}"
    ) -> bool:
        """Move `r` to `to` at `at` unless that lies in the future; False once the present is reached."""
        if at >= self.end:
            return False
        before = r["status"]
        r["status"], r["updated_at"] = to, at
        if self.events:
            events.append((r["id"], stamp(at), None, label, kind, before if kind != "placed" else "", to, note, data))
        return True

    def _live(
        self,
        r: dict,
        events: list,
        place: Place,
        plan: CommunityPlan,
        response_hours: int,
        answer: str,
        minutes: int | None,
        earlier_same: int | None,
    ) -> None:
        rng = self.rng
        t = r["created_at"]
        self._event(r, events, t, "placed", "submitted", "居民")
        fate = rng.random()
        leader = "组长" if place.group_id else "社区管理员"
        if fate < 0.035:
            t += rng.expovariate(1 / (5 * HOUR))
            r["reject_reason"] = "属于物业公司职责，已告知居民物业电话。"
            if self._event(r, events, t, "rejected", "rejected", leader, r["reject_reason"]):
                r["closed_at"], r["due_at"] = t, None
            return
        if fate < 0.06 and earlier_same is not None:
            t += rng.expovariate(1 / (3 * HOUR))
            if self._event(r, events, t, "merged", "merged", leader, data=f'{{"into": {earlier_same}}}'):
                r["merged_into_id"], r["closed_at"], r["due_at"] = earlier_same, t, None
            return
        escalated = fate > 0.97
        stalled = 0.965 < fate <= 0.966
        t += rng.expovariate(1 / (3 * HOUR))
        if escalated and rng.random() < 0.5:
            # Escalated by the leader before anyone took it; the community resolves it itself.
            r["escalate_reason"] = "需要社区协调有关部门，小组无法解决。"
            if not self._event(r, events, t, "escalated", "escalated", leader, r["escalate_reason"]):
                return
            t += rng.expovariate(1 / (2.5 * DAY))
            self._resolve(r, events, t, "offline", "社区已协调有关部门处理完毕。", 120, "社区管理员")
            return
        pool = place.assignees or plan.admin_assignees
        r["assignee_id"] = rng.choice(pool)
        r["response_due_at"] = t + response_hours * HOUR
        if not self._event(r, events, t, "dispatched", "dispatched", leader):
            return
        r["dispatched_at"] = t
        late = rng.random() < 0.11
        t += (
            response_hours * HOUR * (1 + rng.random() * 1.5)
            if late
            else min(rng.expovariate(1 / (4 * HOUR)), response_hours * HOUR * 0.95)
        )
        if r["response_due_at"] < self.end and late:
            r["response_late"] = True
        if not self._event(r, events, t, "accepted", "accepted", "志愿者", data='{"late": true}' if late else "{}"):
            return
        r["accepted_at"] = t
        if stalled:
            return
        if escalated:
            r["escalate_reason"] = "需要协调供水公司，小组无法解决。"
            t += rng.expovariate(1 / DAY)
            if not self._event(r, events, t, "escalated", "escalated", "志愿者", r["escalate_reason"]):
                return
        allowed = r["due_at"] - t
        on_time = rng.random() < 0.9
        t += rng.random() * max(allowed, HOUR) * 0.9 if on_time else max(allowed, 0) + rng.expovariate(1 / (1.5 * DAY))
        if r["due_at"] < min(t, self.end):
            r["escalation_level"] = 1
        way = "online" if minutes is None or rng.random() < 0.15 else "offline"
        spent = None if way == "online" and rng.random() < 0.5 else max(5, int((minutes or 20) * rng.uniform(0.5, 1.6)))
        self._resolve(r, events, t, way, answer, spent, "志愿者")

    def _resolve(self, r: dict, events: list, t: float, way: str, answer: str, spent: int | None, label: str) -> None:
        rng = self.rng
        for attempt in range(2):
            if not self._event(r, events, t, "resolved", "resolved", label, answer):
                return
            r["resolved_at"], r["resolution"], r["reply"], r["time_spent_minutes"] = t, way, answer, spent
            if rng.random() > 0.68:
                if self._event(r, events, t + 3 * DAY, "closed", "closed", "系统", "3 天未评价，自动办结"):
                    r["closed_at"] = t + 3 * DAY
                return
            t += rng.expovariate(1 / (0.8 * DAY))
            x = rng.random()
            rating = "satisfied" if x < 0.8 else "basic" if x < 0.95 else "unsatisfied"
            if t >= self.end:
                return
            r["rating"], r["rated_at"] = rating, t
            r["rating_comment"] = RATING_COMMENTS[rating]
            if rating == "unsatisfied" and attempt == 0 and rng.random() < 0.7:
                self._event(r, events, t, "rated", r["status"], "居民", r["rating_comment"], UNSATISFIED)
                r["reopen_count"], r["resolved_at"] = 1, None
                r["due_at"] = t + 2.5 * DAY
                self._event(r, events, t, "reopened", "accepted" if r["assignee_id"] else "escalated", "居民")
                t += rng.expovariate(1 / DAY)
                continue
            self._event(r, events, t, "confirmed", "closed", "居民", r["rating_comment"], f'{{"rating": "{rating}"}}')
            r["closed_at"] = t
            return


# Registry ---------------------------------------------------------------------------------------


def build_community(
    subdistrict: object,
    index: int,
    code: str,
    name: str,
    *,
    buildings: int,
    groups: int,
    members_per_group: int,
    rng: random.Random,
) -> "tuple[object, list[Place], list[int]]":
    """One community: buildings of 3 stairwells with 21 households each, `groups` building groups over
    about 90% of the stairwells, members living in their group's stairwells. Returns the community,
    its places and the member ids the admin dispatches to where no group serves."""
    from loudong.groups.models import BuildingGroup
    from loudong.policy.models import save_rules
    from loudong.policy.rules import Category, Rules
    from loudong.registry.models import Building, Community, Household, Member, Resident, Stairwell

    community = Community.objects.create(subdistrict=subdistrict, name=name, code=code)
    save_rules(community.pk, Rules(categories=tuple(Category(c, n, h, d) for c, n, h, d, _ in CATEGORIES)))
    street = ADDRESSES[index % len(ADDRESSES)]
    built = Building.objects.bulk_create(
        [
            Building(
                community=community,
                name=f"{street}{b + 1}号",
                address=f"{street}{b + 1}号",
                x=(b % 8) * 45,
                y=(b // 8) * 40,
            )
            for b in range(buildings)
        ]
    )
    group_rows = BuildingGroup.objects.bulk_create(
        [BuildingGroup(community=community, name=f"第{g + 1}楼栋党小组") for g in range(groups)]
    )
    stairwells = []
    for b, building in enumerate(built):
        for s in range(3):
            served = rng.random() < 0.9
            group = group_rows[b * groups // buildings] if served else None
            stairwells.append(Stairwell(community=community, building=building, name=f"{s + 1}单元", group=group))
    stairwells = Stairwell.objects.bulk_create(stairwells)
    households = Household.objects.bulk_create(
        [
            Household(community=community, stairwell=s, room=f"{floor}0{unit}")
            for s in stairwells
            for floor in range(1, 8)
            for unit in range(1, 4)
        ],
        batch_size=2000,
    )
    by_stairwell: dict[int, list[tuple[int, str]]] = {}
    for h in households:
        by_stairwell.setdefault(h.stairwell_id, []).append((h.pk, h.room))
    residents, member_groups = [], []
    for group in group_rows:
        homes = [s for s in stairwells if s.group_id == group.pk] or stairwells
        for _ in range(members_per_group):
            home = rng.choice(homes)
            hid, _room = rng.choice(by_stairwell[home.pk])
            residents.append(
                Resident(
                    community=community,
                    household_id=hid,
                    name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                    phone=f"139{rng.randrange(10**8):08d}",
                )
            )
            member_groups.append(group.pk)
    residents = Resident.objects.bulk_create(residents, batch_size=2000)
    members = Member.objects.bulk_create(
        [
            Member(community=community, resident=res, group_id=gid, employment=rng.choice(EMPLOYMENT))
            for res, gid in zip(residents, member_groups, strict=True)
        ],
        batch_size=2000,
    )
    by_group: dict[int, list[int]] = {}
    for m in members:
        by_group.setdefault(m.group_id, []).append(m.pk)
    for group in group_rows:
        group.leader_id = by_group[group.pk][0]
    BuildingGroup.objects.bulk_update(group_rows, ["leader"])
    places = [
        Place(s.building_id, s.pk, s.group_id, by_stairwell[s.pk], by_group.get(s.group_id, [])) for s in stairwells
    ]
    return community, places, [m.pk for m in members[:: max(1, len(members) // 6)]]


# Measuring --------------------------------------------------------------------------------------


def latency(run: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """(p50, p95, first call) in milliseconds; the first call is also counted."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.95) - 1)], times[0]


def measure_levels(scopes: "list[tuple[str, object]]", periods: "list[tuple[str, object]]", repeats: int) -> None:
    from loudong.stats.compute import figures

    print(f"dashboard figures() latency, {repeats} calls each (ms):")
    for level, scope in scopes:
        for label, period in periods:
            result = {}

            def once(scope: object = scope, period: object = period, result: dict = result) -> None:
                result["f"] = figures(scope, period)

            p50, p95, first = latency(once, repeats)
            collected = result["f"].figure("collected").count
            print(
                f"  {level:<11} {scope.name:<14} {label:<8} collected {collected:>9}  "
                f"p50 {p50:8.1f}  p95 {p95:8.1f}  first {first:8.1f}"
            )


def measure_reports(scopes: "list[tuple[str, object]]", period: object, out_dir: Path) -> None:
    from loudong.stats.report.build import build_report
    from loudong.stats.report.pdf import report_pdf
    from loudong.stats.report.word import report_docx

    print(f"work report generation ({period.label}):")
    out_dir.mkdir(parents=True, exist_ok=True)
    for level, scope in scopes:
        for fmt, render in (("docx", report_docx), ("pdf", report_pdf)):
            began = time.perf_counter()
            report = build_report(scope, period)
            built = time.perf_counter() - began
            content = render(report)
            total = time.perf_counter() - began
            path = out_dir / f"report-{level}.{fmt}"
            path.write_bytes(content)
            size = len(content) // 1024
            print(f"  {level:<11} {fmt:<4} {total:6.2f} s (build_report {built:5.2f} s)  {size} KB  {path}")


def last_periods(end: date) -> "list[tuple[str, object]]":
    """A year and a month up to `end`, and the same up to the 15th of the month before: a period cut
    in the middle of a month at both ends is the slowest shape to sum (weeks and days around its
    whole months, and more of the requests read live), whatever the date the benchmark runs on."""
    from loudong.stats.period import Period

    mid = (end.replace(day=1) - timedelta(days=1)).replace(day=15)
    return [
        ("1 year", Period(end - timedelta(days=364), end)),
        ("1 month", Period(end - timedelta(days=29), end)),
        ("1y mid", Period(mid - timedelta(days=364), mid)),
        ("1m mid", Period(mid - timedelta(days=29), mid)),
    ]


# SQLite: one community ------------------------------------------------------------------------------


def load_sqlite(plan: CommunityPlan, history: History) -> int:
    from django.db import connection, transaction

    cols = ", ".join(REQUEST_COLUMNS)
    marks = ", ".join(["%s"] * len(REQUEST_COLUMNS))
    ecols = ", ".join(EVENT_COLUMNS)
    emarks = ", ".join(["%s"] * len(EVENT_COLUMNS))
    batch, event_batch, written = [], [], 0
    with transaction.atomic(), connection.cursor() as cursor:
        for row, events in history.rows(plan, 1):
            batch.append(row)
            event_batch.extend(events)
            if len(batch) >= 5000:
                cursor.executemany(f"INSERT INTO tickets_request ({cols}) VALUES ({marks})", batch)
                cursor.executemany(f"INSERT INTO tickets_requestevent ({ecols}) VALUES ({emarks})", event_batch)
                written += len(batch)
                batch, event_batch = [], []
        if batch:
            cursor.executemany(f"INSERT INTO tickets_request ({cols}) VALUES ({marks})", batch)
            cursor.executemany(f"INSERT INTO tickets_requestevent ({ecols}) VALUES ({emarks})", event_batch)
            written += len(batch)
        cursor.execute("ANALYZE")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--data-dir", default="/tmp/ld-bench-community")
    parser.add_argument("--reuse", action="store_true", help="keep the data generated by an earlier run")
    args = parser.parse_args()

    data_dir = Path(args.data_dir)
    if not args.reuse and data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LOUDONG_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from loudong.groups.models import BuildingGroup
    from loudong.registry.models import Community, District, Subdistrict
    from loudong.stats.scope import Scope
    from loudong.tickets.models import Request

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    community = Community.objects.filter(code="bench-community").first()
    if community is None or not Request.objects.filter(community=community).exists():
        began = time.perf_counter()
        district = District.objects.create(name="石鼓区", code="bench-community-district")
        sub = Subdistrict.objects.create(district=district, name="青山街道", code="bench-community-sub")
        community, places, admin_pool = build_community(
            sub, 0, "bench-community", "西湖新村社区", buildings=36, groups=9, members_per_group=8, rng=random.Random(7)
        )
        end = time.time()
        history = History(11, end - args.years * 365 * DAY, end, events=True)
        written = load_sqlite(CommunityPlan(community.pk, places, args.requests, admin_pool), history)
        print(f"generated {written} requests over {args.years} years in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        call_command("stats_rebuild", verbosity=0)
        print(f"stats_rebuild (the tallies of every finished request): {time.perf_counter() - began:.1f} s")
    else:
        print("reusing the generated data")
    total = Request.objects.filter(community=community).count()
    from loudong.tickets.models import RequestEvent

    groups = list(BuildingGroup.objects.filter(community=community).order_by("pk"))
    print(
        f"community {community.name}: {total} requests, {RequestEvent.objects.count()} events, "
        f"{community.buildings.count()} buildings, {len(groups)} groups"
    )
    group = groups[len(groups) // 2]
    scopes = [("group", Scope.for_group(group)), ("community", Scope.for_community(community.code))]
    from loudong.stats.period import today

    measure_levels(scopes, last_periods(today()), args.repeats)
    measure_reports([("community", scopes[1][1])], last_periods(today())[0][1], data_dir / "reports")


if __name__ == "__main__":
    main()
