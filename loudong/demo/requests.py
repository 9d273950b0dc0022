"""Step: a year of requests (点单) in 西湖新村社区, written through the same actions as real ones.

Each request gets a life script (placed, dispatched, taken, answered, rated, or rejected, merged,
escalated, declined, paused, extended, late, ...). Every action runs with the clock of its moment
(`now=`), and before each one the reminders, late responses, overdue steps and auto-closes that
came due are applied the way the worker would, so the timeline, deadlines and figures are real.
A script stops at the present: the newest requests are still open, some overdue now. The leader
and volunteer demo logins find new requests in the queue and a few in hand.

Members who take requests and the other groups' leaders get accounts without a password (they
cannot log in; the actions need someone to act as). Notifications of this history are marked
sent at their moment and the in-app ones put in the inboxes.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from loudong.accounts.models import Grant, Role, User
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.logins import FIRST_GROUP_BUILDING
from loudong.demo.request_texts import (
    ANSWERS,
    ASKS,
    CHOSEN_SCOPES,
    CORRECTED_SCOPES,
    DECLINE_REASONS,
    ESCALATE_REASONS,
    FLAG_REASONS,
    PUBLIC_NOTES,
    QUESTIONS,
    RATING_COMMENTS,
    REJECT_REASONS,
)
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.notify.models import Notification, OutboxMessage
from loudong.registry.models import Member, Resident
from loudong.tickets import actions
from loudong.tickets.models import RUNNING, Request, Status

DAYS_BACK = 365
# Fates of past requests and how often they happen.
# How many past requests end each way (108 in all).
FATES = {
    "closed": 52,
    "unrated": 9,
    "reopened": 5,
    "unhappy": 3,
    "rejected": 6,
    "merged": 5,
    "escalated": 5,
    "declined": 5,
    "late": 6,
    "waiting": 4,
    "flagged": 2,
    "extended": 3,
    "stalled": 3,
}
CHANNELS = {"qr": 45, "visit": 20, "meeting": 8, "phone": 17, "walk_in": 10}
RATINGS = {"satisfied": 82, "basic": 18}
VOLUNTEERS_PER_GROUP = 3


@dataclass
class Crew:
    leader: User
    volunteers: list[tuple[Member, User]]


@dataclass
class Plan:
    created: datetime
    resident: Resident
    ask: tuple
    fate: str
    channel: str = "qr"
    anonymous: bool = False
    supporters: int = 0
    volunteer: int | None = None  # index into the crew, when the script names one
    duplicate_of: "Plan | None" = None
    followers: list = field(default_factory=list)  # duplicates placed while this one is still open
    request: Request | None = None
    gaps: dict = field(default_factory=dict)


class Clock:
    """Stamps the notifications each action queued with the action's moment, as already sent."""

    def __init__(self) -> None:
        self.first = self.mark = OutboxMessage.objects.aggregate(m=Max("pk"))["m"] or 0

    def stamp(self, at: datetime) -> None:
        last = OutboxMessage.objects.aggregate(m=Max("pk"))["m"] or 0
        if last > self.mark:
            OutboxMessage.objects.filter(pk__gt=self.mark).update(
                created_at=at, state=OutboxMessage.State.SENT, sent_at=at, attempts=1
            )
            self.mark = last


def build_requests(site: DemoSite) -> None:
    demo = site.main
    rng = demo.rng("requests")
    now = timezone.now()
    crews = _crews(site, demo, rng)
    plans = _history(demo, rng, now, crews) + _present(site, demo, rng, now)
    clock = Clock()
    admin = site.users["demo-admin"]
    for plan in sorted(plans, key=lambda p: p.created):
        if plan.request is None:
            _live(plan, crews, admin, rng, now, clock)
    _fill_inboxes(clock.first, now)
    placed = Request.objects.filter(community=demo.community)
    counts = {s.label: n for s in Status if (n := placed.filter(status=s).count())}
    site.summary.append(
        "  点单："
        + "，".join(f"{label} {n}" for label, n in counts.items())
        + f"；已超期 {placed.overdue(now).count()}"
    )
    shared = placed.filter(scope=Request.Scope.SHARED)
    joined = shared.filter(support_count__gt=0)
    site.summary.append(
        f"  公共区域的事 {shared.count()} 件（{joined.count()} 件有邻居“我也遇到”），"
        f"家中的事 {placed.filter(scope=Request.Scope.HOUSEHOLD).count()} 件（邻居看不到）"
    )


def _account(username: str, resident: Resident, role: str, group: BuildingGroup) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.display_name, user.resident, user.is_active, user.email = resident.name, resident, True, ""
    user.set_unusable_password()
    user.save()
    user.grants.all().delete()
    Grant.objects.create(user=user, role=role, community=group.community, group=group)
    return user


def _crews(site: DemoSite, demo: DemoCommunity, rng: random.Random) -> dict[int, Crew]:
    taken = {u.resident_id for u in site.users.values() if u.resident_id}
    crews = {}
    groups = BuildingGroup.objects.filter(community=demo.community).select_related("leader__resident")
    for index, group in enumerate(sorted(groups, key=lambda g: g.name), start=1):
        first = group.name.startswith(FIRST_GROUP_BUILDING)
        leader = (
            site.users["demo-leader"]
            if first
            else _account(f"demo-g{index}-leader", group.leader.resident, Role.LEADER, group)
        )
        taken.add(leader.resident_id)
        members = [
            m
            for m in Member.objects.filter(group=group).select_related("resident").order_by("pk")
            if m.resident_id not in taken
        ]
        chosen = rng.sample(members, min(VOLUNTEERS_PER_GROUP, len(members)))
        volunteers = [
            (m, _account(f"demo-g{index}-v{k}", m.resident, Role.VOLUNTEER, group))
            for k, m in enumerate(chosen, start=1)
        ]
        if first:
            mine = site.users["demo-volunteer"]
            volunteers.insert(0, (mine.resident.member, mine))
        crews[group.pk] = Crew(leader, volunteers)
    return crews


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _moment(day: datetime, rng: random.Random) -> datetime:
    return datetime.combine(day.date(), time(rng.randint(7, 20), rng.randint(0, 59)), tzinfo=SHANGHAI)


def _adults_by_building(demo: DemoCommunity) -> dict[str, list[Resident]]:
    adults: dict[str, list[Resident]] = {}
    for r in demo.residents:
        if r.birth_date and r.birth_date.year < 2006:
            adults.setdefault(r.household.stairwell.building.name, []).append(r)
    return adults


def _resident(adults: dict[str, list[Resident]], rng: random.Random, buildings: list[str]) -> Resident:
    people = []
    while not people:
        people = adults.get(rng.choice(buildings), [])
    return rng.choice(people)


def _history(demo: DemoCommunity, rng: random.Random, now: datetime, crews: dict) -> list[Plan]:
    grouped = [b for b in demo.buildings.values() if b.stairwells.filter(group__isnull=False).exists()]
    others = [b.name for b in demo.buildings.values() if b not in grouped]
    grouped = [b.name for b in grouped]
    adults = _adults_by_building(demo)
    plans = []
    fates = [fate for fate, n in FATES.items() for _ in range(n)]
    rng.shuffle(fates)
    for fate in fates:
        days = DAYS_BACK * (1 - rng.random() ** 0.7)  # more of them in recent months
        created = _moment(now - timedelta(days=days), rng)
        buildings = others if others and rng.random() < 0.08 else grouped
        plan = Plan(
            created,
            _resident(adults, rng, buildings),
            rng.choice(ASKS),
            fate,
            _pick(rng, CHANNELS),
            anonymous=rng.random() < 0.08,
        )
        if plan.ask[0] == "environment" and rng.random() < 0.35:
            plan.supporters = rng.randint(1, 4)
        if fate == "merged":
            plan.duplicate_of = Plan(
                created - timedelta(hours=rng.randint(1, 6)),
                _resident(adults, rng, [plan.resident.household.stairwell.building.name]),
                plan.ask,
                "closed",
                "qr",
            )
            plan.duplicate_of.followers.append(plan)
            plans.append(plan.duplicate_of)
        plans.append(plan)
    return [p for p in plans if p.created < now]


def _present(site: DemoSite, demo: DemoCommunity, rng: random.Random, now: datetime) -> list[Plan]:
    """What the demo logins find today: new requests in the leader's queue, a few in the volunteer's hands."""
    adults = _adults_by_building(demo)
    group = demo.groups[FIRST_GROUP_BUILDING]
    first = sorted({s.building.name for s in group.stairwells.select_related("building")})
    plans = [
        Plan(now - timedelta(hours=h), _resident(adults, rng, first), rng.choice(ASKS), "new", "qr")
        for h in (1, 3, 7, 20)
    ]
    for fate, hours in (
        ("dispatched", 12),
        ("accepted", 30),
        ("paused", 26),
        ("stalled", 24 * 9),
        ("escalated_open", 50),
    ):
        plans.append(
            Plan(now - timedelta(hours=hours), _resident(adults, rng, first), rng.choice(ASKS), fate, volunteer=0)
        )
    # Shared-place problems neighbours have joined (我也遇到), open on the first group's form today.
    for ask, fate, hours, supporters in ((ASKS[8], "accepted", 28, 3), (ASKS[10], "dispatched", 10, 1)):
        plans.append(
            Plan(
                now - timedelta(hours=hours),
                _resident(adults, rng, first),
                ask,
                fate,
                "qr",
                supporters=supporters,
                volunteer=0,
            )
        )
    resident = site.users["demo-resident"].resident
    plans.append(Plan(now - timedelta(days=40), resident, ASKS[11], "closed", "qr"))
    plans.append(Plan(now - timedelta(hours=50), resident, ASKS[1], "resolved", "qr", volunteer=0))
    plans.append(
        Plan(
            now - timedelta(hours=60),
            _resident(adults, rng, first),
            ASKS[16],
            "resolved_offline",
            "phone",
            volunteer=0,
        )
    )
    return plans


OFFLINE_HOURS = 3  # from the errand done without signal to the upload at home

SCRIPTS = {
    "new": [],
    "closed": ["dispatch", "accept", "resolve", "confirm"],
    "resolved": ["dispatch", "accept", "resolve_soon"],
    # Done in a stairwell without signal and sent from the phone's queue once home (the app's 办结时间).
    "resolved_offline": ["dispatch", "accept", "resolve_offline"],
    "unrated": ["dispatch", "accept", "resolve"],
    "reopened": ["dispatch", "accept", "resolve", "unhappy", "resolve", "confirm"],
    "unhappy": ["dispatch", "accept", "resolve", "unhappy", "resolve", "unhappy", "resolve", "unhappy"],
    "paused": ["dispatch", "accept", "pause"],
    "escalated_open": ["dispatch", "accept", "escalate"],
    "rejected": ["reject"],
    "merged": ["merge"],
    "escalated": ["dispatch", "accept", "escalate", "admin_resolve", "confirm"],
    "declined": ["dispatch", "decline", "dispatch_other", "accept", "resolve", "confirm"],
    "late": ["dispatch", "accept", "resolve_late", "confirm"],
    "waiting": ["dispatch", "accept", "pause", "resume", "resolve", "confirm"],
    "flagged": ["dispatch", "flag", "reject"],
    "extended": ["dispatch", "accept", "extend", "resolve_late", "confirm"],
    "stalled": ["dispatch", "accept", "stall"],
    "dispatched": ["dispatch"],
    "accepted": ["dispatch", "accept"],
}


def _tick(req: Request, until: datetime, clock: Clock) -> None:
    """What the worker would have done to this request before `until`."""
    for _ in range(12):
        due = []
        if req.status in RUNNING and req.remind_at and not req.reminded_at:
            due.append((req.remind_at, actions.remind))
        if req.status in (Status.SUBMITTED, Status.DISPATCHED) and req.response_due_at and not req.response_late:
            due.append((req.response_due_at, actions.mark_response_late))
        if req.status in RUNNING and req.next_escalation_at:
            due.append((req.next_escalation_at, actions.step_overdue))
        if req.status == Status.RESOLVED:
            due.append((req.resolved_at + timedelta(days=3), actions.close_unrated))
        due = [d for d in due if d[0] <= until]
        if not due:
            return
        moment, act = min(due, key=lambda d: d[0])
        if not act(req, now=moment):
            return
        clock.stamp(moment)


def _live(plan: Plan, crews: dict[int, Crew], admin: User, rng: random.Random, now: datetime, clock: Clock) -> None:
    category, kind, text, reply, minutes = plan.ask
    household = plan.resident.household
    building = household.stairwell.building
    crew = crews.get(household.stairwell.group_id)
    staff = None
    if plan.channel != "qr":
        staff = rng.choice([crew.leader] + [u for _, u in crew.volunteers]) if crew else admin
    t = plan.created
    req = actions.place_request(
        community=building.community,
        building=building,
        stairwell=household.stairwell,
        household=household,
        category_code=category,
        kind=kind,
        scope=CHOSEN_SCOPES.get(text, ""),
        description=text,
        channel=plan.channel,
        by=staff,
        contact_name=plan.resident.name,
        contact_phone=plan.resident.phone,
        anonymous=plan.anonymous,
        resident=plan.resident,
        now=t,
    )
    plan.request = req
    clock.stamp(t)
    for follower in plan.followers:  # its duplicate comes in and is merged before this one moves on
        _live(follower, crews, admin, rng, now, clock)
    for k in range(plan.supporters):
        moment = t + timedelta(hours=2 + 5 * k)
        if moment < now and req.status in (*RUNNING, Status.WAITING):
            actions.support(req, f"1390734{rng.randint(1000, 9999)}", now=moment)
    leader = crew.leader if crew else admin
    # Where no group serves the building, the community admin dispatches to a member of another group.
    pool = list((crew or crews[sorted(crews)[rng.randrange(len(crews))]]).volunteers)
    index = plan.volunteer if plan.volunteer is not None else (rng.randrange(len(pool)) if pool else None)
    for step in SCRIPTS[plan.fate]:
        t = _next_time(step, t, req, rng)
        if t >= now:
            break
        _tick(req, t, clock)
        if req.status not in (*RUNNING, Status.WAITING, Status.RESOLVED):
            break
        try:
            index = _do(step, req, plan, leader, admin, pool, index, reply, minutes, rng, t)
        except ActionRefused:
            break
        clock.stamp(t)
    _tick(req, now, clock)


def _next_time(step: str, t: datetime, req: Request, rng: random.Random) -> datetime:
    hours = {
        "dispatch": rng.uniform(0.5, 9),
        "accept": rng.uniform(0.2, 5),
        "decline": rng.uniform(1, 4),
        "dispatch_other": rng.uniform(0.5, 3),
        "pause": rng.uniform(2, 10),
        "resume": rng.uniform(3, 26),
        "confirm": rng.uniform(2, 40),
        "unhappy": rng.uniform(3, 30),
        "reject": rng.uniform(1, 8),
        "merge": rng.uniform(1, 5),
        "escalate": rng.uniform(6, 30),
        "admin_resolve": rng.uniform(48, 140),
        "flag": rng.uniform(1, 6),
        "stall": 24 * 400,
        "resolve_soon": rng.uniform(2, 6),
        "resolve_offline": rng.uniform(2, 6) + OFFLINE_HOURS,
    }
    if step in ("resolve", "resolve_late", "extend"):
        due = req.due_at
        if step == "extend":
            return t + (due - t) * 0.6
        if step == "resolve_late":
            return due + timedelta(hours=rng.uniform(4, 60))
        return t + (due - t) * rng.uniform(0.15, 0.85)
    return t + timedelta(hours=hours[step])


def _do(
    step: str,
    req: Request,
    plan: Plan,
    leader: User,
    admin: User,
    pool: list,
    index: int | None,
    reply: str,
    minutes: int | None,
    rng: random.Random,
    t: datetime,
) -> int | None:
    assignee = pool[index][1] if index is not None and pool else None
    resolution = Request.Resolution.ONLINE if minutes is None else Request.Resolution.OFFLINE
    if step == "dispatch" or step == "dispatch_other":
        if step == "dispatch_other" and len(pool) > 1:
            index = (index + 1) % len(pool)
        dispatcher = leader if req.group_id else admin
        if req.description in CORRECTED_SCOPES and req.scope != CORRECTED_SCOPES[req.description]:
            actions.set_scope(req, CORRECTED_SCOPES[req.description], by=dispatcher, now=t)
        actions.dispatch(req, pool[index][0], by=dispatcher, now=t)
    elif step == "accept":
        actions.accept(req, by=assignee, now=t)
        if req.scope == Request.Scope.SHARED and req.description in PUBLIC_NOTES:
            actions.publish(req, PUBLIC_NOTES[req.description], by=assignee, now=t)
    elif step in ("resolve", "resolve_late", "resolve_soon"):
        actions.resolve(req, by=assignee, resolution=resolution, reply=reply, minutes=minutes, now=t)
    elif step == "resolve_offline":
        done_at = t - timedelta(hours=OFFLINE_HOURS)
        actions.resolve(req, by=assignee, resolution=resolution, reply=reply, minutes=minutes, done_at=done_at, now=t)
    elif step == "admin_resolve":
        actions.resolve(
            req,
            by=admin,
            resolution=Request.Resolution.OFFLINE,
            reply="社区已协调有关部门处理完毕。",
            minutes=None,
            now=t,
        )
    elif step == "confirm":
        if plan.fate == "unrated":
            return index
        rating = _pick(rng, RATINGS)
        actions.confirm(req, rating, rng.choice(RATING_COMMENTS[rating]), now=t)
    elif step == "unhappy":
        actions.confirm(req, "unsatisfied", rng.choice(RATING_COMMENTS["unsatisfied"]), now=t)
    elif step == "reject":
        actions.reject(req, by=leader if req.group_id else admin, reason=rng.choice(REJECT_REASONS), now=t)
    elif step == "merge":
        actions.merge(req, plan.duplicate_of.request, by=leader if req.group_id else admin, now=t)
    elif step == "escalate":
        actions.escalate(req, by=leader if req.group_id else admin, reason=rng.choice(ESCALATE_REASONS), now=t)
    elif step == "decline":
        actions.decline(req, by=assignee, reason=rng.choice(DECLINE_REASONS), now=t)
    elif step == "pause":
        actions.pause_for_resident(req, by=assignee, question=rng.choice(QUESTIONS), now=t)
    elif step == "resume":
        actions.resume(req, rng.choice(ANSWERS), now=t)
    elif step == "flag":
        actions.flag_unreasonable(req, by=assignee, reason=rng.choice(FLAG_REASONS), now=t)
    elif step == "extend":
        new_due = req.due_at + timedelta(days=2)
        actions.extend(req, by=assignee, reason="需要等配件到货。", new_due_at=new_due, now=t)
    return index


def _fill_inboxes(first_outbox_id: int, now: datetime) -> None:
    """The in-app messages of the history, in the inboxes, those older than two days read."""
    rows = OutboxMessage.objects.filter(pk__gt=first_outbox_id, channel=OutboxMessage.Channel.INAPP, user__isnull=False)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=m.user_id,
                community_id=m.community_id,
                title=m.title,
                body=m.body,
                url=m.url,
                created_at=m.created_at,
                outbox_id=m.pk,
                read_at=m.created_at + timedelta(hours=2) if m.created_at < now - timedelta(days=2) else None,
            )
            for m in rows
        ],
        ignore_conflicts=True,
    )
