"""The three lists: GET /communities/{code}/needs, /resources, /projects, 50 a page, scoped as the
pages (loudong.projects.access): the admin reads the community's, a leader their groups' needs and
projects and the resources they may name; anyone else finds the community not found (404).
No person's phone or ID number is in them; an in-post member is named as the pages name them."""

from datetime import date, datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from loudong.api.auth import BearerToken
from loudong.api.errors import ErrorOut
from loudong.projects.access import lists_community, resource_scope
from loudong.projects.models import RUNNING, Need, Project, Resource
from loudong.registry.views_common import page_of

router = Router(auth=BearerToken(), tags=["需求、资源和项目"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="页码，每页 50 条")


class NeedQuery(PageQuery):
    status: Need.Status | None = Field(
        None, description="只列这个状态的需求：open 待对接、matched 已立项、met 已满足、closed 已关闭"
    )


class ResourceQuery(PageQuery):
    active: bool | None = Field(None, description="true 只列可用的，false 只列已停用的")


class ProjectQuery(PageQuery):
    status: Project.Status | None = Field(
        None, description="只列这个状态的项目：planned 计划中、in_progress 进行中、done 已完成、cancelled 已取消"
    )


class NeedOut(Schema):
    id: int
    title: str
    description: str
    category: str = Field(description="需要的资源类型代码，如 repair")
    category_label: str
    source: str = Field(description="request 点单、meeting 议事会决定、visit 敲门问需、entered 社区录入")
    request_number: str | None = Field(description="来自点单时，点单编号")
    group: str | None
    building: str | None
    beneficiaries: int
    status: str
    status_label: str
    raised_at: datetime
    met_at: datetime | None


class ResourceOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    description: str
    capacity: str
    source: str = Field(description="unit 共建单位、member 在职党员、entered 社区录入")
    owner: str
    building: str | None
    active: bool
    running_projects: int = Field(description="手上在办（计划中、进行中）的项目数")


class StepOut(Schema):
    text: str
    due_on: date | None
    done_on: date | None


class ProjectOut(Schema):
    id: int
    title: str
    need_id: int
    resource_id: int
    owner: str | None
    beneficiaries: int
    due_on: date | None
    done_on: date | None
    status: str
    status_label: str
    created_at: datetime
    steps: list[StepOut]


class NeedPage(PageQuery):
    count: int
    pages: int
    results: list[NeedOut]


class ResourcePage(PageQuery):
    count: int
    pages: int
    results: list[ResourceOut]


class ProjectPage(PageQuery):
    count: int
    pages: int
    results: list[ProjectOut]


def _page(rows: object, number: int, out: object) -> dict:
    page = page_of(rows, number)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [out(row) for row in page.object_list],
    }


def need_out(need: Need) -> dict:
    return {
        "id": need.pk,
        "title": need.title,
        "description": need.description,
        "category": need.category,
        "category_label": need.get_category_display(),
        "source": need.source,
        "request_number": need.request.number if need.request_id else None,
        "group": need.group.name if need.group_id else None,
        "building": need.building.name if need.building_id else None,
        "beneficiaries": need.beneficiaries,
        "status": need.status,
        "status_label": need.get_status_display(),
        "raised_at": need.raised_at,
        "met_at": need.met_at,
    }


def resource_out(resource: Resource) -> dict:
    return {
        "id": resource.pk,
        "title": resource.title,
        "kind": resource.kind,
        "kind_label": resource.get_kind_display(),
        "description": resource.description,
        "capacity": resource.capacity,
        "source": resource.source,
        "owner": resource.owner_label,
        "building": resource.building.name if resource.building_id else None,
        "active": resource.active,
        "running_projects": resource.running,
    }


def project_out(project: Project) -> dict:
    return {
        "id": project.pk,
        "title": project.title,
        "need_id": project.need_id,
        "resource_id": project.resource_id,
        "owner": str(project.owner) if project.owner_id else None,
        "beneficiaries": project.beneficiaries,
        "due_on": project.due_on,
        "done_on": project.done_on,
        "status": project.status,
        "status_label": project.get_status_display(),
        "created_at": project.created_at,
        "steps": [{"text": s.text, "due_on": s.due_on, "done_on": s.done_on} for s in project.steps.all()],
    }


@router.get("/communities/{code}/needs", response={200: NeedPage, **ERRORS})
def needs(request: HttpRequest, code: str, query: Query[NeedQuery]) -> dict:
    """需求清单, newest first."""
    community = lists_community(request.auth, code)
    rows = Need.objects.visible_to(request.auth, community).select_related("group", "building", "request")
    if query.status:
        rows = rows.filter(status=query.status)
    return _page(rows, query.page, need_out)


@router.get("/communities/{code}/resources", response={200: ResourcePage, **ERRORS})
def resources(request: HttpRequest, code: str, query: Query[ResourceQuery]) -> dict:
    """资源清单, by kind and title (not ranked)."""
    community = lists_community(request.auth, code)
    rows = Resource.objects.filter(resource_scope(request.auth, community), community=community)
    if query.active is not None:
        rows = rows.filter(active=query.active)
    rows = rows.select_related("unit", "member__resident", "building").annotate(
        running=Count("projects", filter=Q(projects__status__in=RUNNING))
    )
    rows = rows.order_by("kind", "title", "pk")  # a GROUP BY forgets Meta.ordering
    return _page(rows, query.page, resource_out)


@router.get("/communities/{code}/projects", response={200: ProjectPage, **ERRORS})
def projects(request: HttpRequest, code: str, query: Query[ProjectQuery]) -> dict:
    """项目清单, newest first, each with its steps in order."""
    community = lists_community(request.auth, code)
    rows = Project.objects.visible_to(request.auth, community).select_related("owner").prefetch_related("steps")
    if query.status:
        rows = rows.filter(status=query.status)
    return _page(rows, query.page, project_out)
