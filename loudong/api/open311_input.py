"""Reading Open311 input: where the request is (address_id or address_string), its kind, the
caller's name, and the GET requests filters."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from loudong.api.open311_format import CLOSED, Open311Error
from loudong.policy.rules import SCOPES
from loudong.registry.models import Building, Community, Stairwell
from loudong.tickets.models import Request

MAX_DAYS = 90
MAX_RESULTS = 1000
STAIRWELL = re.compile(r"(\d+)(?:单元|栋单元|门)")
ROOM = re.compile(r"(\d{1,5})(?:室|号|房)?$")
SEPARATORS = re.compile(r"[\s,，、。.·\-—_/#]+")


@dataclass(frozen=True)
class Place:
    building: Building
    stairwell: Stairwell | None
    room: str


def normalized(text: str) -> str:
    """Full-width digits and letters to plain ones, no spaces or separators, lower case."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _stairwell_and_room(building: Building, rest: str) -> tuple[Stairwell | None, str]:
    """'2单元301室' -> the building's 2单元 and room 301; unknown units keep the words as the room."""
    rest = normalized(rest)
    if not rest:
        return None, ""
    stairwell = None
    unit = STAIRWELL.search(rest)
    if unit:
        wanted = f"{int(unit.group(1))}单元"
        stairwell = next((s for s in building.stairwells.all() if normalized(s.name) == wanted), None)
        if stairwell is not None:
            rest = rest[: unit.start()] + rest[unit.end() :]
    room = ROOM.search(rest)
    return stairwell, (room.group(1) if room and stairwell is not None else rest)[:20]


def match_building(community: Community, address: str) -> tuple[Building, str]:
    """The building whose name or address the address string names (the longest such label wins),
    and the words after it. Ambiguous or unknown addresses are refused rather than guessed."""
    wanted = normalized(address)
    best: list[tuple[int, Building, str]] = []
    for building in Building.objects.filter(community=community).prefetch_related("stairwells"):
        for label in {normalized(building.name), normalized(building.address)} - {""}:
            at = wanted.find(label)
            if at < 0:
                continue
            if not best or len(label) > best[0][0]:
                best = [(len(label), building, wanted[at + len(label) :])]
            elif len(label) == best[0][0] and best[0][1].pk != building.pk:
                best.append((len(label), building, wanted[at + len(label) :]))
    if not best:
        raise Open311Error(
            400, "无法根据 address_string 确定楼栋，请写明楼栋地址（如 环城北路93号）或改用 address_id（楼栋编号）"
        )
    if len({b.pk for _, b, _ in best}) > 1:
        raise Open311Error(400, "address_string 对应多栋楼，请写得更具体，或改用 address_id（楼栋编号）")
    _, building, rest = best[0]
    return building, rest


def locate(community: Community, data: QueryDict) -> Place:
    address_id = (data.get("address_id") or "").strip()
    room_attribute = (data.get("attribute[room]") or "").strip()
    if address_id:
        if not address_id.isdigit() or len(address_id) > 18:
            raise Open311Error(400, "address_id 应为楼栋编号（数字）")
        building = (
            Building.objects.filter(community=community, pk=int(address_id)).prefetch_related("stairwells").first()
        )
        if building is None:
            raise Open311Error(400, "address_id 不是本社区的楼栋编号")
        rest = ""
    elif (data.get("address_string") or "").strip():
        building, rest = match_building(community, data["address_string"][:200])
    elif data.get("lat") or data.get("long"):
        raise Open311Error(400, "暂不支持按经纬度定位，请提供 address_string（地址）或 address_id（楼栋编号）")
    else:
        raise Open311Error(400, "请提供 address_string（地址）或 address_id（楼栋编号）")
    stairwell, room = _stairwell_and_room(building, room_attribute or rest)
    return Place(building, stairwell, room)


def kind_of(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return Request.Kind.HELP
    for code, label in Request.Kind.choices:
        if value in (code, label):
            return code
    raise Open311Error(400, "attribute[kind] 应为 consult、help、complaint、report 或 suggestion")


def scope_of(value: str) -> str:
    """attribute[scope]: shared or household (code or Chinese name); blank for the category's usual one."""
    value = (value or "").strip()
    if not value:
        return ""
    for code, label in SCOPES.items():
        if value in (code, label):
            return code
    raise Open311Error(400, "attribute[scope] 应为 shared（公共区域的事）或 household（家中的事）")


def contact_name(first: str, last: str) -> str:
    """Chinese names read family name first (张 + 三 = 张三); Latin names keep 'first last'."""
    if (first + last).isascii():
        return f"{first} {last}".strip()[:40]
    return f"{last}{first}".strip()[:40]


def _when(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))  # '+' in a query string arrives as a space
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} 应为 W3C 时间格式，如 2026-01-01T00:00:00+08:00")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def requests_filter(found: QuerySet[Request], params: QueryDict) -> list[Request]:
    """GET requests filters; service_request_id overrides the others. At most 1,000, newest first."""
    ids = _listed(params.get("service_request_id", ""))
    if ids:
        if not all(i.isdigit() and len(i) <= 18 for i in ids):
            raise Open311Error(400, "service_request_id 应为逗号分隔的数字")
        return list(found.filter(pk__in=[int(i) for i in ids[:MAX_RESULTS]]).order_by("-created_at", "-id"))
    codes = _listed(params.get("service_code", ""))
    if codes:
        found = found.filter(category_code__in=codes)
    statuses = set(_listed(params.get("status", "")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status 只能是 open 或 closed")
    if statuses == {"open"}:
        found = found.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        found = found.filter(status__in=CLOSED)
    start = _when(params.get("start_date", "").strip(), "start_date")
    end = _when(params.get("end_date", "").strip(), "end_date")
    if start and end and end - start > timedelta(days=MAX_DAYS):
        raise Open311Error(400, f"start_date 与 end_date 相差不能超过 {MAX_DAYS} 天")
    if start and end and end < start:
        raise Open311Error(400, "end_date 不能早于 start_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - timedelta(days=MAX_DAYS)
    if end is None:
        end = start + timedelta(days=MAX_DAYS)
    found = found.filter(created_at__gte=start, created_at__lte=end)
    return list(found.order_by("-created_at", "-id")[:MAX_RESULTS])
