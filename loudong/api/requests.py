"""Request endpoints (点单): list, place for a resident (代点单), read with its timeline, and every
staff transition, each through loudong.tickets.actions. Every POST honours `Idempotency-Key`."""

from collections.abc import Callable
from functools import wraps
from math import ceil
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError

from loudong.accounts import audit
from loudong.accounts.models import AuditEntry, User
from loudong.api.auth import TOKEN_OR_SESSION, BearerToken, token_query, token_user
from loudong.api.errors import ErrorOut
from loudong.api.idempotency import (
    HEADER,
    KEY_INVALID,
    KEY_REUSED,
    MAX_KEY_LENGTH,
    REPLAYED_HEADER,
    Owner,
    fingerprint,
    idempotent,
    json_refusal,
    ttl,
)
from loudong.api.ids import Id
from loudong.api.photos import PhotoRefused, decoded_photo
from loudong.api.request_schemas import (
    AskIn,
    ConfirmIn,
    DispatchIn,
    MergeIn,
    ReasonIn,
    ReceivedOut,
    RequestCreatedOut,
    RequestDetailOut,
    RequestIn,
    RequestPage,
    RequestQuery,
    ResolveIn,
    request_detail_out,
    request_out,
)
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import deadline_label
from loudong.registry.access import community_for
from loudong.registry.models import Member, Resident
from loudong.tickets import actions, intake
from loudong.tickets.access import former_assignee_scope, request_scope
from loudong.tickets.actions import placing, uploads
from loudong.tickets.actions.base import require_text, tracking_url
from loudong.tickets.models import Intake, Request, RequestQuerySet
from loudong.tickets.slip import slip_pdf

router = Router(auth=BearerToken(), tags=["点单"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}
RELATED = ("community", "building", "stairwell", "group", "assignee__resident")
ACTED = {200: RequestDetailOut, **ERRORS}
# A request is a few lines of text; anything far larger is a mistake or an attack.
MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = "请求内容太大（最多 64 KB）"


def received_doc() -> dict:
    doc = idempotency_doc()
    doc["responses"] = {
        202: {
            "description": "已收到（status 为 received），Location 为回执地址",
            "headers": {"Location": {"schema": {"type": "string"}, "description": "回执地址"}},
        }
    }
    return doc


def idempotency_doc() -> dict:
    """Documents the header the `idempotent` wrapper reads (ninja does not see it); a fresh dict each
    time, since ninja merges it into the operation's own."""
    return {"parameters": [{
        "in": "header", "name": "Idempotency-Key", "required": False,
        "description": "同一个键重试时返回第一次的结果，不会重复办理；24 小时内有效；内容不同的请求请换一个新键",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }]}  # fmt: skip


def capped_at(limit: int, message: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Refuse bodies over `limit` bytes before anything reads them."""

    def capped(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return JsonResponse({"detail": message}, status=413, json_dumps_params={"ensure_ascii": False})
            return run(request, *args, **kwargs)

        return wrapper

    return capped


capped = capped_at(MAX_BODY_BYTES, TOO_LARGE)
# 办结 may carry a photo of at most 300 KB, a third more in base64; a body up to 2 MB is read so that a
# photo not shrunk enough is answered with its size (loudong.api.photos).
capped_with_photo = capped_at(2 * 1024 * 1024, "请求内容太大（最多 2 MB）：照片请先在手机上缩小到 300 KB 以内")


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


def from_phone(
    request: HttpRequest, request_id: int, verb: str, typed: dict[str, str], do: Callable[[Request], object]
) -> Status:
    """An action the volunteers' app sends, perhaps typed offline: as `transition`, but a request
    that moved on meanwhile (given to someone else, closed, merged ...) is answered 409 with why, also
    to a volunteer who no longer sees it, and the leaders are told what the volunteer typed
    (loudong.tickets.actions.uploads)."""
    user = request.auth
    req = get_object_or_404(
        Request.objects.filter(request_scope(user) | former_assignee_scope(user)).select_related(*RELATED),
        pk=request_id,
    )
    try:
        uploads.sent_from_phone(req, by=user, verb=verb, typed=typed, run=do)
    except ActionRefused as error:
        return refused(error.message)
    return Status(200, request_detail_out(user, reread(req.pk)))


def transition(request: HttpRequest, request_id: int, do: Callable[[Request], object]) -> Status:
    """Run one action on a request the caller can see; a refusal is 409 with the action's reason."""
    user = request.auth
    req = found(user, request_id)
    try:
        do(req)
    except ActionRefused as error:
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


@router.post(
    "/requests",
    auth=BearerToken(read_with_submission=True),
    response={202: ReceivedOut, **ERRORS},
    openapi_extra=received_doc(),
)
@decorate_view(capped)
def create_request(request: HttpRequest, body: RequestIn) -> HttpResponseBase:
    """代点单: a volunteer, leader or admin enters a request for a resident (door-knocking, a meeting,
    a call). Everything is checked at once and the submission is kept (202, `status` "received"); the
    request itself (its number, group and deadlines) is made within a second: follow `receipt_url`
    (also in the `Location` header). Send `Idempotency-Key` so a retry after a lost answer does not
    file it twice: the retry gets the first answer again."""
    user, community = checked(request, body)
    key = request.headers.get(HEADER)
    if key is not None:
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return json_refusal(422, KEY_INVALID)
    owner = Owner.for_user(user.pk).label if key else ""
    body_hash = fingerprint(request) if key else ""
    if isinstance(community, Status):
        # A retry of a submission already received is answered as the first time, whatever has changed.
        return again(owner, key, body_hash) or community
    fields = dict(
        community_id=community,
        building_id=body.building_id,
        stairwell_id=body.stairwell_id,
        household_id=body.household_id,
        resident_id=body.resident_id,
        room=body.room,
        category_code=body.category_code,
        kind=body.kind,
        scope=body.scope or "",
        channel=body.channel,
        description=body.description.strip(),
        contact_name=body.contact_name,
        contact_phone=placing.clean_phone(body.contact_phone),
        anonymous=body.anonymous,
        by=user,
        idempotency_owner=owner,
        idempotency_key=key or "",
        body_hash=body_hash,
    )
    for _ in range(2):
        try:
            # One INSERT, committed by itself: no BEGIN, no COMMIT (intake._insert).
            return received(intake.receive(**fields))
        except IntegrityError:
            if not key:
                raise
            answer = again(owner, key, body_hash)
            if answer is not None:
                return answer
    raise IntegrityError("idempotency key could not be claimed")


def checked(request: HttpRequest, body: RequestIn) -> tuple[User, int | Status]:
    """The token's user and every check placing the request makes, in one statement before anything
    is written: 401 as for any call when the token opens nothing; the community (a staff role in it,
    else 404 as if it did not exist), then 422 for a reference that is not there and 409 for what
    placing refuses. The user, and the community's id when all hold."""
    token, now = request.auth.token, timezone.now()
    found = intake.check_submission(
        token_query(token, now), body.community, body.building_id, body.stairwell_id, body.household_id
    )
    user = token_user(request, token, found[0] if found else None, now)
    if user is None:
        raise AuthenticationError
    request.auth = user
    if found[1] is None:
        raise Http404
    community, rules, wrong = found[1]
    if rules.category(body.category_code) is None:
        return user, invalid(f"没有这个点单类别：{body.category_code}")
    if wrong is not None:
        return user, Status(wrong[0], {"detail": wrong[1]})
    if (
        body.resident_id is not None
        and not Resident.objects.visible_to(user).filter(community_id=community, pk=body.resident_id).exists()
    ):
        return user, invalid("所选居民不存在，或您无权查看")
    try:
        require_text(body.description, "需要什么帮助")
        placing.clean_phone(body.contact_phone)
    except ActionRefused as error:
        return user, refused(error.message)
    return user, community


def received_body(row: Intake) -> dict:
    receipt = f"/api/v1/requests/receipts/{row.tracking_token}"
    return {
        "status": "received",
        "tracking_token": row.tracking_token,
        "received_at": timezone.localtime(row.received_at).isoformat(),
        "receipt_url": receipt,
        "tracking_url": f"{settings.PUBLIC_URL}/ask/t/{row.tracking_token}/",
    }


def received(row: Intake, *, replayed: bool = False) -> JsonResponse:
    """202 with the receipt; the same bytes however often it is asked again."""
    body = received_body(row)
    response = JsonResponse(body, status=202, json_dumps_params={"ensure_ascii": False})
    response["Location"] = body["receipt_url"]
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return response


def again(owner: str, key: str | None, body_hash: str) -> HttpResponse | None:
    """The first answer to this owner's key, or the refusal of a key reused for another body; None
    when the key is new, or old enough to be used afresh (then it is freed)."""
    if not key:
        return None
    row = Intake.objects.filter(idempotency_owner=owner, idempotency_key=key).first()
    if row is None:
        return None
    if row.received_at < timezone.now() - ttl():
        Intake.objects.filter(pk=row.pk).update(idempotency_key="", idempotency_owner="")
        return None
    return received(row, replayed=True) if row.body_hash == body_hash else json_refusal(422, KEY_REUSED)


@router.get("/requests/receipts/{token}", response={200: RequestCreatedOut, 202: ReceivedOut, **ERRORS})
def receipt(request: HttpRequest, token: str) -> HttpResponseBase:
    """The request a submission became (200), made now if it was still waiting; 202 with
    `status` "received" while it cannot be made yet (it is kept and retried). Only for its sender."""
    user = request.auth
    row = Intake.objects.filter(tracking_token=token, created_by=user).first()
    if row is None and not Request.objects.filter(tracking_token=token, created_by=user).exists():
        raise Http404
    req = intake.materialize_token(token)
    if req is None:
        return received(row)
    req = reread(req.pk)
    # Answered as entered even when outside the caller's later view (a leader entering for another group).
    return Status(200, {**request_detail_out(user, req), "tracking_url": f"{settings.PUBLIC_URL}{tracking_url(req)}"})


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, request_id: Id) -> dict:
    """One request with its timeline; outside the caller's scope it does not exist (404)."""
    return request_detail_out(request.auth, found(request.auth, request_id, timeline=True))


@router.get(
    "/requests/{request_id}/slip.pdf",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "三联单 PDF", "content": {"application/pdf": {}}}}},
)
def slip(request: HttpRequest, request_id: Id) -> HttpResponse:
    """三联单: 问题单, 责任单 and 服务单 on one A4 sheet, with QR codes back to the request."""
    req = found(request.auth, request_id)
    pdf = slip_pdf(req, request.auth)
    audit.record(request, AuditEntry.Action.EXPORT, req, detail={"what": "三联单", "via": "api"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"三联单-{req.number}.pdf")
    return response


@router.post("/requests/{request_id}/dispatch", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def dispatch(request: HttpRequest, request_id: Id, body: DispatchIn) -> Status:
    """派单: the leader (or the community admin) gives the request to a member of the group."""
    req = found(request.auth, request_id)
    volunteer = (
        Member.objects.select_related("resident").filter(community_id=req.community_id, pk=body.volunteer_id).first()
    )
    if volunteer is None:
        return invalid("所选党员不在本社区")
    return transition(request, request_id, lambda r: actions.dispatch(r, volunteer, by=request.auth))


@router.post(
    "/requests/{request_id}/accept",
    response=ACTED,
    auth=TOKEN_OR_SESSION,
    openapi_extra=idempotency_doc(),
    summary="接单",
    description="派给自己的点单由志愿者接单。点单在此期间已改派、合并、办结、不予受理或上报社区时答复 409 并说明原因，"
    "同时通知组长。",
)
@decorate_view(idempotent, capped)
def accept(request: HttpRequest, request_id: Id) -> Status:
    """接单: the volunteer it was dispatched to takes it. 409 with why when it went to someone else
    or was closed meanwhile (the leader is told)."""
    return from_phone(request, request_id, "接单", {}, lambda r: actions.accept(r, by=request.auth))


@router.post("/requests/{request_id}/decline", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def decline(request: HttpRequest, request_id: Id, body: ReasonIn) -> Status:
    """The volunteer gives it back to the leader, saying why."""
    return transition(request, request_id, lambda r: actions.decline(r, by=request.auth, reason=body.reason))


@router.post(
    "/requests/{request_id}/resolve",
    response=ACTED,
    auth=TOKEN_OR_SESSION,
    openapi_extra=idempotency_doc(),
    summary="办结",
    description="线上答疑（写答复）或线下跑腿（写做了什么和用时，可附一张照片）。"
    "离线办结时可用 done_at 说明办结的时间。"
    "点单在此期间已改派、合并、办结、不予受理或上报社区时答复 409 并说明原因，志愿者填写的内容通过站内消息转给组长。",
)
@decorate_view(idempotent, capped_with_photo)
def resolve(request: HttpRequest, request_id: Id, body: ResolveIn) -> Status:
    """办结: an online answer (the resident reads the reply) or an offline errand (what was done, time
    spent, a photo). 409 with why when the request went to someone else or was closed meanwhile; the
    leader is then told what the volunteer wrote."""
    photos = []
    if body.photo is not None:
        try:
            photos.append(decoded_photo(body.photo))
        except PhotoRefused as error:
            return invalid(error.message)
    typed = {
        "办理方式": Request.Resolution(body.resolution).label,
        "用时": f"{body.minutes} 分钟" if body.minutes is not None else "",
        "办理情况": body.reply.strip(),
        "照片": f"{len(photos)} 张（未保存，可向志愿者索取）" if photos else "",
        "办结时间": deadline_label(body.done_at) if body.done_at else "",
    }
    return from_phone(
        request,
        request_id,
        "办结",
        typed,
        lambda r: actions.resolve(
            r,
            by=request.auth,
            resolution=body.resolution,
            reply=body.reply,
            minutes=body.minutes,
            photos=photos,
            done_at=body.done_at,
        ),
    )


@router.post(
    "/requests/{request_id}/ask",
    response=ACTED,
    auth=TOKEN_OR_SESSION,
    openapi_extra=idempotency_doc(),
    summary="问居民",
    description="承办志愿者（或组长）向居民提一个问题，等待居民回复期间暂停计时（和网页上的“问居民”相同）。"
    "点单在此期间已改派或结束时答复 409 并说明原因，问题通过站内消息转给组长。",
)
@decorate_view(idempotent, capped)
def ask(request: HttpRequest, request_id: Id, body: AskIn) -> Status:
    """问居民: the volunteer (or the leader) asks the resident something; the time limit pauses until
    they answer. 409 with why when the request went to someone else or was closed meanwhile; the
    leader is then told the question."""
    return from_phone(
        request,
        request_id,
        "询问",
        {"要问居民的问题": body.question.strip()},
        lambda r: actions.pause_for_resident(r, by=request.auth, question=body.question),
    )


@router.post("/requests/{request_id}/confirm", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def confirm(request: HttpRequest, request_id: Id, body: ConfirmIn) -> Status:
    """The resident who asked confirms and rates (满意 / 基本满意 / 不满意; 不满意 reopens it)."""
    user = request.auth

    def do(req: Request) -> object:
        if not user.resident_id or req.resident_id != user.resident_id:
            raise ActionRefused("只有提出诉求的居民本人可以确认和评价。")
        return actions.confirm(req, rating=body.rating, comment=body.comment)

    return transition(request, request_id, do)


@router.post("/requests/{request_id}/reject", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def reject(request: HttpRequest, request_id: Id, body: ReasonIn) -> Status:
    """不予受理: the reason is shown to the resident."""
    return transition(request, request_id, lambda r: actions.reject(r, by=request.auth, reason=body.reason))


@router.post("/requests/{request_id}/escalate", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def escalate(request: HttpRequest, request_id: Id, body: ReasonIn) -> Status:
    """吹哨: the group cannot solve it; the community admin takes it over."""
    return transition(request, request_id, lambda r: actions.escalate(r, by=request.auth, reason=body.reason))


@router.post("/requests/{request_id}/merge", response=ACTED, openapi_extra=idempotency_doc())
@decorate_view(idempotent, capped)
def merge(request: HttpRequest, request_id: Id, body: MergeIn) -> Status:
    """Merge a duplicate into another request the caller can see."""
    into = found(request.auth, body.into_id)
    return transition(request, request_id, lambda r: actions.merge(r, into, by=request.auth))
