"""敲门问需 for the volunteers' app: the households assigned to the caller with their due dates (what
the phone keeps to work offline), and logging a visit typed on the phone, perhaps offline earlier.

The same scoping as the pages (loudong.outreach.access) and the same actions (loudong.outreach.actions).
"""

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view

from loudong.accounts import audit
from loudong.accounts.models import AuditEntry, Role, User
from loudong.api.auth import TOKEN_OR_SESSION
from loudong.api.errors import ErrorOut
from loudong.api.idempotency import idempotent
from loudong.api.ids import Id
from loudong.api.request_schemas import Moment
from loudong.api.requests import capped, idempotency_doc, invalid
from loudong.lib.actions import ActionRefused
from loudong.outreach import actions
from loudong.outreach.access import assigned_households, households_for, serving_member
from loudong.outreach.models import Visit
from loudong.outreach.schedule import DueState, schedule
from loudong.policy.models import current_rules
from loudong.registry.models import Community, Household, Resident

router = Router(tags=["敲门问需"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}
NOT_A_MEMBER = "只有在档案里有党员记录的志愿者和组长才能记录走访。"
OUTCOMES = {"met": Visit.Home.MET, "not_home": Visit.Home.AWAY}


class ResidentOut(Schema):
    id: int
    name: str
    phone: str = Field(description="遮挡后的电话（和页面上一样，只显示部分数字）")


class HouseholdOut(Schema):
    id: int
    community: str = Field(description="社区代码")
    building: str = Field(description="楼栋")
    stairwell: str = Field(description="单元")
    room: str = Field(description="房号")
    label: str = Field(description="住户的完整称呼，如“环城北路93号1单元301室”")
    residents: list[ResidentOut]
    last_visit: date | None = Field(description="上次见到人的走访日期；还没走访过为空")
    due: date | None = Field(description="下次走访期限（按制度中关爱标签的走访频次）")
    overdue: bool = Field(description="已超过走访期限")


class HouseholdsOut(Schema):
    as_of: datetime = Field(description="这份名单的生成时间（北京时间）；离线时显示“更新于”")
    households: list[HouseholdOut]


class NeedIn(Schema):
    category_code: str = Field(min_length=1, max_length=40, description="点单类别代码，见社区制度中的点单类别")
    description: str = Field(min_length=1, max_length=2000, description="发现的需求，会转为一条点单（敲门问需）")


class VisitIn(Schema):
    household_id: Id = Field(description="住户编号：自己包的住户（组长：本党小组的住户）")
    outcome: Literal["met", "not_home"] = Field(description="met 有人在家 / not_home 无人在家")
    met_resident_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="见到的居民（只能是这一户的居民；无人在家时不填）"
    )
    minutes: int = Field(ge=0, le=600, description="用时（分钟），至少 1 分钟，计入志愿服务时长")
    note: str = Field("", max_length=1000, description="备注")
    visited_at: Moment | None = Field(
        None,
        description="走访时间（离线时在手机上记下的时间）；不填为现在。不能晚于现在，也不能早于 30 天前；"
        "不带时区的按北京时间",
    )
    need: NeedIn | None = Field(None, description="发现的需求：填了就同时转为一条点单")


class VisitCreatedOut(Schema):
    id: int = Field(description="走访记录编号")
    request_id: int | None = Field(description="需求转成的点单编号；没有需求为空")


def serving_communities(user: User) -> list[Community]:
    """Where the user serves as a volunteer or leader: where they may have households assigned."""
    ids = {g.community_id for g in user.grant_list() if g.role in (Role.VOLUNTEER, Role.LEADER) and g.community_id}
    return list(Community.objects.filter(pk__in=ids).order_by("pk"))


@router.get(
    "/me/households",
    response={200: HouseholdsOut, **ERRORS},
    auth=TOKEN_OR_SESSION,
    summary="我的包户",
    description="分配给自己的住户及其走访期限，最该走访的在前（和“我的包户”页面相同）。电话遮挡显示，不含身份证号。"
    "手机会保存这份名单以便离线使用，每次读取都记入审计日志。",
)
def my_households(request: HttpRequest) -> dict:
    """我的包户: the households assigned to the caller, as /c/<code>/outreach/ lists them, the most
    pressing first, with residents' phones masked and no ID numbers. The phone keeps this to work
    offline, so each reading is written in the audit log as a copy of these households' data."""
    user = request.auth
    households = []
    for community in serving_communities(user):
        member = serving_member(user, community)
        if member is None:
            continue
        rows = schedule(assigned_households(member), current_rules(community.pk))
        if not rows:
            continue
        people: dict[int, list[dict]] = {}
        for resident in Resident.objects.filter(household_id__in=[r.household.pk for r in rows]).order_by(
            "birth_date", "pk"
        ):
            people.setdefault(resident.household_id, []).append(
                {"id": resident.pk, "name": resident.name, "phone": resident.phone_masked}
            )
        for row in rows:
            household = row.household
            households.append({
                "id": household.pk,
                "community": community.code,
                "building": household.stairwell.building.name,
                "stairwell": household.stairwell.name,
                "room": household.room,
                "label": str(household),
                "residents": people.get(household.pk, []),
                "last_visit": row.last_visit,
                "due": row.next_due,
                "overdue": row.state == DueState.OVERDUE,
            })  # fmt: skip
        audit.record(
            request,
            AuditEntry.Action.EXPORT,
            community_id=community.pk,
            object_type="household",
            object_repr="我的包户（手机离线副本）",
            detail={"via": "api", "rows": len(rows)},
        )
    return {"as_of": timezone.localtime(), "households": households}


@router.post(
    "/visits",
    response={201: VisitCreatedOut, **ERRORS},
    auth=TOKEN_OR_SESSION,
    openapi_extra=idempotency_doc(),
    summary="记走访",
    description="记录一次敲门问需（可以是离线时记下、联网后上传的，visited_at 为走访时间）；"
    "发现的需求同时转为一条点单。"
    "请带上 Idempotency-Key，重试不会重复记录。不是自己包的住户（组长：本党小组的住户）答复 404。",
)
@decorate_view(idempotent, capped)
def log_visit(request: HttpRequest, body: VisitIn) -> Status | HttpResponseBase:
    """记走访: a visit to one of the caller's households, as on the visit page; a need found becomes a
    request (敲门问需) in the same step. Send `Idempotency-Key` (the phone's queue gives each visit its
    own) so a retry after a lost answer logs it once."""
    user = request.auth
    household = Household.objects.select_related("community").filter(pk=body.household_id).first()
    if household is None or not households_for(user, household.community).filter(pk=household.pk).exists():
        raise Http404
    community = household.community
    member = serving_member(user, community)
    if member is None:
        return Status(403, {"detail": NOT_A_MEMBER})
    wanted = set(body.met_resident_ids)
    met = list(Resident.objects.filter(household=household, pk__in=wanted))
    if len(met) != len(wanted):
        return invalid("勾选的居民不住在这一户。")
    if body.need is not None:
        if not body.need.description.strip():
            return invalid("请填写发现的需求。")
        if current_rules(community.pk).category(body.need.category_code) is None:
            return invalid(f"没有这个点单类别：{body.need.category_code}")
    try:
        visit = actions.upload_visit(
            household,
            volunteer=member,
            by=user,
            visited_at=body.visited_at or timezone.now(),
            minutes=body.minutes,
            someone_home=OUTCOMES[body.outcome],
            met=met,
            note=body.note,
            need=body.need.description if body.need else "",
            need_category=body.need.category_code if body.need else "",
            http=request,
        )
    except ActionRefused as refusal:
        return invalid(refusal.message)
    return Status(201, {"id": visit.pk, "request_id": visit.request_id})
