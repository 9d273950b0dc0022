"""The one write path of the three lists: raising needs (from a request, a meeting's decision, a
visit, or by hand), listing resources, making a project of a need and a resource, and running it
step by step to done. Each action checks who acts, runs in one transaction and writes the audit
log; the project's page shows its entries as the project's history.

A refusal raises ActionRefused with a Chinese message and changes nothing. Every action takes
`now=` so the demo and tests can write history with a fixed clock.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry, Role, User
from loudong.community_life.meetings.access import may_run as may_run_meeting
from loudong.community_life.meetings.models import Decision
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.shanghai import local_date
from loudong.outreach.models import Visit
from loudong.partners.models import Offer, PartnerUnit, ReportIn
from loudong.projects.access import may_enter, may_run_group
from loudong.projects.kinds import guess_kind
from loudong.projects.models import RUNNING, Need, Project, ProjectStep, Resource
from loudong.registry.models import Building, Community
from loudong.tickets.access import is_dispatcher
from loudong.tickets.models import Request, Status

Action = AuditEntry.Action
MAX_BENEFICIARIES = 100_000
# The steps a project starts with; the owner adds, removes and dates them.
FIRST_STEPS = ("联系资源提供方，商定内容和时间", "组织实施", "回访受益居民")


def _text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionRefused(f"请填写{what}。")
    if len(value) > limit:
        raise ActionRefused(f"{what}最多 {limit} 个字，现在是 {len(value)} 个字。")
    return value


def _count(value: int, what: str) -> int:
    if not 0 <= int(value) <= MAX_BENEFICIARIES:
        raise ActionRefused(f"{what}须在 0 到 {MAX_BENEFICIARIES} 之间。")
    return int(value)


def _kind(value: str) -> str:
    if value not in Offer.values:
        raise ActionRefused("请选择需要的资源类型。")
    return value


def _title_of(text: str) -> str:
    """A need's short title from a longer text: its first line, cut at 40 characters."""
    first = " ".join((text or "").strip().splitlines()[:1]).strip()
    return first if len(first) <= 40 else first[:39] + "…"


# ---- needs ------------------------------------------------------------------------------------


def _need_snapshot(need: Need) -> dict:
    return {
        "需求": need.title,
        "需要的资源": need.get_category_display(),
        "受益人数": need.beneficiaries,
        "党小组": need.group.name if need.group_id else "",
        "楼栋": need.building.name if need.building_id else "",
        "状态": need.get_status_display(),
    }


def _create_need(http: HttpRequest | None, by: User, now: datetime | None, **fields: object) -> Need:
    need = Need.objects.create(raised_by=by, raised_at=now or timezone.now(), **fields)
    record(
        http,
        Action.CREATE,
        need,
        actor=by,
        detail={"来源": need.get_source_display(), "changes": changes({}, _need_snapshot(need))},
    )
    return need


@atomic_action
def need_from_request(req: Request, *, by: User, http: HttpRequest | None = None, now: datetime | None = None) -> Need:
    """需要资源: the request's group cannot meet it alone; it goes on the needs list, once."""
    req = Request.objects.select_for_update().select_related("building").get(pk=req.pk)
    if not is_dispatcher(by, req):
        raise ActionRefused("只有本小组的组长或社区管理员可以把点单列入需求清单。")
    if Need.objects.filter(request=req).exists():
        raise ActionRefused("这件点单已经列入需求清单了。")
    if req.status == Status.MERGED:
        raise ActionRefused("这件点单已合并到另一件点单，请在那件点单上操作。")
    return _create_need(
        http,
        by,
        now,
        community_id=req.community_id,
        group_id=req.group_id,
        building=req.building,
        title=_title_of(f"{req.category_name}：{req.description}"),
        description=req.description,
        category=guess_kind(f"{req.category_name} {req.description}"),
        source=Need.Source.REQUEST,
        request=req,
        beneficiaries=1 + req.support_count,
    )


@atomic_action
def need_from_decision(
    decision: Decision, *, by: User, http: HttpRequest | None = None, now: datetime | None = None
) -> Need:
    """A meeting decided something the group needs help with: it goes on the needs list, once."""
    decision = Decision.objects.select_for_update().select_related("meeting__community").get(pk=decision.pk)
    meeting = decision.meeting
    if not may_run_meeting(by, meeting):
        raise ActionRefused("只有本小组的组长或社区管理员可以把会议决定列入需求清单。")
    if Need.objects.filter(decision=decision).exists():
        raise ActionRefused("这项决定已经列入需求清单了。")
    building = meeting.agenda.exclude(building=None).values_list("building", flat=True).first()
    return _create_need(
        http,
        by,
        now,
        community_id=meeting.community_id,
        group_id=meeting.group_id,
        building_id=building,
        title=_title_of(decision.text),
        description=f"{meeting}议事会决定：{decision.text}",
        category=guess_kind(decision.text),
        source=Need.Source.MEETING,
        decision=decision,
    )


def may_raise_from_visit(user: User, visit: Visit) -> bool:
    return bool(visit.needs.strip()) and may_run_group(
        user, visit.household.community, visit.household.stairwell.group_id
    )


@atomic_action
def need_from_visit(visit: Visit, *, by: User, http: HttpRequest | None = None, now: datetime | None = None) -> Need:
    """A need found at a door that the group cannot meet alone: it goes on the needs list, once."""
    visit = Visit.objects.select_for_update().select_related("household__stairwell__building").get(pk=visit.pk)
    if not visit.needs.strip():
        raise ActionRefused("这次走访没有记录需求。")
    if not may_raise_from_visit(by, visit):
        raise ActionRefused("只有本小组的组长或社区管理员可以把走访发现的需求列入需求清单。")
    if Need.objects.filter(visit=visit).exists():
        raise ActionRefused("这次走访发现的需求已经列入需求清单了。")
    stairwell = visit.household.stairwell
    return _create_need(
        http,
        by,
        now,
        community_id=visit.community_id,
        group_id=stairwell.group_id,
        building=stairwell.building,
        title=_title_of(visit.needs),
        description=visit.needs,
        category=guess_kind(visit.needs),
        source=Need.Source.VISIT,
        visit=visit,
    )


def _check_place(community: Community, group: BuildingGroup | None, building: Building | None) -> None:
    if group is not None and group.community_id != community.pk:
        raise ActionRefused("所选党小组不在本社区。")
    if building is not None and building.community_id != community.pk:
        raise ActionRefused("所选楼栋不在本社区。")


@atomic_action
def enter_need(
    community: Community,
    *,
    by: User,
    title: str,
    category: str,
    description: str = "",
    group: BuildingGroup | None = None,
    building: Building | None = None,
    beneficiaries: int = 1,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Need:
    if not may_enter(by, community):
        raise ActionRefused("只有社区管理员可以录入需求。")
    _check_place(community, group, building)
    return _create_need(
        http,
        by,
        now,
        community=community,
        group=group,
        building=building,
        title=_text(title, "需求", 60),
        description=_text(description, "具体情况", 2000, required=False),
        category=_kind(category),
        beneficiaries=_count(beneficiaries, "受益人数"),
        source=Need.Source.ENTERED,
    )


def _require_runner(by: User, need: Need) -> None:
    if not may_run_group(by, need.community, need.group_id):
        raise ActionRefused("只有本小组的组长或社区管理员可以修改这项需求。")


@atomic_action
def update_need(
    need: Need,
    *,
    by: User,
    title: str,
    category: str,
    description: str,
    beneficiaries: int,
    http: HttpRequest | None = None,
) -> Need:
    _require_runner(by, need)
    before = _need_snapshot(need)
    need.title, need.category = _text(title, "需求", 60), _kind(category)
    need.description = _text(description, "具体情况", 2000, required=False)
    need.beneficiaries = _count(beneficiaries, "受益人数")
    need.save(update_fields=["title", "category", "description", "beneficiaries"])
    if diff := changes(before, _need_snapshot(need)):
        record(http, Action.UPDATE, need, actor=by, detail={"changes": diff})
    return need


@atomic_action
def close_need(
    need: Need, *, by: User, reason: str, http: HttpRequest | None = None, now: datetime | None = None
) -> Need:
    """关闭: the need is no longer to be met (moved away, met otherwise, not feasible), with a reason."""
    need = Need.objects.select_for_update().select_related("community").get(pk=need.pk)
    _require_runner(by, need)
    if need.status in (Need.Status.MET, Need.Status.CLOSED):
        raise ActionRefused(f"这项需求{need.get_status_display()}，不用再关闭。")
    if need.projects.running().exists():
        raise ActionRefused("这项需求还有在办的项目，请先取消项目再关闭需求。")
    need.status, need.close_reason = Need.Status.CLOSED, _text(reason, "关闭原因", 200)
    need.closed_at = now or timezone.now()
    need.save(update_fields=["status", "close_reason", "closed_at"])
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display(), "原因": need.close_reason})
    return need


@atomic_action
def reopen_need(need: Need, *, by: User, http: HttpRequest | None = None) -> Need:
    need = Need.objects.select_for_update().select_related("community").get(pk=need.pk)
    _require_runner(by, need)
    if need.status != Need.Status.CLOSED:
        raise ActionRefused("只有已关闭的需求可以重新打开。")
    need.status, need.close_reason, need.closed_at = Need.Status.OPEN, "", None
    need.save(update_fields=["status", "close_reason", "closed_at"])
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display()})
    return need


# ---- resources --------------------------------------------------------------------------------


def _resource_snapshot(resource: Resource) -> dict:
    return {
        "资源": resource.title,
        "资源类型": resource.get_kind_display(),
        "提供方": resource.owner_label,
        "能提供多少、什么时间": resource.capacity,
        "可用": resource.active,
    }


@atomic_action
def enter_resource(
    community: Community,
    *,
    by: User,
    kind: str,
    title: str,
    owner_name: str,
    description: str = "",
    capacity: str = "",
    building: Building | None = None,
    place: str = "",
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Resource:
    if not may_enter(by, community):
        raise ActionRefused("只有社区管理员可以录入资源。")
    _check_place(community, None, building)
    resource = Resource.objects.create(
        community=community,
        kind=_kind(kind),
        title=_text(title, "资源", 60),
        owner_name=_text(owner_name, "提供方", 100),
        description=_text(description, "说明", 300, required=False),
        capacity=_text(capacity, "能提供多少、什么时间", 100, required=False),
        building=building,
        place=_text(place, "地点", 150, required=False),
        source=Resource.Source.ENTERED,
        created_by=by,
        created_at=now or timezone.now(),
    )
    record(http, Action.CREATE, resource, actor=by, detail={"changes": changes({}, _resource_snapshot(resource))})
    return resource


def unlisted_offers(community: Community) -> tuple[list[tuple[PartnerUnit, str]], list[ReportIn]]:
    """What the partners offer that the resources list does not hold yet: (unit, kind) of the active
    units' offers, and the confirmed reports-in of members with skills."""
    listed = set(Resource.objects.filter(community=community, unit__isnull=False).values_list("unit_id", "kind"))
    units = [
        (unit, kind)
        for unit in PartnerUnit.objects.filter(community=community).active().order_by("name", "pk")
        for kind in unit.offers
        if kind in Offer.values and (unit.pk, kind) not in listed
    ]
    members = list(
        ReportIn.objects.filter(
            community=community,
            status=ReportIn.Status.CONFIRMED,
            member__isnull=False,
            resource__isnull=True,
        )
        .exclude(skills="")
        .select_related("unit", "member__resident", "household__stairwell__building")
        .order_by("submitted_at", "pk")
    )
    return units, members


def _unit_resource(unit: PartnerUnit, kind: str, by: User, now: datetime) -> Resource:
    return Resource(
        community_id=unit.community_id,
        kind=kind,
        title=f"{Offer(kind).label}",
        description=unit.offers_note[:300],
        source=Resource.Source.UNIT,
        unit=unit,
        owner_name=unit.name[:100],
        place=unit.address[:150],
        created_by=by,
        created_at=now,
    )


def _member_resource(report: ReportIn, by: User, now: datetime) -> Resource:
    skills = "、".join(report.skill_tags)
    household = report.household
    return Resource(
        community_id=report.community_id,
        kind=guess_kind(f"{skills} {report.skills_note}"),
        title=_title_of(skills)[:60],
        description=report.skills_note[:300],
        capacity=report.available[:100],
        source=Resource.Source.MEMBER,
        report_in=report,
        member=report.member,
        building=household.stairwell.building if household is not None else None,
        created_by=by,
        created_at=now,
    )


@atomic_action
def list_partner_offers(
    community: Community, *, by: User, http: HttpRequest | None = None, now: datetime | None = None
) -> list[Resource]:
    """列入资源清单: every offer of an active partner unit and every confirmed in-post member's skills
    not listed yet becomes a resource (running it again adds nothing)."""
    if not may_enter(by, community):
        raise ActionRefused("只有社区管理员可以把共建单位和报到党员的资源列入清单。")
    now = now or timezone.now()
    units, members = unlisted_offers(community)
    made = [_unit_resource(unit, kind, by, now) for unit, kind in units]
    made += [_member_resource(report, by, now) for report in members]
    for resource in made:
        resource.save()
        record(
            http,
            Action.CREATE,
            resource,
            actor=by,
            detail={"来源": resource.get_source_display(), "changes": changes({}, _resource_snapshot(resource))},
        )
    return made


@atomic_action
def set_resource_active(resource: Resource, active: bool, *, by: User, http: HttpRequest | None = None) -> Resource:
    """停用 / 启用: a resource no longer offered is kept (its projects keep it) but not suggested."""
    if not may_enter(by, resource.community):
        raise ActionRefused("只有社区管理员可以停用或启用资源。")
    if resource.active == active:
        return resource
    before = _resource_snapshot(resource)
    resource.active = active
    resource.save(update_fields=["active"])
    record(http, Action.UPDATE, resource, actor=by, detail={"changes": changes(before, _resource_snapshot(resource))})
    return resource


# ---- projects ---------------------------------------------------------------------------------


def _project_snapshot(project: Project) -> dict:
    return {
        "项目名称": project.title,
        "负责人": str(project.owner) if project.owner_id else "",
        "受益人数": project.beneficiaries,
        "计划完成日期": project.due_on.isoformat() if project.due_on else "",
        "状态": project.get_status_display(),
    }


def owners_for(need: Need) -> list[User]:
    """Who may own a project of this need: the community's admins and the leaders of its group."""
    held = Q(grants__community_id=need.community_id, grants__role=Role.ADMIN)
    if need.group_id:
        held |= Q(grants__role=Role.LEADER, grants__group_id=need.group_id)
    return list(User.objects.filter(held, is_active=True).distinct().order_by("display_name", "username"))


def _check_owner(need: Need, owner: User) -> None:
    if owner.pk not in {u.pk for u in owners_for(need)}:
        raise ActionRefused(f"{owner}不是本社区管理员或本小组组长，不能做项目负责人。")


def _check_due(due_on: date | None, today: date) -> None:
    if due_on is not None and due_on < today:
        raise ActionRefused("计划完成日期不能早于今天。")


@atomic_action
def start_project(
    need: Need,
    resource: Resource,
    *,
    by: User,
    owner: User | None = None,
    title: str = "",
    due_on: date | None = None,
    steps: Iterable[str] = FIRST_STEPS,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Project:
    """立项: the need and the resource become a project (planned), owned by `owner` (the one who
    makes it, unless named), with its first steps; the need is 已立项."""
    now = now or timezone.now()
    need = Need.objects.select_for_update().select_related("community", "group").get(pk=need.pk)
    _require_runner(by, need)
    if need.status != Need.Status.OPEN:
        raise ActionRefused(f"这项需求{need.get_status_display()}，不能再立项。")
    if resource.community_id != need.community_id:
        raise ActionRefused("所选资源不在本社区。")
    if not resource.active:
        raise ActionRefused("所选资源已停用，请选别的资源。")
    owner = owner or by
    _check_owner(need, owner)
    _check_due(due_on, local_date(now))
    project = Project.objects.create(
        community_id=need.community_id,
        need=need,
        resource=resource,
        title=_text(title or need.title, "项目名称", 60),
        owner=owner,
        beneficiaries=need.beneficiaries,
        due_on=due_on,
        created_by=by,
        created_at=now,
    )
    ProjectStep.objects.bulk_create(
        ProjectStep(project=project, position=n, text=_text(text, "步骤", 100)) for n, text in enumerate(steps, 1)
    )
    need.status = Need.Status.MATCHED
    need.save(update_fields=["status"])
    record(http, Action.CREATE, project, actor=by, detail={
        "需求": need.title, "资源": str(resource), "changes": changes({}, _project_snapshot(project)),
    })  # fmt: skip
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display(), "项目": project.title})
    return project


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("need__community", "owner", "resource").get(pk=project.pk)


def may_run(user: User, project: Project) -> bool:
    return may_run_group(user, project.need.community, project.need.group_id)


def _require_running(by: User, project: Project) -> None:
    if not may_run(by, project):
        raise ActionRefused("只有本小组的组长或社区管理员可以修改这个项目。")
    if not project.is_running:
        raise ActionRefused(f"项目{project.get_status_display()}，不能再修改。")


@atomic_action
def update_project(
    project: Project,
    *,
    by: User,
    title: str,
    owner: User,
    beneficiaries: int,
    due_on: date | None,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Project:
    project = _lock(project)
    _require_running(by, project)
    _check_owner(project.need, owner)
    if due_on != project.due_on:
        _check_due(due_on, local_date(now or timezone.now()))
    before = _project_snapshot(project)
    project.title, project.owner, project.due_on = _text(title, "项目名称", 60), owner, due_on
    project.beneficiaries = _count(beneficiaries, "受益人数")
    project.save(update_fields=["title", "owner", "beneficiaries", "due_on"])
    if diff := changes(before, _project_snapshot(project)):
        record(http, Action.UPDATE, project, actor=by, detail={"changes": diff})
    return project


def _to_in_progress(project: Project, by: User, http: HttpRequest | None) -> None:
    if project.status == Project.Status.PLANNED:
        project.status = Project.Status.IN_PROGRESS
        project.save(update_fields=["status"])
        record(http, Action.UPDATE, project, actor=by, detail={"状态": project.get_status_display()})


@atomic_action
def add_step(
    project: Project, *, by: User, text: str, due_on: date | None = None, http: HttpRequest | None = None
) -> ProjectStep:
    project = _lock(project)
    _require_running(by, project)
    position = (project.steps.aggregate(m=Max("position"))["m"] or 0) + 1
    step = ProjectStep.objects.create(project=project, position=position, text=_text(text, "步骤", 100), due_on=due_on)
    record(http, Action.UPDATE, project, actor=by, detail={"新增步骤": step.text})
    return step


@atomic_action
def remove_step(step: ProjectStep, *, by: User, http: HttpRequest | None = None) -> None:
    project = _lock(step.project)
    _require_running(by, project)
    step = ProjectStep.objects.select_for_update().get(pk=step.pk)
    if step.is_done:
        raise ActionRefused("已完成的步骤不能删除。")
    record(http, Action.UPDATE, project, actor=by, detail={"删除步骤": step.text})
    step.delete()


@atomic_action
def mark_step(
    step: ProjectStep,
    *,
    by: User,
    done_on: date | None,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> ProjectStep:
    """A step done on a date (not later than today, not before the project was made), or not done
    after all (None). The first step done puts a planned project in progress."""
    project = _lock(step.project)
    _require_running(by, project)
    step = ProjectStep.objects.select_for_update().get(pk=step.pk)
    if done_on is not None:
        today = local_date(now or timezone.now())
        if done_on > today:
            raise ActionRefused("完成日期不能晚于今天。")
        if done_on < local_date(project.created_at):
            raise ActionRefused("完成日期不能早于立项日期。")
    step.done_on = done_on
    step.save(update_fields=["done_on"])
    detail = {"步骤": step.text, "完成日期": done_on.isoformat() if done_on else "未完成"}
    record(http, Action.UPDATE, project, actor=by, detail=detail)
    if done_on is not None:
        _to_in_progress(project, by, http)
    return step


@atomic_action
def begin(project: Project, *, by: User, http: HttpRequest | None = None) -> Project:
    project = _lock(project)
    _require_running(by, project)
    if project.status != Project.Status.PLANNED:
        raise ActionRefused("项目已经在进行中了。")
    _to_in_progress(project, by, http)
    return project


@atomic_action
def finish(
    project: Project,
    *,
    by: User,
    done_on: date,
    beneficiaries: int,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Project:
    """完成: the project is done on `done_on`, having served `beneficiaries` people; its need is met.
    Every step must be done first (or removed)."""
    project = _lock(project)
    _require_running(by, project)
    now = now or timezone.now()
    if done_on > local_date(now):
        raise ActionRefused("完成日期不能晚于今天。")
    if done_on < local_date(project.created_at):
        raise ActionRefused("完成日期不能早于立项日期。")
    left = project.steps.filter(done_on=None).count()
    if left:
        raise ActionRefused(f"还有 {left} 个步骤没有完成，请先勾选完成或删除。")
    before = _project_snapshot(project)
    project.status, project.done_on = Project.Status.DONE, done_on
    project.beneficiaries = _count(beneficiaries, "受益人数")
    project.save(update_fields=["status", "done_on", "beneficiaries"])
    record(http, Action.UPDATE, project, actor=by, detail={
        "完成日期": done_on.isoformat(), "changes": changes(before, _project_snapshot(project)),
    })  # fmt: skip
    need = Need.objects.select_for_update().get(pk=project.need_id)
    need.status, need.met_at = Need.Status.MET, now
    need.save(update_fields=["status", "met_at"])
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display(), "项目": project.title})
    return project


@atomic_action
def cancel(project: Project, *, by: User, reason: str, http: HttpRequest | None = None) -> Project:
    """取消: the project stops, with a reason; its need is open again for another resource."""
    project = _lock(project)
    _require_running(by, project)
    project.status, project.cancel_reason = Project.Status.CANCELLED, _text(reason, "取消原因", 200)
    project.save(update_fields=["status", "cancel_reason"])
    record(
        http,
        Action.UPDATE,
        project,
        actor=by,
        detail={"状态": project.get_status_display(), "原因": project.cancel_reason},
    )
    need = Need.objects.select_for_update().get(pk=project.need_id)
    if need.status == Need.Status.MATCHED and not need.projects.filter(status__in=RUNNING).exists():
        need.status = Need.Status.OPEN
        need.save(update_fields=["status"])
        record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display(), "项目": project.title})
    return project
