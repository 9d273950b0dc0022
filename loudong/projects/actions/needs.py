"""Raising needs: from a request, a meeting's decision or a visit (once each), or by the admin; changing,
closing and reopening them."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import changes, record
from loudong.accounts.models import User
from loudong.community_life.meetings.access import may_run as may_run_meeting
from loudong.community_life.meetings.models import Decision
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.outreach.models import Visit
from loudong.projects.access import may_enter, may_run_group
from loudong.projects.actions.base import Action, check_place, clean_count, clean_kind, clean_text, title_of
from loudong.projects.kinds import guess_kind
from loudong.projects.models import Need
from loudong.registry.models import Building, Community
from loudong.tickets.access import is_dispatcher
from loudong.tickets.models import Request, Status

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
    req = Request.objects.select_for_update(of=("self",)).select_related("building").get(pk=req.pk)
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
        title=title_of(f"{req.category_name}：{req.description}"),
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
    decision = Decision.objects.select_for_update(of=("self",)).select_related("meeting__community").get(pk=decision.pk)
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
        title=title_of(decision.text),
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
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("household__stairwell__building").get(pk=visit.pk)
    )
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
        title=title_of(visit.needs),
        description=visit.needs,
        category=guess_kind(visit.needs),
        source=Need.Source.VISIT,
        visit=visit,
    )


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
    check_place(community, group, building)
    return _create_need(
        http,
        by,
        now,
        community=community,
        group=group,
        building=building,
        title=clean_text(title, "需求", 60),
        description=clean_text(description, "具体情况", 2000, required=False),
        category=clean_kind(category),
        beneficiaries=clean_count(beneficiaries, "受益人数"),
        source=Need.Source.ENTERED,
    )


def require_runner(by: User, need: Need) -> None:
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
    require_runner(by, need)
    before = _need_snapshot(need)
    need.title, need.category = clean_text(title, "需求", 60), clean_kind(category)
    need.description = clean_text(description, "具体情况", 2000, required=False)
    need.beneficiaries = clean_count(beneficiaries, "受益人数")
    need.save(update_fields=["title", "category", "description", "beneficiaries"])
    if diff := changes(before, _need_snapshot(need)):
        record(http, Action.UPDATE, need, actor=by, detail={"changes": diff})
    return need


@atomic_action
def close_need(
    need: Need, *, by: User, reason: str, http: HttpRequest | None = None, now: datetime | None = None
) -> Need:
    """关闭: the need is no longer to be met (moved away, met otherwise, not feasible), with a reason."""
    need = Need.objects.select_for_update(of=("self",)).select_related("community").get(pk=need.pk)
    require_runner(by, need)
    if need.status in (Need.Status.MET, Need.Status.CLOSED):
        raise ActionRefused(f"这项需求{need.get_status_display()}，不用再关闭。")
    if need.projects.running().exists():
        raise ActionRefused("这项需求还有在办的项目，请先取消项目再关闭需求。")
    need.status, need.close_reason = Need.Status.CLOSED, clean_text(reason, "关闭原因", 200)
    need.closed_at = now or timezone.now()
    need.save(update_fields=["status", "close_reason", "closed_at"])
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display(), "原因": need.close_reason})
    return need


@atomic_action
def reopen_need(need: Need, *, by: User, http: HttpRequest | None = None) -> Need:
    need = Need.objects.select_for_update(of=("self",)).select_related("community").get(pk=need.pk)
    require_runner(by, need)
    if need.status != Need.Status.CLOSED:
        raise ActionRefused("只有已关闭的需求可以重新打开。")
    need.status, need.close_reason, need.closed_at = Need.Status.OPEN, "", None
    need.save(update_fields=["status", "close_reason", "closed_at"])
    record(http, Action.UPDATE, need, actor=by, detail={"状态": need.get_status_display()})
    return need
