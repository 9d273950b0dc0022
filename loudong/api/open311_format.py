"""Open311 GeoReport v2 output: the same data as JSON or as schemaless XML with the spec's element
names, errors as a list of {code, description}, and how a request reads to a city's system."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone

from loudong.tickets.models import Request, Status

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# The element name of one item in each list, as the spec names them.
ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
CLOSED = {Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.MERGED}


class Open311Error(Exception):
    """A refusal in the spec's words: HTTP 400 / 403 / 404 (and 413, 429), a Chinese description."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def w3(value: datetime | None) -> str | None:
    """W3C date-time with the Shanghai offset, e.g. 2026-11-29T09:30:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(name: str, value: object) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item = ITEMS[name]
        for child in value:
            element.append(_element(item, child))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, data: object) -> bytes:
    body = ET.tostring(_element(root, data), encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def respond(fmt: str, root: str, data: object, status: int = 200) -> HttpResponse:
    """`root` names the XML root; JSON carries `data` as it is (a list for list roots)."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), status=status, content_type=XML_TYPE)
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body.encode(), status=status, content_type=JSON_TYPE)


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    response = respond(fmt, "errors", [{"code": error.status, "description": error.description}], error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def status_of(req: Request) -> str:
    return "closed" if req.status in CLOSED else "open"


def status_notes(req: Request) -> str:
    """What a hotline operator reads to the caller, in plain Chinese."""
    match req.status:
        case Status.SUBMITTED:
            return "已受理，等待楼栋党小组派单"
        case Status.DISPATCHED:
            return "已派给党员志愿者，等待接单"
        case Status.ACCEPTED:
            return "党员志愿者正在办理"
        case Status.WAITING:
            return f"等待居民补充：{req.question}" if req.question else "等待居民补充情况"
        case Status.RESOLVED:
            how = req.get_resolution_display() or "已办理"
            return f"{how}：{req.reply}，等待居民确认" if req.reply else f"{how}，等待居民确认"
        case Status.CLOSED:
            return f"已办结，居民评价：{req.get_rating_display()}" if req.rating else "已办结"
        case Status.REJECTED:
            return f"不予受理：{req.reject_reason}" if req.reject_reason else "不予受理"
        case Status.MERGED:
            into = req.merged_into.number if req.merged_into_id and req.merged_into else ""
            return f"与同一问题的点单合并办理（{into}）" if into else "与同一问题的点单合并办理"
        case Status.ESCALATED:
            return f"已上报社区处理：{req.escalate_reason}" if req.escalate_reason else "已上报社区处理"
    return req.get_status_display()


def service_notice(req: Request) -> str:
    notice = f"点单编号 {req.number}"
    if req.due_at:
        notice += f"，规定办结时间 {req.due_label}"
    return notice


def request_item(req: Request) -> dict:
    """One service request in the spec's fields (no personal contact data, no photos)."""
    return {
        "service_request_id": req.pk,
        "status": status_of(req),
        "status_notes": status_notes(req),
        "service_name": req.category_name,
        "service_code": req.category_code,
        "description": req.description,
        "agency_responsible": req.group.name if req.group_id else req.community.name,
        "service_notice": service_notice(req),
        "requested_datetime": w3(req.created_at),
        "updated_datetime": w3(req.closed_at if req.status == Status.CLOSED and req.closed_at else req.updated_at),
        "expected_datetime": w3(req.due_at),
        "address": f"{req.community.name}{req.place_label}",
        "address_id": req.building_id,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
