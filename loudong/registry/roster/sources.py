"""Opening a roster file of any kind people send: the sheets as streams of rows of cells.

The format is told by the file's first bytes, not its name: .xlsx and .ods are zip files, .xls and
WPS .et are OLE compound files (python-calamine reads them all), anything else is tried as text
(CSV saved by Excel or WPS, or exported by another system) in UTF-8, with or without BOM, UTF-16,
or GBK/GB18030, found by decoding, with the delimiter counted from the first lines.

python-calamine's `iter_rows()` starts at the sheet's first row (so index + 1 is the row number
Excel shows) but at the first used column; merged ranges are reported in absolute coordinates, so
their columns are shifted by `sheet.start[1]`.
"""

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from loudong.registry.roster.bounds import check_rows, check_workbook
from loudong.registry.roster.errors import UNREADABLE, RosterError

__all__ = ["UNREADABLE", "RosterError", "SheetRows", "open_sheets"]

READ_BYTES = 1 << 20
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


@dataclass
class SheetRows:
    name: str
    rows: Iterator[list]  # the sheet's rows from its first, cells from its first used column
    row_count: int  # rows in the sheet, for progress (an estimate for text files)
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based, shifted


def open_sheets(source: str | BinaryIO) -> Iterator[SheetRows]:
    """The visible worksheets of the file, in order; raises RosterError when it cannot be read."""
    stream = open(source, "rb") if isinstance(source, str) else source
    try:
        magic = stream.read(8)
        stream.seek(0)
        if magic.startswith((_ZIP, _OLE)):
            yield from _workbook_sheets(stream)
        else:
            suffix = Path(source).suffix.lower() if isinstance(source, str) else ""
            yield _text_sheet(stream, sure=suffix in _TEXT_SUFFIXES)
    finally:
        if isinstance(source, str):
            stream.close()


def _workbook_sheets(stream: BinaryIO) -> Iterator[SheetRows]:
    if stream.read(4) == _ZIP:
        check_workbook(stream)  # unpacked size and the sheets' reach, before calamine loads them
    stream.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except Exception as exc:  # calamine raises many error kinds for files it cannot parse
        raise RosterError(UNREADABLE) from exc
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
        except Exception as exc:
            raise RosterError(f"无法读取工作表「{meta.name}」，文件可能已损坏") from exc
        if sheet.start is None:
            continue
        check_rows(sheet.end[0] + 1)
        first_column = sheet.start[1]
        merges = [
            ((top, left - first_column), (bottom, right - first_column))
            for (top, left), (bottom, right) in (getattr(sheet, "merged_cell_ranges", None) or [])
        ]
        yield SheetRows(meta.name, iter(sheet.iter_rows()), sheet.end[0] + 1, merges)


def _text_sheet(stream: BinaryIO, *, sure: bool) -> SheetRows:
    encoding, lines = _detect_encoding(stream)
    if encoding is None:
        raise RosterError(UNREADABLE if not sure else "无法读取这个 CSV 文件：文字编码认不出，请用 Excel 另存为 .xlsx")
    stream.seek(0)
    chunks = codecs.iterdecode(iter(lambda: stream.read(READ_BYTES), b""), encoding)
    head = next(chunks, "")
    delimiter = _delimiter(head)
    if delimiter is None and not sure:
        raise RosterError(UNREADABLE)
    check_rows(lines)  # every line a row at most
    rows = csv.reader(_split_lines(_chain(head, chunks)), delimiter=delimiter or ",")
    return SheetRows("CSV", _guarded(rows), lines)


def _detect_encoding(stream: BinaryIO) -> tuple[str | None, int]:
    """(encoding, line count): a BOM decides; else the whole file must decode as UTF-8, or GB18030
    (a superset of GBK, which Excel and WPS use for CSV on Chinese Windows)."""
    start = stream.read(4)
    stream.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            while block := stream.read(READ_BYTES):
                if b"\x00" in block and encoding != "utf-16":
                    return None, 0  # a binary file
                decoder.decode(block)
                lines += block.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            stream.seek(0)
            continue
        return encoding, lines + 1
    return None, 0


def _delimiter(head: str) -> str | None:
    lines = head.splitlines()[:30]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _chain(head: str, rest: Iterator[str]) -> Iterator[str]:
    yield head
    yield from rest


def _split_lines(chunks: Iterator[str]) -> Iterator[str]:
    """Lines with their endings kept (csv needs them for cells that hold line breaks); a \\r at
    the end of a chunk waits for the next in case it is half of \\r\\n."""
    pending = ""
    for chunk in chunks:
        text = pending + chunk
        end = 0
        for match in _LINE.finditer(text):
            if match.end() == len(text) and text.endswith("\r"):
                break
            end = match.end()
            yield match.group()
        pending = text[end:]
    if pending:
        yield pending


def _guarded(rows: Iterator[list[str]]) -> Iterator[list]:
    try:
        yield from rows
    except csv.Error as exc:
        raise RosterError(f"CSV 文件格式有误：{exc}") from exc
