"""Reading a roster sheet: find the header row under any title rows, map the many ways columns are
named to our fields, and stream the data rows with their spreadsheet row numbers.

The header is the row among the first ones whose cells name the most known fields; a row holding
an ID number, a phone or a date is data and never the header. Below it, only blank rows, repeated
headers, totals and signature lines are skipped: every other row is read, and either imported or
listed with its reason.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import BinaryIO

from loudong.lib.dates import read_date
from loudong.lib.identity import InvalidValue, clean_text
from loudong.registry.roster.cells import cell_text
from loudong.registry.roster.fields import (
    FIELD_LABELS,
    HEADER_NAMES,
    columns_of,
    field_for_header,
    header_signature,
    normalize_header,
)
from loudong.registry.roster.sources import RosterError, SheetRows, open_sheets

__all__ = ["FIELD_LABELS", "HEADER_NAMES", "Roster", "RosterError", "normalize_header", "open_roster"]
HEADER_SCAN_ROWS = 20
# Rows whose first cells start like this close the table: totals, signature lines and notes under it.
_CLOSING_WORDS = (
    "合计", "总计", "共计", "小计", "填表人", "制表人", "审核人", "填报人", "填表日期", "制表日期",
    "负责人:", "注:", "说明:", "填表说明",
)  # fmt: skip
_ID_OR_PHONE = re.compile(r"\d{17}[\dX]|\d{15}|(?:86)?1[3-9]\d{9}|0\d{9,11}|[2-9]\d{6,7}")


@dataclass
class Roster:
    header_row: int  # the last header row, as the spreadsheet shows it (1-based)
    header: list[str]
    mapping: list[str]  # the field each column is read as ('' = not imported), by position
    total_rows: int  # rows below the header, blank ones included
    _rows: Iterator[tuple[int, list]] = field(repr=False)
    _source: object = field(default=None, repr=False)  # keeps the file open while rows stream

    @property
    def columns(self) -> dict[str, list[int]]:
        """Field -> column positions in each row, in sheet order."""
        return columns_of(self.mapping)

    @property
    def signature(self) -> str:
        return header_signature(self.header)

    def use_mapping(self, mapping: list[str]) -> None:
        """Read the columns as `mapping` says (a confirmed or remembered choice)."""
        width = max(len(self.header), len(mapping))
        self.mapping = [(mapping[i] if i < len(mapping) else "") for i in range(width)]

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells) of each data row. Skipped silently: blank rows (nothing in any
        column read), totals and signature lines, and the header repeated on each printed page."""
        columns = self.columns
        read = sorted({p for positions in columns.values() for p in positions})
        names = columns.get("name", [])
        header_names = {normalize_header(self.header[p]) for p in names if p < len(self.header)}
        for number, cells in self._rows:
            if not any(p < len(cells) and cells[p] != "" and cells[p] is not None for p in read):
                continue
            if _is_closing(cells):
                continue
            if any(p < len(cells) and _repeats_name_header(cells[p], header_names) for p in names):
                continue
            yield number, cells


def _repeats_name_header(cell: object, header_names: set[str]) -> bool:
    return isinstance(cell, str) and (normalize_header(cell) in header_names or field_for_header(cell) == "name")


def _is_closing(cells: list) -> bool:
    for cell in cells[:3]:
        if isinstance(cell, str) and cell:
            text = "".join(clean_text(cell).split())
            return text.startswith(_CLOSING_WORDS)
    return False


def looks_like_data(cell: object) -> bool:
    """A cell that is an ID number, a phone or a date: what a header cell never is."""
    if isinstance(cell, date):
        return True
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return abs(cell) >= 1e6 or 1890 <= abs(cell) <= 2100
    if not isinstance(cell, str) or not cell or field_for_header(cell):
        return False
    text = clean_text(cell)
    if _ID_OR_PHONE.fullmatch(re.sub(r"[\s\-+()]", "", text).upper()):
        return True
    try:
        return read_date(text) is not None
    except InvalidValue:
        return False


def _header_columns(cells: list) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for position, cell in enumerate(cells):
        if isinstance(cell, str) and (name := field_for_header(cell)):
            columns.setdefault(name, []).append(position)
    return columns


def _find_header(head: list[list]) -> tuple[int, dict[str, list[int]]]:
    """(index, columns) of the row naming the most fields (with 姓名 and one more); -1 if none."""
    best, best_columns = -1, {}
    for index, cells in enumerate(head):
        if any(looks_like_data(cell) for cell in cells):
            continue
        columns = _header_columns(cells)
        if "name" in columns and len(columns) >= 2 and len(columns) > len(best_columns):
            best, best_columns = index, columns
    return best, best_columns


def _is_sub_header(cells: list, columns: dict[str, list[int]]) -> bool:
    """A second header row (住址 over 楼栋 | 单元 | 房号): every cell in it names a field, none is
    data, nothing sits under 姓名, and it names columns the first row left open."""
    below = _header_columns(cells)
    filled = [p for p, cell in enumerate(cells) if cell != "" and cell is not None]
    if not below or "name" in below or len(filled) != sum(len(ps) for ps in below.values()):
        return False
    if any(looks_like_data(cells[p]) for p in filled) or any(p in filled for p in columns.get("name", [])):
        return False
    taken = {p for name, positions in columns.items() if name != "address" for p in positions}
    return not taken & set(filled)


def open_roster(source: str | BinaryIO) -> Roster:
    """The first sheet that has a header row with a 姓名 column, ready to stream."""
    sheets = open_sheets(source)
    for sheet in sheets:
        roster = _roster_of(sheet)
        if roster is not None:
            roster._source = sheets
            return roster
    raise RosterError(
        f"在表格前 {HEADER_SCAN_ROWS} 行里没有找到表头：表头需要有“姓名”一列，"
        "以及性别、身份证号、联系电话、住址等至少一列"
    )


def _roster_of(sheet: SheetRows) -> Roster | None:
    head = list(islice(sheet.rows, HEADER_SCAN_ROWS))
    best, columns = _find_header(head)
    if best < 0:
        return None
    header = [cell_text(c) for c in head[best]]
    body_start = best + 1
    if body_start < len(head) and _is_sub_header(head[body_start], columns):
        for name, positions in _header_columns(head[body_start]).items():
            columns.setdefault(name, positions)
        header = [cell_text(s) or h for h, s in zip(header, head[body_start], strict=False)]
        body_start += 1
    mapping = [""] * len(header)
    for name, positions in columns.items():
        for position in positions:
            mapping[position] = name
    data = _numbered(head[body_start:], sheet.rows, start=body_start)
    merged = _vertical_merges(sheet.merges, header_index=body_start - 1)
    return Roster(
        header_row=body_start,
        header=header,
        mapping=mapping,
        total_rows=max(sheet.row_count - body_start, 0),
        _rows=_fill_merged(data, merged) if merged else data,
    )


def _numbered(head: list[list], rest: Iterator[list], start: int) -> Iterator[tuple[int, list]]:
    number = start
    for cells in head:
        number += 1
        yield number, cells
    for cells in rest:
        number += 1
        yield number, cells


def _vertical_merges(ranges: list, header_index: int) -> dict[int, list[tuple[int, int]]]:
    """Row index -> [(column, last row index)] for cells merged downwards below the header
    (a household's address written once for all its members)."""
    merges: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in ranges:
        if top > header_index and bottom > top:
            merges.setdefault(top, []).append((left, bottom))
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
