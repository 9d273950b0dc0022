"""Request endpoints (点单): list, place for a resident (代点单), read with its timeline, and every
staff transition, each through loudong.tickets.actions. Every POST honours `Idempotency-Key`."""

from collections.abc import Callable
from functools import wraps
from math import ceil
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from loudong.accounts import audit
from loudong.accounts.access import community_for
from loudong.accounts.models import AuditEntry, Role, User
from loudong.api.auth import BearerToken
from loudong.api.errors import ErrorOut
from loudong.api.idempotency import idempotent
from loudong.api.request_schemas import (
    ConfirmIn,
    DispatchIn,
    MergeIn,
    ReasonIn,
    RequestCreatedOut,
    RequestDetailOut,
    RequestIn,
    RequestPage,
    RequestQuery,
    ResolveIn,
    request_detail_out,
    request_out,
)
from loudong.policy.models import current_rules
from loudong.registry.models import Building, Household, Member, Resident, Stairwell
from loudong.tickets import actions
from loudong.tickets.actions.base import TransitionError, tracking_url
from loudong.tickets.models import Request, RequestQuerySet
from loudong.tickets.slip import slip_pdf

router = Router(auth=BearerToken(), tags=["点单"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}
RELATED = ("community", "building", "stairwell", "group", "assignee__resident")
ACTED = {200: RequestDetailOut, **ERRORS}
STAFF_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER}
# A request is a few lines of text; anything far larger is a mistake or an attack.
MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = "请求内容太大（最多 64 KB）"


def idempotency_doc() -> dict:
    """Documents the header the `idempotent` wrapper reads (ninja does not see it); a fresh dict each
    time, since ninja merges it into the operation's own."""
    return {"parameters": [{
        "in": "header", "name": "Idempotency-Key", "required": False,
        "description": "同一个键重试时返回第一次的结果，不会重复办理；24 小时内有效；内容不同的请求请换一个新键",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }]}  # fmt: skip


def capped(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Refuse oversized bodies before anything reads them."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return JsonResponse({"detail": TOO_LARGE}, status=413, json_dumps_params={"ensure_ascii": False})
        return run(request, *args, **kwargs)

    return wrapper


def scoped(user: User) -> RequestQuerySet:
    return Request.objects.visible_to(user).select_related(*RELATED)


def found(user: User, request_id: int, *, timeline: bool = False) -> Request:
    """The request if the user may see it; otherwise 404, exactly as if it did not exist."""
    return get_object_or_404(scoped(user).prefetch_related("events") if timeline else scoped(user), pk=request_id)


def reread(request_id: int) -> Request:
    return Request.objects.select_related(*RELATED).prefetch_related("events").get(pk=request_id)


def refused(message: str) -> Status:
    return Status(409, {"detail": message})


def invalid(message: str) -> Status:
    return Status(422, {"detail": message})


def transition(request: HttpRequest, request_id: int, do: Callable[[Request], object]) -> Status:
    """Run one action on a request the caller can see; a refusal is 409 with the action's reason."""
    user = request.auth
    req = found(user, request_id)
    try:
        do(req)
    except TransitionError as error:
        return refused(error.message)
    # Read back unscoped: after declining, a volunteer no longer sees the request, yet is owed the answer.
    return Status(200, request_detail_out(user, reread(req.pk)))


@router.get("/requests", response={200: RequestPage, **ERRORS})
def list_requests(request: HttpRequest, query: Query[RequestQuery]) -> dict:
    """Requests the caller may see (admin: the community; leader: the group's; volunteer: assigned to
    them or entered by them; resident: their own), newest first, 50 a page."""
    user = request.auth
    listed = scoped(user)
    if query.community:
        listed = listed.filter(community=community_for(user, query.community))
    if query.status:
        listed = listed.filter(status=query.status)
    if query.category:
        listed = listed.filter(category_code=query.category)
    if query.building is not None:
        listed = listed.filter(building_id=query.building)
    if query.updated_since is not None:
        since = query.updated_since
        listed = listed.filter(updated_at__gte=since if timezone.is_aware(since) else timezone.make_aware(since))
    count = listed.count()
    start = (query.page - 1) * query.per_page
    rows = listed.order_by("-created_at", "-id")[start : start + query.per_page] if start < count else []
    return {
        "count": count,
        "page": query.page,
        "pages": max(1, ceil(count / query.per_page)),
        "results": [request_out(user, r) for r in rows],
    }


@router.post("/requests", response={201: RequestCreatedOut, **ERRORS}, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def create_request(request: HttpRequest, body: RequestIn) -> Status:
    """代点单: a volunteer, leader or admin enters a request for a resident (door-knocking, a meeting,
    a call). Send `Idempotency-Key` so a retry after a lost answer does not file it twice."""
    user = request.auth
    community = community_for(user, body.community, STAFF_ROLES)
    rules = current_rules(community.pk)
    if rules.category(body.category_code) is None:
        return invalid(f"没有这个点单类别：{body.category_code}")
    building = Building.objects.filter(community=community, pk=body.building_id).first()
    if building is None:
        return invalid("所选楼栋不在本社区")
    stairwell = household = resident = None
    if body.stairwell_id is not None:
        stairwell = Stairwell.objects.select_related("group").filter(community=community, pk=body.stairwell_id).first()
        if stairwell is None:
            return invalid("所选单元不在本社区")
    if body.household_id is not None:
        household = Household.objects.filter(community=community, pk=body.household_id).first()
        if household is None:
            return invalid("所选房号不在本社区")
    if body.resident_id is not None:
        resident = Resident.objects.visible_to(user).filter(community=community, pk=body.resident_id).first()
        if resident is None:
            return invalid("所选居民不存在，或您无权查看")
    try:
        req = actions.place_request(
            community=community, building=building, stairwell=stairwell, household=household, room=body.room,
            category_code=body.category_code, kind=body.kind, channel=body.channel, description=body.description,
            contact_name=body.contact_name, contact_phone=body.contact_phone, anonymous=body.anonymous,
            resident=resident, by=user, rules=rules,
        )
    except TransitionError as error:
        return refused(error.message)
    # The placed request carries its community, building, stairwell and group already; it is answered
    # as entered even when outside the caller's later view (a leader entering for another group).
    receipt = f"{settings.PUBLIC_URL}{tracking_url(req)}"
    return Status(201, {**request_detail_out(user, req), "tracking_url": receipt})


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, request_id: int) -> dict:
    """One request with its timeline; outside the caller's scope it does not exist (404)."""
    return request_detail_out(request.auth, found(request.auth, request_id, timeline=True))


@router.get(
    "/requests/{request_id}/slip.pdf",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "三联单 PDF", "content": {"application/pdf": {}}}}},
)
def slip(request: HttpRequest, request_id: int) -> HttpResponse:
    """三联单: 问题单, 责任单 and 服务单 on one A4 sheet, with QR codes back to the request."""
    req = found(request.auth, request_id)
    pdf = slip_pdf(req, request.auth)
    audit.record(request, AuditEntry.Action.EXPORT, req, detail={"what": "三联单", "via": "api"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"三联单-{req.number}.pdf")
    return response


@router.post("/requests/{request_id}/dispatch", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def dispatch(request: HttpRequest, request_id: int, body: DispatchIn) -> Status:
    """派单: the leader (or the community admin) gives the request to a member of the group."""
    req = found(request.auth, request_id)
    volunteer = Member.objects.select_related("resident").filter(community_id=req.community_id,
                                                                 pk=body.volunteer_id).first()
    if volunteer is None:
        return invalid("所选党员不在本社区")
    return transition(request, request_id, lambda r: actions.dispatch(r, volunteer, by=request.auth))


@router.post("/requests/{request_id}/accept", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def accept(request: HttpRequest, request_id: int) -> Status:
    """接单: the volunteer it was dispatched to takes it."""
    return transition(request, request_id, lambda r: actions.accept(r, by=request.auth))


@router.post("/requests/{request_id}/decline", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def decline(request: HttpRequest, request_id: int, body: ReasonIn) -> Status:
    """The volunteer gives it back to the leader, saying why."""
    return transition(request, request_id, lambda r: actions.decline(r, by=request.auth, reason=body.reason))


@router.post("/requests/{request_id}/resolve", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def resolve(request: HttpRequest, request_id: int, body: ResolveIn) -> Status:
    """办结: an online answer (the resident reads the reply) or an offline errand (what was done, time spent)."""
    return transition(request, request_id, lambda r: actions.resolve(
        r, by=request.auth, resolution=body.resolution, reply=body.reply, minutes=body.minutes))


@router.post("/requests/{request_id}/confirm", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def confirm(request: HttpRequest, request_id: int, body: ConfirmIn) -> Status:
    """The resident who asked confirms and rates (满意 / 基本满意 / 不满意; 不满意 reopens it)."""
    user = request.auth

    def do(req: Request) -> object:
        if not user.resident_id or req.resident_id != user.resident_id:
            raise TransitionError("只有提出诉求的居民本人可以确认和评价。")
        return actions.confirm(req, rating=body.rating, comment=body.comment)

    return transition(request, request_id, do)


@router.post("/requests/{request_id}/reject", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def reject(request: HttpRequest, request_id: int, body: ReasonIn) -> Status:
    """不予受理: the reason is shown to the resident."""
    return transition(request, request_id, lambda r: actions.reject(r, by=request.auth, reason=body.reason))


@router.post("/requests/{request_id}/escalate", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def escalate(request: HttpRequest, request_id: int, body: ReasonIn) -> Status:
    """吹哨: the group cannot solve it; the community admin takes it over."""
    return transition(request, request_id, lambda r: actions.escalate(r, by=request.auth, reason=body.reason))


@router.post("/requests/{request_id}/merge", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def merge(request: HttpRequest, request_id: int, body: MergeIn) -> Status:
    """Merge a duplicate into another request the caller can see."""
    into = found(request.auth, body.into_id)
    return transition(request, request_id, lambda r: actions.merge(r, into, by=request.auth))
