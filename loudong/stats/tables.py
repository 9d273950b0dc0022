"""The tables behind the figures, as headers and rows: the same rows on the page and in Excel.

Lists of requests come in two shapes: with people (admins and leaders: the contact's name, the
masked phone, the room, the volunteer) and without (overseers: no name, phone, room or text).
"""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet

from loudong.lib.identity import mask_phone
from loudong.lib.shanghai import SHANGHAI
from loudong.stats.definitions import RATES
from loudong.stats.results import Breakdown, Figures, Rate

LIST_HEADERS = ["编号", "点单时间", "社区", "类别", "楼栋", "来源", "状态", "办理方式", "评价"]
PEOPLE_HEADERS = ["单元房号", "联系人", "联系电话", "承办志愿者"]
CHUNK = 2000


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def list_headers(people: bool) -> list[str]:
    return LIST_HEADERS + (PEOPLE_HEADERS if people else [])


def prepared(requests: QuerySet) -> QuerySet:
    return requests.select_related("community", "building", "stairwell", "assignee__resident")


def list_row(req, people: bool) -> list[str]:  # noqa: ANN001 (a Request)
    row = [
        req.number,
        local_time(req.created_at),
        req.community.name,
        req.category_name,
        req.building.name,
        req.get_channel_display(),
        req.get_status_display(),
        req.get_resolution_display() or "",
        req.get_rating_display() or "",
    ]
    if people:
        place = "".join(
            part for part in ((req.stairwell.name if req.stairwell_id else ""), (f"{req.room}室" if req.room else ""))
        )
        volunteer = req.assignee.resident.name if req.assignee_id else ""
        row += [place, req.contact_name, mask_phone(req.contact_phone) if req.contact_phone else "", volunteer]
    return row


def list_rows(requests: QuerySet, people: bool) -> Iterator[list[str]]:
    for req in prepared(requests).iterator(chunk_size=CHUNK):
        yield list_row(req, people)


def rate_cells(rate: Rate) -> list[object]:
    return [rate.numerator, rate.denominator, rate.percent if rate.denominator else None, rate.display()]


def breakdown_headers(table: Breakdown) -> list[str]:
    headers = [table.label.removeprefix("按")] + [label for _, label in table.columns]
    for rate in RATES:
        headers += [
            f"{rate.label}·{rate.numerator.label}",
            f"{rate.label}·{rate.denominator.label}",
            f"{rate.label}（%）",
            f"{rate.label}（显示）",
        ]
    return headers


def breakdown_rows(table: Breakdown) -> list[list[object]]:
    rows = []
    for row in table.rows:
        cells: list[object] = [row.label] + [row.counts[key] for key, _ in table.columns]
        for rate in row.rates:
            cells += rate_cells(rate)
        rows.append(cells)
    return rows


FIGURE_HEADERS = ["指标", "件数 / 分子", "分母", "比例（%）", "显示", "定义"]


def figure_rows(f: Figures) -> list[list[object]]:
    """The funnel, the counts of now and the rates, one row each, with their definitions."""
    rows: list[list[object]] = [
        [x.label, x.count, None, None, str(x.count), x.definition] for x in (*f.funnel, f.open_now, f.overdue_now)
    ]
    for rate in f.rates:
        rows.append(
            [
                rate.label,
                rate.numerator,
                rate.denominator,
                rate.percent if rate.denominator else None,
                rate.display(),
                rate.definition,
            ]
        )
    return rows
