"""Open311 GeoReport v2 at /open311/v2/, so a city's 12345 or 311 system can hand requests to a
community and follow them.

- jurisdiction_id is the community code (optional when the deployment serves one community);
- services are the community's request categories (service_code = category code);
- POST requests needs an api_key (`loudong create_api_key`), which also fixes the community; the
  building comes from address_id (building id) or address_string (matched to a building's name or
  address); the answer is realtime: the service_request_id, with the request number in service_notice;
- reading requests needs the api_key too, and shows only requests placed through Open311 in the key's
  community: residents' requests from other channels are not the hotline's to read;
- tokens/{token}: the token is the request number a resident quotes (e.g. 20261129-1-0007).
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from loudong.accounts.ratelimit import rate_limited
from loudong.api.idempotency import Owner, guarded
from loudong.api.models import ApiKey
from loudong.api.open311_format import (
    Open311Error,
    error_response,
    request_item,
    respond,
    service_notice,
)
from loudong.api.open311_input import contact_name, kind_of, locate, requests_filter, scope_of
from loudong.lib.actions import ActionRefused
from loudong.policy.models import PolicyVersion, current_rules
from loudong.policy.rules import SCOPES
from loudong.registry.models import Community
from loudong.tickets import actions
from loudong.tickets.models import Request

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_BODY_BYTES = 64 * 1024
MAX_DESCRIPTION = 2000
TOUCH_EVERY = timedelta(minutes=1)
RELATED = ("community", "building", "stairwell", "group", "merged_into")
SERVICE_GROUP = "楼栋党小组点单"


def open311(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn an Open311Error raised anywhere in the view into the spec's error list."""

    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs: str) -> HttpResponse:
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return error_response(fmt, error)

    return wrapper


def param(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    return (value if value is not None else request.GET.get(name, "")).strip()


def require_key(request: HttpRequest) -> ApiKey:
    raw = param(request, "api_key")
    if not raw:
        raise Open311Error(403, "缺少 api_key：请向社区管理员申请 Open311 接口密钥")
    api_key = ApiKey.find(raw)
    if api_key is None:
        raise Open311Error(403, "api_key 无效或已停用")
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


def jurisdiction(request: HttpRequest, api_key: ApiKey | None = None) -> Community:
    code = param(request, "jurisdiction_id")
    if api_key is not None:
        if code and code != api_key.community.code:
            raise Open311Error(403, "这个 api_key 不属于该 jurisdiction_id（社区）")
        return api_key.community
    if not code:
        only = list(Community.objects.all()[:2])
        if len(only) == 1:
            return only[0]
        raise Open311Error(400, "缺少 jurisdiction_id（社区代码）")
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise Open311Error(404, f"没有这个 jurisdiction_id（社区代码）：{code[:50]}")
    return community


def changeset() -> str:
    latest = PolicyVersion.objects.aggregate(at=Max("created_at"))["at"]
    return f"{timezone.localtime(latest):%Y-%m-%d %H:%M}" if latest else "2026-01-01 00:00"


@require_GET
@open311
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    stamp = changeset()
    return respond(fmt, "discovery", {
        "changeset": stamp,
        "contact": "请联系所在社区的社区管理员（社区党组织书记或社区工作者）",
        "key_service": "api_key 由社区管理员在服务器上运行 "
                       "loudong create_api_key --community 社区代码 --name 名称 生成",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": f"{settings.PUBLIC_URL}/open311/v2",
            "changeset": stamp,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })  # fmt: skip


def service_item(category: object) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"规定时限：派单后 {category.response_hours} 小时内接单，"
                       f"{category.resolve_working_days} 个工作日内办结",
        "metadata": True,
        "type": "realtime",
        "keywords": category.name,
        "group": SERVICE_GROUP,
    }  # fmt: skip


@require_GET
@open311
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    community = jurisdiction(request)
    return respond(fmt, "services", [service_item(c) for c in current_rules(community.pk).categories])


def kind_values() -> list[dict]:
    return [{"key": value, "name": label} for value, label in Request.Kind.choices]


@require_GET
@open311
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    community = jurisdiction(request)
    category = current_rules(community.pk).category(code)
    if category is None:
        raise Open311Error(404, f"没有这个 service_code（点单类别）：{code[:40]}")
    return respond(fmt, "service_definition", {
        "service_code": category.code,
        "attributes": [
            {"variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
             "datatype_description": "不填为求助", "order": 1,
             "description": "诉求类型：咨询、求助、投诉、举报或建议", "values": kind_values()},
            {"variable": True, "code": "room", "datatype": "string", "required": False,
             "datatype_description": "如 2单元301", "order": 2,
             "description": "单元和房号（也可写在 address_string 中楼栋地址之后）", "values": []},
            {"variable": True, "code": "anonymous", "datatype": "singlevaluelist", "required": False,
             "datatype_description": "不填为否", "order": 3,
             "description": "是否对上门服务的志愿者隐藏居民姓名和电话",
             "values": [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]},
            {"variable": True, "code": "scope", "datatype": "singlevaluelist", "required": False,
             "datatype_description": f"不填为{SCOPES[category.scope]}", "order": 4,
             "description": "公共区域的事（同楼邻居能看到去掉姓名、房号和电话的摘要）还是家中的事（邻居看不到）",
             "values": [{"key": value, "name": label} for value, label in SCOPES.items()]},
        ],
    })  # fmt: skip


def too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return False


def create(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST Service Request: checked in full before the rate limit counts it, then placed once per
    Idempotency-Key; the answer is sent only after the request is saved."""
    if too_large(request):
        raise Open311Error(413, "请求内容太大（最多 64 KB）")
    api_key = require_key(request)
    community = jurisdiction(request, api_key)
    code = param(request, "service_code")
    if not code:
        raise Open311Error(400, "缺少 service_code（点单类别）")
    rules = current_rules(community.pk)
    if rules.category(code) is None:
        raise Open311Error(404, f"没有这个 service_code（点单类别）：{code[:40]}")
    place = locate(community, request.POST)
    description = param(request, "description")
    if not description:
        raise Open311Error(400, "缺少 description：请写明居民需要什么帮助")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description 太长，最多 {MAX_DESCRIPTION} 个字")
    kind = kind_of(request.POST.get("attribute[kind]", ""))
    anonymous = request.POST.get("attribute[anonymous]", "").strip().lower() in {"true", "1", "yes", "是"}
    scope = scope_of(request.POST.get("attribute[scope]", ""))
    refused = rate_limited(request, "open311", api_key.pk, place.building.pk)
    if refused is not None:
        raise Open311Error(429, refused.message, refused.retry_after)

    def run() -> HttpResponse:
        try:
            req = actions.place_request(
                community=community,
                building=place.building,
                stairwell=place.stairwell,
                room=place.room,
                category_code=code,
                description=description,
                kind=kind,
                scope=scope,
                channel=Request.Channel.OPEN311,
                contact_name=contact_name(param(request, "first_name"), param(request, "last_name")),
                contact_phone=param(request, "phone")[:20],
                anonymous=anonymous,
                rules=rules,
            )
        except ActionRefused as error:
            return error_response(fmt, Open311Error(400, error.message))
        answer = {"service_request_id": req.pk, "service_notice": service_notice(req), "account_id": None}
        return respond(fmt, "service_requests", [answer])

    def refuse(status: int, message: str) -> HttpResponse:
        return error_response(fmt, Open311Error(status, message))

    return guarded(request, Owner.for_api_key(api_key.pk), run, refuse)


def followed(api_key: ApiKey) -> "object":
    """The requests a key may read: those placed through Open311 in its community."""
    return Request.objects.filter(community=api_key.community, channel=Request.Channel.OPEN311).select_related(*RELATED)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return create(request, fmt)
    api_key = require_key(request)
    jurisdiction(request, api_key)
    found = requests_filter(followed(api_key), request.GET)
    return respond(fmt, "service_requests", [request_item(r) for r in found])


@require_GET
@open311
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    api_key = require_key(request)
    jurisdiction(request, api_key)
    found = followed(api_key).filter(pk=int(request_id)).first()
    if found is None:
        raise Open311Error(404, f"没有这个 service_request_id：{request_id}")
    return respond(fmt, "service_requests", [request_item(found)])


@require_GET
@open311
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    api_key = require_key(request)
    jurisdiction(request, api_key)
    found = followed(api_key).filter(number=token).values_list("pk", flat=True).first()
    if found is None:
        raise Open311Error(404, f"没有这个 token（点单编号）：{token[:40]}")
    return respond(fmt, "service_requests", [{"service_request_id": found, "token": token}])


FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(rf"^discovery{FMT}", discovery, name="open311-discovery"),
    re_path(rf"^services{FMT}", services, name="open311-services"),
    re_path(rf"^services/(?P<code>[\w-]{{1,40}}){FMT}", service_definition, name="open311-service"),
    re_path(rf"^requests{FMT}", requests_view, name="open311-requests"),
    re_path(rf"^requests/(?P<request_id>\d{{1,18}}){FMT}", request_detail, name="open311-request"),
    re_path(rf"^tokens/(?P<token>[\w-]{{1,40}}){FMT}", token, name="open311-token"),
]
