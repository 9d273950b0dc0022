"""Step: a year of 微文化 activities in both communities, the members who served at them and the
people they reached.

西湖新村社区 holds about fifty in the year before today: flag raising on New Year's Day, 七一 and
National Day, Friday clean-ups by the groups, public-welfare and mutual-help activities, talks and
home study sessions in the 红色议事厅. Each draws its people mostly from the organising group's
buildings and from a pool of residents who come to things, so the same faces return and people
covered (distinct residents, never double counted) ends near a third of the community, as the
account's 覆盖群众1000余人 says. Most sign-ins match a resident; a few are visitors known only by
name and building, some of whom come twice. Two activities are still to come. Rows go in by
bulk_create.
"""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from loudong.community_life.activities.figures import people_covered
from loudong.community_life.activities.models import Activity, Attendance, ServingMember, name_key
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.names import NameMaker
from loudong.groups.models import BuildingGroup, Venue
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident

T = Activity.Type
# Per community: how many of each type in the year (flag raising follows the calendar).
COUNTS = {
    "xihu-xincun": {T.CLEANUP: 14, T.WELFARE: 9, T.MUTUAL_HELP: 10, T.TALK: 8, T.HOME_STUDY: 6},
    "dongfeng": {T.CLEANUP: 3, T.WELFARE: 1, T.MUTUAL_HELP: 2, T.TALK: 1},
}
# Share of residents who come to anything in a year (the rest never do).
ENGAGED = {"xihu-xincun": 0.6, "dongfeng": 0.6}
# People reached, (low, high), by type; community-wide events draw more.
SIZES = {T.FLAG: (150, 220), T.CLEANUP: (12, 35), T.WELFARE: (40, 90), T.MUTUAL_HELP: (8, 25), T.TALK: (30, 65),
         T.HOME_STUDY: (8, 15)}  # fmt: skip
UNMATCHED_SHARE = 0.05
FLAG_DAYS = ((1, 1, "元旦升国旗仪式"), (7, 1, "“七一”升旗仪式暨重温入党誓词"), (10, 1, "国庆升国旗仪式"))
TITLES = {
    T.CLEANUP: ("周五清洁家园：{b}楼道清扫", "周五清洁家园：清理楼道堆放杂物", "周五清洁家园：绿化带捡拾垃圾",
                "周五清洁家园：清除乱贴小广告", "周五清洁家园：清理{b}周边卫生死角"),
    T.WELFARE: ("义诊进社区：量血压测血糖", "免费理发进楼栋", "防范电信诈骗宣传", "垃圾分类宣传", "义务磨刀修伞",
                "消防安全宣传和演练", "老年人防跌倒讲座和义诊"),
    T.MUTUAL_HELP: ("邻里互助：帮独居老人买菜", "爱心助老：上门陪伴独居老人", "邻里互助：旧衣物和旧书交换",
                    "互助小课堂：教老人用智能手机", "邻里互助：为高龄老人打扫房间", "邻里互助：帮忙疏通下水道"),
    T.TALK: ("湖南好人讲身边的故事", "优秀共产党员宣讲：初心不改", "党史宣讲：衡阳保卫战", "老党员讲红色家风",
             "政策宣讲：医保和养老政策解读"),
    T.HOME_STUDY: ("家庭党校：学习党的二十届三中全会精神", "家庭党校：重温入党誓词", "家庭党校：学习《中国共产党简史》",
                   "家庭党校：学党章、守党规"),
}  # fmt: skip
HOURS = {T.FLAG: (time(7, 30), 60), T.CLEANUP: (time(15, 0), 120), T.WELFARE: (time(9, 0), 150),
         T.MUTUAL_HELP: (time(9, 30), 120), T.TALK: (time(14, 30), 90), T.HOME_STUDY: (time(15, 0), 90)}  # fmt: skip
SQUARE = "西湖广场"
CENTRE = "社区党群服务中心"


def build_activities(site: DemoSite) -> None:
    today = timezone.localdate()
    parts, upcoming = [], 0
    for demo in site.communities.values():
        built = _build(demo, today)
        upcoming += built["upcoming"]
        covered = people_covered([demo.community.pk], today - timedelta(days=365), today)
        kinds = "，".join(f"{label} {built['types'][value]}" for value, label in T.choices if built["types"][value])
        parts.append(f"{demo.community.name}近一年开展活动 {built['held']} 次（{kinds}），覆盖群众 {covered:,} 人")
    site.summary.append("  微文化：" + "；".join(parts) + f"（不重复计）；即将开展 {upcoming} 次")


class Planner:
    """Draws one community's activities and the people at them."""

    def __init__(self, demo: DemoCommunity, today: date) -> None:
        self.demo, self.today = demo, today
        self.rng = demo.rng("activities")
        community = demo.community
        self.groups = list(BuildingGroup.objects.filter(community=community).select_related("leader").order_by("pk"))
        self.members = list(Member.objects.filter(community=community).order_by("pk"))
        self.venues = {v.group_id: v for v in Venue.objects.filter(community=community).select_related("group")}
        homes = Resident.objects.filter(community=community).values_list(
            "pk", "name", "household__stairwell__building_id", "household__stairwell__group_id"
        ).order_by("pk")  # fmt: skip
        self.people = [(pk, name, building) for pk, name, building, _group in homes if building]
        self.group_of_building = {building: group for _pk, _name, building, group in homes if building}
        pool = list(self.people)
        self.rng.shuffle(pool)
        pool = pool[: int(len(pool) * ENGAGED[community.code])]
        # Some come often, most now and then.
        self.pool = [(person, self.rng.paretovariate(1.6)) for person in pool]
        self.building_ids = sorted({b for _pk, _n, b in self.people})
        self.building_names = {b.pk: b.name for b in demo.community.buildings.all()}
        self.visitors: list[tuple[str, int]] = []
        self.names = NameMaker(random.Random(f"{demo.plan.seed}:activity-visitors"))

    def moment(self, day: date, kind: str) -> tuple[datetime, datetime]:
        start, minutes = HOURS[kind]
        starts = datetime.combine(day, start, tzinfo=SHANGHAI)
        return starts, starts + timedelta(minutes=minutes)

    def days(self, kind: str, n: int) -> list[date]:
        if kind == T.CLEANUP:  # Fridays
            past = [self.today - timedelta(days=d) for d in range(1, 365)]
            fridays = [day for day in past if day.weekday() == 4]
            return self.rng.sample(fridays, min(n, len(fridays)))
        return [self.today - timedelta(days=self.rng.randint(3, 360)) for _ in range(n)]

    def attendees(self, size: int, group: BuildingGroup | None) -> list[tuple[int, str, int]]:
        """Weighted draw without repeats, mostly from the group's own buildings."""
        local = [(p, w * (4 if group and self.group_of_building.get(p[2]) == group.pk else 1)) for p, w in self.pool]
        chosen: dict[int, tuple] = {}
        people, weights = zip(*local, strict=True)
        for person in self.rng.choices(people, weights, k=size * 2):
            chosen.setdefault(person[0], person)
            if len(chosen) == size:
                break
        return list(chosen.values())

    def visitor(self) -> tuple[str, int]:
        """Someone not in the registry (a relative, a tenant not yet recorded); a few come twice."""
        if self.visitors and self.rng.random() < 0.3:
            return self.rng.choice(self.visitors)
        born = self.rng.randint(1945, 1995)
        person = (self.names.full(self.rng.choice("MF"), born), self.rng.choice(self.building_ids))
        self.visitors.append(person)
        return person


def _build(demo: DemoCommunity, today: date) -> dict:
    plan = Planner(demo, today)
    rng = plan.rng
    if not plan.people or not plan.members:
        return {"held": 0, "upcoming": 0, "types": Counter()}
    leaders = [g.leader for g in plan.groups if g.leader] or plan.members[:1]
    specs: list[tuple[str, date, BuildingGroup | None]] = []
    if demo.community.code == "xihu-xincun":
        for month, day, _title in FLAG_DAYS:
            held_on = date(today.year if (month, day) < (today.month, today.day) else today.year - 1, month, day)
            specs.append((T.FLAG, held_on, None))
    for kind, n in COUNTS.get(demo.community.code, {}).items():
        for day in plan.days(kind, n):
            group = rng.choice(plan.groups) if kind in (T.CLEANUP, T.MUTUAL_HELP) and plan.groups else None
            if kind == T.HOME_STUDY:
                group = plan.venues[rng.choice(sorted(plan.venues))].group if plan.venues else None
            specs.append((kind, day, group))
    # Still to come: the next Friday clean-up, and a talk next week.
    next_friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    specs.append((T.CLEANUP, next_friday, plan.groups[0] if plan.groups else None))
    if demo.community.code == "xihu-xincun":
        specs.append((T.TALK, today + timedelta(days=6), None))

    activities, serving, attendance = [], [], []
    now = timezone.now()
    flag_titles = {(m, d): title for m, d, title in FLAG_DAYS}
    for kind, day, group in sorted(specs, key=lambda s: s[1]):
        starts, ends = plan.moment(day, kind)
        crew = [m for m in plan.members if group is None or m.group_id == group.pk] or plan.members
        organiser = group.leader if group and group.leader else rng.choice(leaders)
        venue = plan.venues.get(group.pk) if group and kind == T.HOME_STUDY else None
        buildings = [plan.building_names[b] for b, g in plan.group_of_building.items() if group and g == group.pk]
        title = flag_titles.get((day.month, day.day)) if kind == T.FLAG else rng.choice(TITLES[kind])
        title = title.format(b=rng.choice(buildings) if buildings else "各楼栋")
        place = str(venue) if venue else (f"{rng.choice(buildings)}楼下" if buildings and kind == T.CLEANUP
                                          else rng.choice((SQUARE, CENTRE)))  # fmt: skip
        activity = Activity(
            community=demo.community, group=group, type=kind, title=title, starts_at=starts, ends_at=ends,
            place=place, venue=venue, organiser=organiser, description=_describe(kind, title),
            speaker_id=rng.choice(plan.members).resident_id if kind == T.TALK else None,
        )  # fmt: skip
        activities.append(activity)
        helpers = {organiser.pk: organiser, **{m.pk: m for m in rng.sample(crew, min(len(crew), rng.randint(2, 6)))}}
        serving.append([ServingMember(community=demo.community, member=m, minutes=activity.minutes)
                        for m in helpers.values()])  # fmt: skip
        if starts > now:
            attendance.append([])
            continue
        low, high = SIZES[kind]
        scale = 0.6 if demo.community.code == "dongfeng" else 1
        people = plan.attendees(max(3, int(rng.randint(low, high) * scale)), group)
        rows = []
        for pk, name, building in people:
            shares = (10, 10, 80) if kind == T.HOME_STUDY else (45, 25, 30)
            how = rng.choices(("qr_name", "qr_phone", "ticked"), shares)[0]
            signed_at = starts + timedelta(minutes=rng.randint(-20, 40))
            rows.append(
                Attendance(
                    community=demo.community,
                    resident_id=pk,
                    name=name,
                    name_key=name_key(name),
                    building_id=building,
                    how=how,
                    signed_at=signed_at,
                )
            )
        seen = set()
        for _ in range(int(len(people) * UNMATCHED_SHARE) + (rng.random() < 0.5)):
            name, building = plan.visitor()
            if (name, building) not in seen:
                seen.add((name, building))
                rows.append(
                    Attendance(
                        community=demo.community,
                        name=name,
                        name_key=name_key(name),
                        building_id=building,
                        how="qr_name",
                        signed_at=starts + timedelta(minutes=rng.randint(-20, 40)),
                    )
                )
        attendance.append(rows)
    Activity.objects.bulk_create(activities)
    for activity, rows in zip(activities, serving, strict=True):
        for row in rows:
            row.activity = activity
    for activity, rows in zip(activities, attendance, strict=True):
        for row in rows:
            row.activity, row.activity_starts_at = activity, activity.starts_at
    ServingMember.objects.bulk_create([row for rows in serving for row in rows])
    Attendance.objects.bulk_create([row for rows in attendance for row in rows], batch_size=1000)
    held = [a for a in activities if a.starts_at <= now]
    return {"held": len(held), "upcoming": len(activities) - len(held), "types": Counter(a.type for a in held)}


def _describe(kind: str, title: str) -> str:
    if kind == T.FLAG:
        return "全体党员和居民在西湖广场举行升旗仪式，齐唱国歌。"
    if kind == T.CLEANUP:
        return "党员志愿者带头，居民一起动手清扫楼道、清理杂物，共建整洁家园。"
    if kind == T.HOME_STUDY:
        return "在红色议事厅围坐学习，党员轮流领读，大家谈体会。"
    if kind == T.TALK:
        return "邀请身边的好人好党员讲述亲身经历，居民自愿参加。"
    return f"{title.split('：')[-1]}，党员志愿者组织，居民自愿参加。"
