"""Step: households assigned to volunteers (包户) and three months of door-knocking visits (敲门问需).

Every group's households are shared among its members by the same proposal the leader's page
makes (loudong.outreach.assign). Each household is then visited on its policy interval (weekly
for 独居老人 and 高龄, monthly for others), by members who are mostly but not always punctual,
so some households are overdue today. A knock on a closed door is followed by a second try a
few days later. The requests of the request history that came from a visit (channel: visit) hang
on the visit that found them, and this morning three needs found by the first group become new
requests through `request_from_visit` → `place_request`, waiting in the leader's queue.

The history rows are bulk-written (the demo must stay fast); requests are only placed through
the workflow's action.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from loudong.accounts.models import Role, User
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.logins import FIRST_GROUP_BUILDING
from loudong.demo.requests import Clock, _fill_inboxes
from loudong.lib.shanghai import SHANGHAI
from loudong.outreach import actions
from loudong.outreach.assign import propose
from loudong.outreach.figures import visit_coverage
from loudong.outreach.models import Assignment, Visit
from loudong.outreach.schedule import DueState, care_tags_by_household, schedule
from loudong.policy.models import current_rules
from loudong.registry.models import Household, Resident
from loudong.tickets.models import Request

DAYS_BACK = 92
AWAY_SHARE = 0.08  # nobody home; tried again a few days later
NEEDS_SHARE = 0.05  # a visit where a need is written down (answered on the spot unless it became a request)
MINUTES = (10, 20, 30, 60)
MINUTE_WEIGHTS = (2, 7, 10, 11)  # cumulative: 20 minutes most often, an hour now and then
# What neighbours mention when a member knocks, and the category it would be placed under.
NEEDS: tuple[tuple[str, str, str], ...] = (
    ("policy", "想问高龄津贴怎么申请，要带哪些材料。", "当场讲了材料清单，写在纸上留给老人。"),
    ("policy", "医保卡换了社保卡，不知道怎么激活。", "当场用手机帮着激活了。"),
    ("policy", "问今年城乡居民医保什么时候开始交。", "当场告知缴费时间和方式。"),
    ("environment", "楼道灯不亮了，晚上上下楼看不清。", "已告知组长，组里安排换灯。"),
    ("environment", "楼下垃圾桶满了好几天没人清运。", "已联系环卫所。"),
    ("environment", "单元门的闭门器坏了，门一直关不上。", "已报物业。"),
    ("hardship", "一个人住，腿脚不便，想请人每周帮忙买一次菜。", "先帮着买了这周的菜。"),
    ("hardship", "老人血压偏高，想请人陪同去社区卫生服务站复查。", "已约好周四陪同。"),
    ("hardship", "家里热水器坏了，老人不会找人修。", "帮忙打了维修电话。"),
)
NOTES = ("老人身体还好，聊了一会儿家常。", "提醒注意用电用气安全。", "子女这周回来过。", "")
FRESH_NEEDS = (3, 6, 8)  # indexes into NEEDS: this morning's three new requests


def build_outreach(site: DemoSite) -> None:
    now = timezone.now()
    users = _users_by_member()
    for demo in site.communities.values():
        _assign(demo)
        _visit_history(demo, demo.rng("outreach"), now, users)
    made = _fresh_requests(site, now)
    for demo in site.communities.values():
        _summarise(site, demo, now, made if demo is site.main else 0)


def _users_by_member() -> dict[int, User]:
    """Accounts that can act for a member (their own login), by the member's resident id."""
    users = User.objects.filter(
        resident__member__isnull=False, is_active=True, grants__role__in=[Role.VOLUNTEER, Role.LEADER]
    ).distinct()
    return {u.resident_id: u for u in users}


def _assign(demo: DemoCommunity) -> None:
    rows = []
    for group in demo.groups.values():
        households, volunteers = actions.spots(group)
        founded = datetime.combine(group.founded_on or date.today(), time(10), tzinfo=SHANGHAI)
        rows += [
            Assignment(community=demo.community, household_id=h, volunteer_id=m, assigned_at=founded)
            for h, m in propose(households, volunteers).items()
        ]
    Assignment.objects.bulk_create(rows)


def _moment(day: date, rng: random.Random, now: datetime) -> datetime | None:
    moment = datetime.combine(day, time(rng.randint(9, 18), rng.randint(0, 59)), tzinfo=SHANGHAI)
    return moment if moment < now else None


def _visit_history(demo: DemoCommunity, rng: random.Random, now: datetime, users: dict[int, User]) -> None:
    community = demo.community
    rules = current_rules(community.pk)
    households = Household.objects.filter(community=community, assignment__isnull=False)
    tags = care_tags_by_household(households)
    owners = dict(households.values_list("pk", "assignment__volunteer_id"))
    member_residents = dict(
        Assignment.objects.filter(community=community).values_list("volunteer_id", "volunteer__resident_id")
    )
    people: dict[int, list[int]] = {}
    for pk, household_id in Resident.objects.filter(household__in=households).values_list("pk", "household_id"):
        people.setdefault(household_id, []).append(pk)
    diligence = {m: rng.choice((0.97, 0.93, 0.9, 0.85, 0.8, 0.7)) for m in sorted(set(owners.values()))}
    today = timezone.localdate(now)
    visits: list[Visit] = []
    met: list[list[int]] = []

    def add(
        household: int,
        member: int,
        at: datetime,
        home: str,
        needs: str = "",
        note: str = "",
        request: Request | None = None,
        who: list[int] | None = None,
    ) -> None:
        user = users.get(member_residents[member])
        visits.append(
            Visit(
                community=community,
                household_id=household,
                volunteer_id=member,
                visited_at=at,
                minutes=rng.choices(MINUTES, cum_weights=MINUTE_WEIGHTS)[0],
                someone_home=home,
                needs=needs,
                note=note,
                request=request,
                created_by=user,
                created_at=at + timedelta(minutes=rng.randint(5, 90)),
            )
        )
        residents = people.get(household, [])
        met.append(
            who
            if who is not None
            else (rng.sample(residents, min(len(residents), rng.randint(1, 2))) if home == Visit.Home.MET else [])
        )

    for household, member in sorted(owners.items()):
        days = rules.visit_days(tags.get(household, []))
        day = today - timedelta(days=DAYS_BACK - rng.randint(0, days - 1))
        while day <= today:
            if rng.random() < diligence[member] and (at := _moment(day, rng, now)):
                if rng.random() < AWAY_SHARE:
                    add(household, member, at, Visit.Home.AWAY)
                    day += timedelta(days=rng.randint(1, 3))
                    if day > today or not (at := _moment(day, rng, now)):
                        break
                if rng.random() < NEEDS_SHARE:
                    _, need, answer = rng.choice(NEEDS)
                    add(household, member, at, Visit.Home.MET, need, answer)
                else:
                    add(household, member, at, Visit.Home.MET, note=rng.choice(NOTES))
            day += timedelta(days=days + rng.choice((-1, 0, 0, 1, 2)))
    _visits_behind_requests(community, owners, rng, add)
    created = Visit.objects.bulk_create(visits, batch_size=2000)
    # Plain rows of two ids: written without building a model instance for each.
    through = Visit.met.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {through} (visit_id, resident_id) VALUES (%s, %s)",
            [(v.pk, r) for v, who in zip(created, met, strict=True) for r in who],
        )


def _visits_behind_requests(community: object, owners: dict[int, int], rng: random.Random, add: object) -> None:
    """The request history's 敲门问需 requests, each found on a visit by the household's member."""
    found = (
        Request.objects.filter(
            community=community, channel=Request.Channel.VISIT, household__isnull=False, visit__isnull=True
        )
        .select_related("resident")
        .order_by("created_at")
    )
    for req in found:
        member = owners.get(req.household_id)
        if member is None:
            continue
        at = req.created_at - timedelta(minutes=rng.randint(10, 40))
        who = (
            [req.resident_id]
            if req.resident_id and req.resident and req.resident.household_id == req.household_id
            else []
        )
        add(req.household_id, member, at, Visit.Home.MET, req.description, "", req, who)


def _fresh_requests(site: DemoSite, now: datetime) -> int:
    """This morning, the first group's members found three needs that become requests now."""
    demo = site.main
    group = demo.groups[FIRST_GROUP_BUILDING]
    volunteer = site.users["demo-volunteer"]
    member = volunteer.resident.member
    mine = [
        r
        for r in schedule(Household.objects.filter(assignment__volunteer=member), current_rules(demo.community.pk))
        if r.state in (DueState.OVERDUE, DueState.DUE)
    ]
    others = list(
        Assignment.objects.filter(household__stairwell__group=group)
        .exclude(volunteer=member)
        .select_related("household", "volunteer")
        .order_by("household_id")
    )
    users = _users_by_member()
    chosen = [(row.household, member, volunteer) for row in mine[:1]]
    chosen += [
        (a.household, a.volunteer, users[a.volunteer.resident_id]) for a in others if a.volunteer.resident_id in users
    ][: len(FRESH_NEEDS) - len(chosen)]
    clock = Clock()
    made = 0
    for (household, by_member, user), need in zip(chosen, FRESH_NEEDS, strict=False):
        category, text, _ = NEEDS[need]
        at = now - timedelta(hours=2 + made)
        residents = list(Resident.objects.filter(household=household).order_by("birth_date")[:1])
        visit = actions.log_visit(
            household=household,
            volunteer=by_member,
            by=user,
            visited_at=at,
            minutes=30,
            met=residents,
            needs=text,
            now=at,
        )
        actions.request_from_visit(visit, category_code=category, by=user, now=at + timedelta(minutes=20))
        clock.stamp(at + timedelta(minutes=20))
        made += 1
    _fill_inboxes(clock.first, now)
    return made


def _summarise(site: DemoSite, demo: DemoCommunity, now: datetime, fresh: int) -> None:
    community = demo.community
    today = timezone.localdate(now)
    rules = current_rules(community.pk)
    rows = schedule(Household.objects.filter(community=community, assignment__isnull=False), rules, today)
    covered = sum(1 for r in rows if r.covered)
    overdue = sum(1 for r in rows if r.state == DueState.OVERDUE)
    visits = Visit.objects.filter(community=community)
    month, total = visit_coverage([community.pk], today - timedelta(days=29), today)
    turned = visits.filter(request__isnull=False).count()
    site.summary.append(
        f"  敲门问需（{community.name}）：包户 {len(rows)} 户，近三个月走访 {visits.count():,} 次；"
        f"本周期已走访 {covered} 户，已超期 {overdue} 户；近 30 天见面走访 {month}/{total} 户；"
        f"走访发现的需求转点单 {turned} 条" + (f"（今天新转 {fresh} 条）" if fresh else "")
    )
