"""Lists to Excel. Phones and ID numbers are always written masked: a file leaves the platform and
its audit trail, so it never carries a full value."""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse

from loudong.lib.dates import format_date
from loudong.lib.shanghai import SHANGHAI
from loudong.lib.xlsx import xlsx_bytes
from loudong.registry.models import DatePrecision, Member, Resident

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000

RESIDENT_HEADERS = [
    "姓名", "性别", "出生日期", "年龄", "楼栋", "单元", "房号",
    "联系电话", "身份证号", "关爱标签", "党员", "备注",
]  # fmt: skip
MEMBER_HEADERS = [
    "姓名", "性别", "年龄", "楼栋", "单元", "房号", "联系电话", "党小组", "党员类别", "组织关系", "在职/退休",
    "入党日期", "服务项目",
]  # fmt: skip


class Counted:
    """Counts rows as the spreadsheet writer consumes them, for the audit entry of the export."""

    def __init__(self, rows: Iterable[list]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list]:
        for row in self.rows:
            self.count += 1
            yield row


def place_cells(resident: Resident) -> list[str]:
    household = resident.household
    if household is None:
        return ["", "", ""]
    return [household.stairwell.building.name, household.stairwell.name, household.room]


def resident_rows(residents: QuerySet[Resident]) -> Iterator[list]:
    queryset = residents.select_related("household__stairwell__building", "member").prefetch_related("care_tags")
    for resident in queryset.iterator(chunk_size=CHUNK):
        yield [
            resident.name,
            resident.get_gender_display(),
            _written(resident.birth_date, resident.birth_precision),
            resident.age,
            *place_cells(resident),
            resident.phone_masked,
            resident.id_number_masked,
            "、".join(tag.name for tag in resident.care_tags.all()),
            "是" if hasattr(resident, "member") else "",
            resident.note,
        ]


def member_rows(members: QuerySet[Member]) -> Iterator[list]:
    queryset = members.select_related("resident__household__stairwell__building", "group").prefetch_related(
        "service_items"
    )
    for member in queryset.iterator(chunk_size=CHUNK):
        resident = member.resident
        yield [
            resident.name,
            resident.get_gender_display(),
            resident.age,
            *place_cells(resident),
            resident.phone_masked,
            member.group.name if member.group else "",
            member.get_standing_display(),
            member.registration_display,
            member.get_employment_display(),
            _written(member.joined_on, member.joined_precision),
            "、".join(item.name for item in member.service_items.all()),
        ]


def _written(day: date | None, precision: str) -> date | str | None:
    """A date cell, or the text as written ('1985年7月') when the roster gave only the month or year:
    a date cell would claim the 1st; the text imports back with its precision."""
    return day if day is None or precision == DatePrecision.DAY else format_date(day, precision)


def residents_xlsx(residents: QuerySet[Resident]) -> tuple[bytes, int]:
    rows = Counted(resident_rows(residents))
    return xlsx_bytes(RESIDENT_HEADERS, rows, title="居民名单"), rows.count


def members_xlsx(members: QuerySet[Member]) -> tuple[bytes, int]:
    rows = Counted(member_rows(members))
    return xlsx_bytes(MEMBER_HEADERS, rows, title="党员名单"), rows.count


def xlsx_response(content: bytes, title: str) -> HttpResponse:
    """A download named like 居民名单-20250301-0930.xlsx (Shanghai time)."""
    stamp = datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M")
    name = f"{title}-{stamp}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=\"export-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
