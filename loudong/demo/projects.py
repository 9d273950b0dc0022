"""Step: the three lists of 西湖新村 (需求清单, 资源清单, 项目清单) over the last three months.

The resources are the partner units' offers and the skills of the in-post members who reported in
(the 双报到 step's, listed through `list_partner_offers` as the admin lists them), and two the
admin entered. When the demo has no partner units or confirmed reports-in yet, a school, a hospital
and a bank and five in-post members living in the community are made here first (confirmed through
the 双报到 action), so this step depends only on their models.

The needs come from each source (a visit's need, a meeting's decision, a request the group could
not meet alone, the admin) and stand in every state; their projects too: done (the need met),
in progress with some steps done, planned, and one cancelled. Everything goes through the actions,
with the clock set back (`now=`).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from loudong.accounts.models import User
from loudong.community_life.meetings.models import Decision
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.logins import FIRST_GROUP_BUILDING
from loudong.lib.shanghai import SHANGHAI
from loudong.outreach.models import Visit
from loudong.partners import actions as partners
from loudong.partners.models import PartnerUnit, ReportIn
from loudong.projects import actions
from loudong.projects.matching import suggest
from loudong.projects.models import Need, Project, Resource
from loudong.registry.models import Member
from loudong.tickets.models import Request, Status

# Used only when the demo has no partner units yet: (name, kind, address, offers, what they offer).
UNITS = (
    ("船山实验中学", "school", "船山大道88号", ["venue", "volunteers"], "周末开放操场和多功能厅；教师志愿者辅导作业"),
    ("衡阳市中心医院", "hospital", "解放大道38号", ["medical", "volunteers"], "每月一次进社区义诊，量血压、测血糖"),
    ("工商银行石鼓支行", "company", "中山北路12号", ["funds", "other"], "每年公益资金支持；防诈骗、理财知识宣讲"),
)
# Used only when no in-post member has reported in yet: (unit index, skills, when they can serve).
SKILLS = (
    (0, "作业辅导、书法", "周六上午"),
    (1, "量血压、健康咨询", "每月第二个周日"),
    (1, "护理、康复指导", "工作日晚上"),
    (2, "防诈骗宣讲、理财咨询", "周末"),
    (None, "水电维修、电路检修", "周末全天"),
)
ENTERED = (
    ("repair", "水电维修、电路检修", "社区物业维修班", "楼道、公共区域和困难户家中的水电小修", "工作日上午"),
    ("venue", "党群服务中心活动室", "西湖新村社区居委会", "可容纳40人，有投影", "工作日白天，提前一天预约"),
    ("medical", "上门健康随访", "青山街道社区卫生服务站", "为高龄、独居老人上门随访", "每周二、周四下午"),
)


@dataclass
class Plan:
    """One need of the demo and what became of it: `project` is (resource kind or words in its
    title, days ago it was made, steps done, days ago it was done or None) or None; `fate` is
    "" (as the project leaves it), "closed" or "cancelled"."""

    source: str  # visit / decision / request / entered
    text: str  # the visit's need, the decision's or the request's text, or the entered need's title
    days_ago: int
    project: tuple[str, int, int, int | None] | None = None
    fate: str = ""
    reason: str = ""
    category: str = "other"
    beneficiaries: int | None = None  # None: as raised (a request's counts those who also met it)
    first_group: bool = False  # an entered need of the first group (the demo leader's)


PLANS = (
    Plan("visit", "家里热水器坏了，老人不会找人修。", 75, ("水电维修", 72, 3, 60)),
    Plan("visit", "老人血压偏高，想请人陪同去社区卫生服务站复查。", 30, ("medical", 27, 1, None)),
    Plan("decision", "优先申报楼道照明和适老化扶手改造", 20, ("电路检修", 12, 0, None), beneficiaries=48),
    Plan("decision", "向社区申请增设集中充电桩", 14, None, beneficiaries=60),
    Plan("request", "下周三要去市中心医院复查，儿女都在外地，想找人陪一下。", 45, ("medical", 43, 3, 38)),
    Plan(
        "request",
        "电视没有信号了，一个人在家没事做，想请人看看。",
        50,
        fate="closed",
        reason="小组党员上门接好了机顶盒，不再需要外部资源",
    ),
    Plan("entered", "小学生放学后无人辅导作业", 40, ("作业辅导", 35, 2, None), category="volunteers", beneficiaries=15),
    Plan(
        "entered",
        "老年活动室缺少桌椅和书架",
        55,
        ("funds", 50, 1, None),
        fate="cancelled",
        reason="银行今年的公益资金已用完，明年一季度再申请",
        category="funds",
        beneficiaries=60,
    ),
    Plan(
        "entered",
        "独居老人防诈骗知识讲座",
        80,
        ("防诈骗", 70, 3, 58),
        category="other",
        beneficiaries=36,
        first_group=True,
    ),
    Plan("entered", "邻里之间因房屋继承起纠纷，想请律师讲讲法律", 6, category="legal", beneficiaries=2),
)


def build_projects(site: DemoSite) -> None:
    demo = site.main
    admin = site.users["demo-admin"]
    now = timezone.now()
    _partners(demo, admin, now - timedelta(days=100))
    actions.list_partner_offers(demo.community, by=admin, now=now - timedelta(days=90))
    for kind, title, owner, description, capacity in ENTERED:
        actions.enter_resource(
            demo.community,
            by=admin,
            kind=kind,
            title=title,
            owner_name=owner,
            description=description,
            capacity=capacity,
            now=now - timedelta(days=90),
        )
    leader = site.users["demo-leader"]
    for plan in PLANS:
        need = _raise(demo, plan, admin, now)
        if need is not None:
            _carry_out(need, plan, admin, leader, now)
    _summarise(site, demo)


def _day(now: datetime, days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate(now) - timedelta(days=days_ago)
    return min(datetime.combine(day, time(hour), tzinfo=SHANGHAI), now - timedelta(minutes=5))


def _partners(demo: DemoCommunity, admin: User, when: datetime) -> None:
    """Three partner units and five in-post members, unless the 双报到 step made them already."""
    community = demo.community
    units = list(PartnerUnit.objects.filter(community=community).order_by("pk"))
    if not units:
        units = [
            PartnerUnit.objects.create(
                community=community,
                name=name,
                kind=kind,
                address=address,
                party_org=f"{name}党委",
                offers=offers,
                offers_note=note,
            )
            for name, kind, address, offers, note in UNITS
        ]
    if ReportIn.objects.filter(community=community, status=ReportIn.Status.CONFIRMED).exclude(skills="").exists():
        return
    working = Member.objects.filter(
        community=community, employment=Member.Employment.WORKING, group__isnull=False, resident__phone__gt=""
    ).select_related("resident__household")
    people = list(working.exclude(report_ins__isnull=False).order_by("pk")[: len(SKILLS)])
    for member, (unit_index, skills, available) in zip(people, SKILLS, strict=False):
        unit = units[unit_index % len(units)] if unit_index is not None else None
        report = ReportIn.objects.create(
            community=community,
            name=member.resident.name,
            phone=member.resident.phone,
            unit=unit,
            workplace="" if unit else "国网衡阳供电公司",
            workplace_party_org=unit.party_org if unit else "国网衡阳供电公司党委",
            household=member.resident.household,
            skills=skills,
            available=available,
            submitted_at=when,
        )
        partners.confirm(report, by=admin, now=when + timedelta(hours=2))


def _in_first_group(rows: object, field: str, demo: DemoCommunity) -> object:
    """The rows of the first group first, so the demo leader sees the needs on their phone."""
    group = demo.groups.get(FIRST_GROUP_BUILDING)
    first = rows.filter(**{field: group}).first() if group else None
    return first or rows.first()


def _raise(demo: DemoCommunity, plan: Plan, admin: User, now: datetime) -> Need | None:
    when = _day(now, plan.days_ago)
    community = demo.community
    if plan.source == "visit":
        visits = Visit.objects.filter(community=community, needs=plan.text, need__isnull=True, visited_at__lt=when)
        source = _in_first_group(visits.order_by("-visited_at"), "household__stairwell__group", demo)
        raise_need = actions.need_from_visit
    elif plan.source == "decision":
        decisions = Decision.objects.filter(meeting__community=community, text=plan.text, need__isnull=True)
        source = _in_first_group(decisions.filter(meeting__held_at__lt=when), "meeting__group", demo)
        raise_need = actions.need_from_decision
    elif plan.source == "request":
        requests = Request.objects.filter(
            ~Q(status=Status.MERGED), community=community, description=plan.text, created_at__lt=when
        )
        source = _in_first_group(requests.filter(need__isnull=True).order_by("-created_at"), "group", demo)
        raise_need = actions.need_from_request
    else:
        return actions.enter_need(
            community,
            by=admin,
            title=plan.text,
            category=plan.category,
            beneficiaries=plan.beneficiaries or 1,
            group=demo.groups.get(FIRST_GROUP_BUILDING) if plan.first_group else None,
            now=when,
        )
    if source is None:
        return None
    need = raise_need(source, by=admin, now=when)
    if plan.beneficiaries is not None and plan.beneficiaries != need.beneficiaries:
        need = actions.update_need(
            need,
            by=admin,
            title=need.title,
            category=need.category,
            description=need.description,
            beneficiaries=plan.beneficiaries,
        )
    return need


def _resource(need: Need, wanted: str) -> Resource | None:
    """The resource named by its kind or by words of its title; else the platform's first suggestion
    (the 双报到 step's members may have other skills than the ones named here)."""
    rows = Resource.objects.filter(community_id=need.community_id, active=True).order_by("pk")
    found = rows.filter(Q(kind=wanted) | Q(title__contains=wanted)).first()
    if found is None:
        suggested = suggest(need, rows, limit=1)
        found = suggested[0].resource if suggested else None
    return found


def _carry_out(need: Need, plan: Plan, admin: User, leader: User, now: datetime) -> None:
    if plan.fate == "closed":
        actions.close_need(need, by=admin, reason=plan.reason, now=_day(now, plan.days_ago - 3))
    if plan.project is None:
        return
    wanted, made_ago, steps_done, done_ago = plan.project
    resource = _resource(need, wanted)
    if resource is None:
        return
    made = _day(now, made_ago, 9)
    owner = leader if leader in actions.owners_for(need) else admin
    project = actions.start_project(
        need, resource, by=admin, owner=owner, due_on=(made + timedelta(days=45)).date(), now=made
    )
    start = timezone.localdate(made)
    span = (timezone.localdate(now) - timedelta(days=done_ago or 0) - start).days
    for n, step in enumerate(list(project.steps.all())[:steps_done], 1):  # spread evenly up to the end
        actions.mark_step(step, by=owner, done_on=start + timedelta(days=span * n // (steps_done + 1)), now=now)
    if done_ago is not None:
        finished = _day(now, done_ago, 16)
        actions.finish(project, by=owner, done_on=finished.date(), beneficiaries=need.beneficiaries, now=finished)
    elif plan.fate == "cancelled":
        actions.cancel(project, by=admin, reason=plan.reason)


def _summarise(site: DemoSite, demo: DemoCommunity) -> None:
    community = demo.community
    needs = Need.objects.filter(community=community)
    projects = Project.objects.filter(community=community)
    site.summary.append(
        "  三个清单：需求 "
        + "，".join(f"{label} {needs.filter(status=value).count()}" for value, label in Need.Status.choices)
        + f"；资源 {Resource.objects.filter(community=community).count()} 项；项目 "
        + "，".join(f"{label} {projects.filter(status=value).count()}" for value, label in Project.Status.choices)
    )
