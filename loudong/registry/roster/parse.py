"""Reading a roster sheet: find the header row under any title rows, map the many ways columns are
named to our fields, and stream the data rows with their Excel row numbers.

python-calamine reads .xlsx, .xls and .ods. Its `iter_rows()` starts at the sheet's first row (so
index + 1 is the row number Excel shows) but at the first used column; merged ranges are reported
in absolute coordinates, so columns are shifted by `sheet.start[1]`.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import BinaryIO

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from loudong.lib.identity import clean_text
from loudong.registry.roster.cells import cell_text

HEADER_SCAN_ROWS = 15

# Field -> the ways community rosters name it (compared after normalize_header).
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "人员姓名", "党员姓名"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "公民身份证号码", "证件号"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "电话号码", "联系方式"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号", "栋", "楼栋名称"),
    "stairwell": ("单元", "楼道", "单元号"),
    "room": ("房号", "门牌号", "室号", "房间号", "门牌", "户号"),
    "address": ("住址", "地址", "家庭住址", "现住址", "居住地址", "现居住地址"),
    "care_tags": ("关爱标签", "人员类别", "特殊人群", "标签", "关爱类型", "重点人群", "人员类型"),
    "political": ("政治面貌", "是否党员"),
    "joined_on": ("入党时间", "入党日期", "入党年月"),
    "standing": ("党员类别", "党员类型"),
    "registration": ("组织关系所在", "组织关系", "组织关系所在单位", "组织关系所在党组织"),
    "employment": ("在职/退休", "在职退休", "在职或退休", "工作状态", "在职情况", "在职", "退休"),
    "service_items": ("服务项目", "服务内容", "可提供服务", "志愿服务项目"),
    "note": ("备注", "备注说明"),
}
FIELD_LABELS = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号",
    "phone": "联系电话", "building": "楼栋", "stairwell": "单元", "room": "房号", "address": "住址",
    "care_tags": "关爱标签", "political": "政治面貌", "joined_on": "入党日期", "standing": "党员类别",
    "registration": "组织关系所在", "employment": "在职/退休", "service_items": "服务项目", "note": "备注",
}  # fmt: skip
# Rows whose first cells start like this close the table: totals and the signature lines under it.
_CLOSING_WORDS = (
    "合计", "总计", "共计", "小计", "填表人", "制表人", "审核人", "填报人", "填表日期", "制表日期",
)  # fmt: skip
_DECORATION = re.compile(r"[\s*※★☆:：]+")
_BRACKETED = re.compile(r"[(\[【〔].*?[)\]】〕]")


def normalize_header(value: object) -> str:
    """'* 身份证号码\\n(18位)' -> '身份证号码(18位)': full width folded; spaces, breaks, stars gone."""
    return _DECORATION.sub("", clean_text(value if isinstance(value, str) else cell_text(value))).lower()


_HEADER_INDEX = {normalize_header(n): f for f, names in HEADER_NAMES.items() for n in names}


def field_for_header(value: object) -> str | None:
    header = normalize_header(value)
    if not header:
        return None
    return _HEADER_INDEX.get(header) or _HEADER_INDEX.get(_BRACKETED.sub("", header))


class RosterError(Exception):
    """The file as a whole cannot be imported; the message is Chinese."""


@dataclass
class Roster:
    header_row: int  # as Excel shows it (1-based)
    header: list[str]
    columns: dict[str, list[int]]  # field -> column positions in each row, in sheet order
    total_rows: int  # rows below the header, blank ones included
    _rows: Iterator[tuple[int, list]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) of each data row; blank and total rows are skipped silently."""
        name_columns = self.columns["name"]
        for number, cells in self._rows:
            if not any(cell != "" for cell in cells) or _is_closing(cells):
                continue
            if any(_repeats_name_header(cells[c]) for c in name_columns):
                continue  # the header repeated (printed rosters repeat it on every page)
            yield number, cells


def _repeats_name_header(cell: object) -> bool:
    # Every name header (姓名, 名字, ...) has 名 in it: a cheap test before normalising.
    return isinstance(cell, str) and "名" in cell and field_for_header(cell) == "name"


def _is_closing(cells: list) -> bool:
    for cell in cells[:3]:
        if isinstance(cell, str) and cell:
            text = "".join(clean_text(cell).split())
            return text.startswith(_CLOSING_WORDS)
    return False


def _header_columns(cells: list) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for position, cell in enumerate(cells):
        if isinstance(cell, str) and (name := field_for_header(cell)):
            columns.setdefault(name, []).append(position)
    return columns


def open_roster(source: str | BinaryIO) -> Roster:
    """The first sheet that has a header row with a 姓名 column, ready to stream."""
    try:
        if isinstance(source, str):
            workbook = CalamineWorkbook.from_path(source)
        else:
            workbook = CalamineWorkbook.from_filelike(source)
    except Exception as exc:  # calamine raises many error kinds for files it cannot parse
        raise RosterError("无法读取这个文件：请上传 Excel（.xlsx、.xls）或 .ods 表格文件") from exc
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
        except Exception as exc:
            raise RosterError(f"无法读取工作表「{meta.name}」，文件可能已损坏") from exc
        if sheet.start is None:
            continue
        rows = sheet.iter_rows()
        head = list(islice(rows, HEADER_SCAN_ROWS))
        best, best_columns = -1, {}
        for index, cells in enumerate(head):
            columns = _header_columns(cells)
            if "name" in columns and len(columns) >= 2 and len(columns) > len(best_columns):
                best, best_columns = index, columns
        if best < 0:
            continue
        header = [cell_text(c) for c in head[best]]
        body_start = best + 1
        if body_start < len(head) and _is_sub_header(head[body_start], best_columns):
            # A two-row header: 住址 over 楼栋 | 单元 | 房号.
            for name, positions in _header_columns(head[body_start]).items():
                best_columns.setdefault(name, positions)
            header = [cell_text(s) or h for h, s in zip(header, head[body_start], strict=False)]
            body_start += 1
        data = _numbered(head[body_start:], rows, start=body_start)
        merged = _vertical_merges(sheet, header_index=best)
        return Roster(
            header_row=body_start,
            header=header,
            columns=best_columns,
            total_rows=max(sheet.end[0] + 1 - body_start, 0),
            _rows=_fill_merged(data, merged) if merged else data,
        )
    raise RosterError(
        f"在表格前 {HEADER_SCAN_ROWS} 行里没有找到表头：表头需要有“姓名”一列，"
        "以及性别、身份证号、联系电话、住址等至少一列"
    )


def _is_sub_header(cells: list, columns: dict[str, list[int]]) -> bool:
    below = _header_columns(cells)
    taken = {p for name, positions in columns.items() if name != "address" for p in positions}
    return bool(below) and "name" not in below and not taken & {p for ps in below.values() for p in ps}


def _numbered(head: list[list], rest: Iterator[list], start: int) -> Iterator[tuple[int, list]]:
    number = start
    for cells in head:
        number += 1
        yield number, cells
    for cells in rest:
        number += 1
        yield number, cells


def _vertical_merges(sheet: object, header_index: int) -> dict[int, list[tuple[int, int]]]:
    """Row index -> [(column, last row index)] for cells merged downwards below the header
    (a household's address written once for all its members)."""
    ranges = getattr(sheet, "merged_cell_ranges", None) or []
    first_column = sheet.start[1]
    merges: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in ranges:
        if top > header_index and bottom > top:
            merges.setdefault(top, []).append((left - first_column, bottom))
    return merges


def _fill_merged(rows: Iterator[tuple[int, list]], merges: dict[int, list[tuple[int, int]]]) -> Iterator:
    active: list[tuple[int, int, object]] = []  # (column, last row index, value)
    for number, cells in rows:
        index = number - 1
        if active and any(cell != "" for cell in cells):
            active = [a for a in active if a[1] >= index]
            for column, _last, value in active:
                if column < len(cells) and cells[column] == "":
                    cells[column] = value
        for column, last in merges.get(index, ()):
            if column < len(cells):
                active.append((column, last, cells[column]))
        yield number, cells
