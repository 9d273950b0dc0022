"""Projects: 立项 (a need and a resource), their steps, and done or cancelled."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import changes, record
from loudong.accounts.models import Role, User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.shanghai import local_date
from loudong.projects.access import may_run_group
from loudong.projects.actions.base import Action, clean_count, clean_text
from loudong.projects.actions.needs import require_runner
from loudong.projects.models import RUNNING, Need, Project, ProjectStep, Resource

# The steps a project starts with; the owner adds, removes and dates them.
FIRST_STEPS = ("联系资源提供方，商定内容和时间", "组织实施", "回访受益居民")


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
    need = Need.objects.select_for_update(of=("self",)).select_related("community", "group").get(pk=need.pk)
    require_runner(by, need)
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
        title=clean_text(title or need.title, "项目名称", 60),
        owner=owner,
        beneficiaries=need.beneficiaries,
        due_on=due_on,
        created_by=by,
        created_at=now,
    )
    ProjectStep.objects.bulk_create(
        ProjectStep(project=project, position=n, text=clean_text(text, "步骤", 100)) for n, text in enumerate(steps, 1)
    )
    need.status = Need.Status.MATCHED
    need.save(update_fields=["status"])
    record(http, Action.CREATE, project, actor=by, detail={
        "需求": need.title, "资源": str(resource), "changes": changes({}, _project_snapshot(project)),
    })  # fmt: skip
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display(), "项目": project.title})
    return project


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("need__community", "owner", "resource")
        .get(pk=project.pk)
    )


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
    project.title, project.owner, project.due_on = clean_text(title, "项目名称", 60), owner, due_on
    project.beneficiaries = clean_count(beneficiaries, "受益人数")
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
    step = ProjectStep.objects.create(
        project=project, position=position, text=clean_text(text, "步骤", 100), due_on=due_on
    )
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
    project.beneficiaries = clean_count(beneficiaries, "受益人数")
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
    project.status, project.cancel_reason = Project.Status.CANCELLED, clean_text(reason, "取消原因", 200)
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
