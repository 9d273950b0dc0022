"""Schemas of the request endpoints, and the one function turning a request into its JSON."""

from datetime import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from loudong.accounts.models import Role, User
from loudong.api.ids import Id
from loudong.lib.identity import mask_phone
from loudong.lib.shanghai import local
from loudong.tickets.models import Request, Status


def _shanghai(moment: datetime) -> datetime:
    try:
        return local(moment)
    except OverflowError as error:  # the year 1 or 9999 in another zone has no Shanghai time
        raise ValueError("时间超出范围") from error


# A moment the phone recorded: aware, in Shanghai time (a time without a zone is taken as Shanghai's).
Moment = Annotated[datetime, AfterValidator(_shanghai)]
StatusCode = Literal[tuple(Status.values)]  # type: ignore[valid-type]
KindCode = Literal[tuple(Request.Kind.values)]  # type: ignore[valid-type]
ScopeCode = Literal[tuple(Request.Scope.values)]  # type: ignore[valid-type]
# Channels staff may record when they enter a request for a resident (代点单) through the API.
StaffChannel = Literal["api", "visit", "meeting", "phone", "walk_in"]
ANONYMOUS_NAME = "匿名居民"


class EventOut(Schema):
    at: datetime
    kind: str = Field(description="placed, dispatched, accepted, declined, resolved, confirmed, ...")
    actor: str = Field(description="操作人；居民本人为“居民”")
    from_status: str
    to_status: str
    note: str


class RequestOut(Schema):
    id: int
    number: str = Field(description="点单编号")
    community: str = Field(description="社区代码")
    status: StatusCode
    status_label: str
    kind: KindCode
    kind_label: str
    scope: ScopeCode = Field(description="shared 公共区域的事（邻居可见去掉个人信息的摘要）/ household 家中的事")
    scope_label: str
    public_note: str = Field(description="公开进展：点了“我也遇到”的邻居能看到的话")
    channel: str
    channel_label: str
    category_code: str
    category_name: str
    building_id: int
    place: str = Field(description="楼栋、单元、房号")
    group: str | None = Field(description="负责的楼栋党小组")
    assignee: str | None = Field(description="承办志愿者")
    description: str
    contact_name: str
    contact_phone: str = Field(description="组长、社区管理员和承办志愿者看到完整号码，其余遮挡；匿名点单对志愿者隐藏")
    anonymous: bool
    created_at: datetime
    updated_at: datetime
    response_due_at: datetime | None = Field(description="接单期限")
    due_at: datetime | None = Field(description="办结期限（规定时限）")
    overdue: bool
    support_count: int = Field(description="“我也遇到”的人数")


class RequestDetailOut(RequestOut):
    question: str = Field(description="等待居民补充时向居民提的问题")
    resolution: str = Field(description="online 线上答疑 / offline 线下跑腿 / 空")
    reply: str
    time_spent_minutes: int | None
    rating: str = Field(description="satisfied / basic / unsatisfied / 空")
    rating_comment: str
    reject_reason: str
    escalate_reason: str
    merged_into: int | None
    events: list[EventOut] = Field(description="时间线")


class RequestCreatedOut(RequestDetailOut):
    tracking_url: str = Field(description="居民查看进度、补充、确认和评价的链接（回执），请转交居民")


class ReceivedOut(Schema):
    status: Literal["received"] = Field(description="已收到：点单已保存，编号等在一秒内生成")
    tracking_token: str = Field(description="回执号，也是居民进度链接中的密钥")
    received_at: datetime
    receipt_url: str = Field(description="回执地址：GET 得到生成的点单（200），尚未生成时仍为 202")
    tracking_url: str = Field(description="居民查看进度、补充、确认和评价的链接，请转交居民")


class RequestPage(Schema):
    count: int
    page: int
    pages: int
    results: list[RequestOut]


class RequestQuery(Schema):
    community: str | None = Field(None, max_length=50, description="社区代码")
    status: StatusCode | None = Field(None, description="状态")
    category: str | None = Field(None, max_length=40, description="类别代码")
    building: Id | None = Field(None, description="楼栋编号")
    updated_since: datetime | None = Field(None, description="只列出此时间之后有变化的点单")
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=100)


class RequestIn(Schema):
    community: str = Field(max_length=50, description="社区代码")
    building_id: Id
    stairwell_id: Id | None = None
    household_id: Id | None = None
    room: str = Field("", max_length=20)
    category_code: str = Field(max_length=40, description="类别代码，见社区制度中的点单类别")
    kind: KindCode = "help"
    scope: ScopeCode | None = Field(None, description="shared 公共区域的事 / household 家中的事；不填按类别的通常范围")
    channel: StaffChannel = Field(
        "api", description="api 接口 / visit 敲门问需 / meeting 议事会 / phone 电话 / walk_in 上门反映"
    )
    description: str = Field(min_length=1, max_length=2000)
    contact_name: str = Field("", max_length=40)
    contact_phone: str = Field("", max_length=20)
    anonymous: bool = Field(False, description="对志愿者隐藏居民姓名和电话")
    resident_id: Id | None = Field(None, description="档案中的居民（代点单时）")


class DispatchIn(Schema):
    volunteer_id: Id = Field(description="党员档案编号")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class ResolveIn(Schema):
    resolution: Literal["online", "offline"] = Field(description="online 线上答疑 / offline 线下跑腿")
    reply: str = Field("", max_length=2000, description="答复内容或办理情况")
    minutes: int | None = Field(
        None, ge=0, le=24 * 60, description="用时（分钟）；线下跑腿必填（至少 1 分钟），志愿服务时长按它计算"
    )
    photo: str | None = Field(
        None,
        description="办理照片（可选）：JPEG 或 PNG 文件的 base64 编码，不带“data:”前缀，解码后不超过 300 KB"
        "（请先在手机上缩小）",
    )
    done_at: Moment | None = Field(
        None,
        description="办结时间（在手机上离线办结时记下的时间）；不填为现在。不能晚于现在，也不能早于点单最近一次"
        "状态变化（如接单）；按它算是否超期和服务时长的日期。不带时区的按北京时间",
    )


class AskIn(Schema):
    question: str = Field(min_length=1, max_length=500, description="要问居民的问题；等待居民回复期间暂停计时")


class ConfirmIn(Schema):
    rating: Literal["satisfied", "basic", "unsatisfied"]
    comment: str = Field("", max_length=500)


class MergeIn(Schema):
    into_id: Id = Field(description="并入的点单编号（id）")


def _is_leader(user: User, req: Request) -> bool:
    return bool(req.group_id) and any(g.role == Role.LEADER and g.group_id == req.group_id for g in user.grant_list())


def _is_assignee(user: User, req: Request) -> bool:
    return bool(req.assignee_id and user.resident_id) and req.assignee.resident_id == user.resident_id


def contact_for(user: User, req: Request) -> tuple[str, str]:
    """Leaders and admins call residents; the resident and the staff who entered it know it; the
    volunteer doing the work gets it unless the resident chose to stay anonymous to volunteers."""
    sees_all = (
        Role.ADMIN in user.roles_in(req.community_id)
        or _is_leader(user, req)
        or (user.resident_id is not None and user.resident_id == req.resident_id)
        or req.created_by_id == user.pk
    )
    if sees_all:
        return req.contact_name, req.contact_phone
    if req.anonymous:
        return ANONYMOUS_NAME, ""
    if _is_assignee(user, req):
        return req.contact_name, req.contact_phone
    return req.contact_name, mask_phone(req.contact_phone) if req.contact_phone else ""


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value else None


def request_out(user: User, req: Request) -> dict:
    """A request as the user may see it (requires building, stairwell, group, assignee__resident and
    community loaded)."""
    name, phone = contact_for(user, req)
    return {
        "id": req.pk,
        "number": req.number,
        "community": req.community.code,
        "status": req.status,
        "status_label": req.get_status_display(),
        "kind": req.kind,
        "kind_label": req.get_kind_display(),
        "scope": req.scope,
        "scope_label": req.get_scope_display(),
        "public_note": req.public_note,
        "channel": req.channel,
        "channel_label": req.get_channel_display(),
        "category_code": req.category_code,
        "category_name": req.category_name,
        "building_id": req.building_id,
        "place": req.place_label,
        "group": req.group.name if req.group_id else None,
        "assignee": str(req.assignee) if req.assignee_id else None,
        "description": req.description,
        "contact_name": name,
        "contact_phone": phone,
        "anonymous": req.anonymous,
        "created_at": _local(req.created_at),
        "updated_at": _local(req.updated_at),
        "response_due_at": _local(req.response_due_at),
        "due_at": _local(req.due_at),
        "overdue": req.is_overdue,
        "support_count": req.support_count,
    }


def request_detail_out(user: User, req: Request) -> dict:
    events = [
        {"at": _local(e.at), "kind": e.kind, "actor": e.actor_label, "from_status": e.from_status,
         "to_status": e.to_status, "note": e.note}
        for e in req.events.all()
    ]  # fmt: skip
    return {
        **request_out(user, req),
        "question": req.question,
        "resolution": req.resolution,
        "reply": req.reply,
        "time_spent_minutes": req.time_spent_minutes,
        "rating": req.rating,
        "rating_comment": req.rating_comment,
        "reject_reason": req.reject_reason,
        "escalate_reason": req.escalate_reason,
        "merged_into": req.merged_into_id,
        "events": events,
    }
