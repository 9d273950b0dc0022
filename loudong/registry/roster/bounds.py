"""How big a roster may be, checked before it is read: a small file must not cost a worker gigabytes.

A workbook (.xlsx, .ods) is a zip file. Before python-calamine opens it, every part is unpacked here
as a stream, one megabyte at a time, counting what it unpacks to: more than ROSTER_MAX_UNPACKED_MB,
or packed far more tightly than any real roster (a zip bomb), and it is refused. The sizes the zip
file declares are not trusted (they are checked first, so an honest bomb is refused at once, but the
count is of what the data really unpacks to).

python-calamine makes a full grid of every sheet, rows × columns, from the highest row and column
holding a cell: a 5 KB .xlsx with one cell in A1 and one in XFD1048576 asks it for 512 GB and kills
the process, and an 820-byte .ods repeating one cell 38 million times takes 4.6 GB. So, while an
.xlsx sheet's XML or an .ods file's content streams past, the rows and columns its cells reach are
measured (as calamine counts them), and a sheet reaching past ROSTER_MAX_ROWS rows or MAX_COLUMNS
columns is refused before it is loaded. Other formats (.xls, CSV) are counted as they are read,
before anything is imported.
"""

import re
import struct
import zipfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings

from loudong.registry.roster.errors import UNREADABLE, RosterError

MAX_COLUMNS = 200  # a roster has a few dozen
# calamine's grid costs rows × columns cells (up to about 120 bytes each): at most this many times
# ROSTER_MAX_ROWS (6 million cells by default: 200,000 rows of a roster of A to Z, ~700 MB at worst).
GRID_COLUMNS = 30
MAX_RATIO = 200  # real .xlsx sheets pack about 8:1; deflate can reach 1032:1
RATIO_FROM_BYTES = 10 << 20  # a tiny file may pack tightly; only above this is the ratio judged
CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s22xHH")
# Start tags of rows and cells (any namespace prefix), with their attributes.
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb'\br="([A-Z]{0,3})(\d*)"')
_TAG_MAX = 400  # longer start tags than this are not row or cell tags worth counting


def too_many_rows(rows: int) -> RosterError:
    limit = settings.ROSTER_MAX_ROWS
    return RosterError(
        f"这个名册有 {rows:,} 行，超过了一次最多导入的 {limit:,} 行，没有导入任何一行：请把名册拆成几个文件分别导入"
    )


def check_rows(rows: int) -> None:
    if rows > settings.ROSTER_MAX_ROWS:
        raise too_many_rows(rows)


def check_workbook(stream: BinaryIO) -> None:
    """Refuse a zip workbook that unpacks too big or reaches too far; leaves `stream` at 0."""
    cap = settings.ROSTER_MAX_UNPACKED_MB << 20
    too_big = RosterError(
        f"这个文件解压后超过 {settings.ROSTER_MAX_UNPACKED_MB} MB，没有导入任何一行："
        "请把名册拆成几个文件分别导入，或另存为新的 .xlsx 文件后再上传"
    )
    try:
        infos = zipfile.ZipFile(stream).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RosterError(UNREADABLE) from exc
    if sum(info.file_size for info in infos) > cap:
        raise too_big
    unpacked = 0
    for info in infos:
        extent = _reach_of(info.filename)
        for chunk in _unpacked(stream, info):
            unpacked += len(chunk)
            if unpacked > cap:
                raise too_big
            if extent is not None:
                extent.feed(chunk)
        if isinstance(extent, _SheetReach) and extent.unreferenced:
            extent = _SheetReach(walk=True)  # rows or cells placed by order: measured tag by tag
            for chunk in _unpacked(stream, info):
                extent.feed(chunk)
        if extent is not None:
            extent.check()
    packed = sum(info.compress_size for info in infos)
    if unpacked > RATIO_FROM_BYTES and unpacked > MAX_RATIO * max(packed, 1):
        raise RosterError("这个文件压缩得异常紧密，不像是正常的名册，没有导入：请另存为新的 .xlsx 文件后再上传")
    stream.seek(0)


def _reach_of(name: str) -> "_Reach | None":
    """What measures how far the part's cells reach: an .xlsx sheet, or an .ods file's content."""
    if name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2:
        return _SheetReach()
    return _OdsReach() if name == "content.xml" else None


def _unpacked(stream: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's data as it really unpacks, a megabyte at most at a time."""
    stream.seek(info.header_offset)
    magic, name_length, extra_length = _LOCAL_HEADER.unpack(stream.read(_LOCAL_HEADER.size).ljust(30, b"\0"))
    if magic != b"PK\x03\x04":
        raise RosterError(UNREADABLE)
    stream.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0 and (raw := stream.read(min(CHUNK, left))):
            left -= len(raw)
            yield raw
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise RosterError(UNREADABLE)
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        while left > 0 and (raw := stream.read(min(CHUNK, left))):
            left -= len(raw)
            while raw and not inflate.eof:
                yield inflate.decompress(raw, CHUNK)
                raw = inflate.unconsumed_tail
    except zlib.error as exc:
        raise RosterError(UNREADABLE) from exc


class _Reach(ABC):
    """The highest row and column a part's cells reach, as python-calamine will place them, fed
    a chunk at a time (a tag cut by a chunk's end waits for the next chunk)."""

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self.pending = b""

    def feed(self, chunk: bytes) -> None:
        data = self.pending + chunk
        keep = data.rfind(b"<", max(0, len(data) - _TAG_MAX))
        if keep < 0 or data.find(b">", keep) >= 0:
            keep = len(data)
        self.pending = data[keep:]
        self.scan(data[:keep])

    @abstractmethod
    def scan(self, data: bytes) -> None:
        """Raise rows and columns to what the whole tags in `data` reach (per format)."""

    def check(self) -> None:
        if self.rows > settings.ROSTER_MAX_ROWS:
            raise too_many_rows(self.rows)
        if self.columns > MAX_COLUMNS:
            raise RosterError(
                f"表格在第 {self.columns:,} 列还有内容，超过了名册最多的 {MAX_COLUMNS} 列，没有导入任何一行："
                "请删掉表格右边多余的内容后再上传"
            )
        if self.rows * self.columns > settings.ROSTER_MAX_ROWS * GRID_COLUMNS:
            raise RosterError(
                f"表格太大（{self.rows:,} 行 × {self.columns} 列），没有导入任何一行："
                "请删掉多余的列，或把名册拆成几个文件分别导入"
            )


class _SheetReach(_Reach):
    """An .xlsx sheet. Rows and cells normally name their place (`<row r="7">`, `<c r="B7">`): the
    highest numbers are found with a few C-speed searches per chunk. A row or cell without a
    reference follows the one before it; a sheet with any such is measured again by walking its
    tags one by one (`walk`)."""

    def __init__(self, *, walk: bool = False) -> None:
        super().__init__()
        self.walk = walk
        self.row = self.column = 0
        self.unreferenced = False

    def scan(self, data: bytes) -> None:
        if self.walk:
            for match in _TAG.finditer(data):
                self._tag(match.group(1), match.group(2))
            return
        rows = _ROW_REFS.findall(data)
        counted_rows = data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/")
        counted_cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")
        if len(rows) != counted_rows or data.count(b'<c r="') != counted_cells or b":row" in data or b":c " in data:
            self.unreferenced = True  # a row or cell without `r` first, or tags with a prefix
        if rows:
            self.rows = max(self.rows, max(map(int, rows)))
        if wide := _WIDE_CELL_REFS.findall(data):
            self.columns = max(self.columns, max(map(_column_number, set(wide))))
        elif counted_cells:  # columns A to Z are not told apart: taken as 26
            self.columns = max(self.columns, 26)

    def _tag(self, name: bytes, attributes: bytes) -> None:
        ref = _REF.search(attributes)
        if name == b"row":
            self.row = int(ref.group(2)) if ref and ref.group(2) and not ref.group(1) else self.row + 1
            self.column = 0
            self.rows = max(self.rows, self.row)
            return
        if ref and ref.group(1):
            self.column = _column_number(ref.group(1))
            if ref.group(2):
                self.row = int(ref.group(2))
                self.rows = max(self.rows, self.row)
        else:
            self.column += 1
        self.columns = max(self.columns, self.column)


class _OdsReach(_Reach):
    """An .ods file's content.xml: rows and cells repeat (`table:number-rows-repeated="1000"`), and
    calamine builds every repeated cell up to the last one holding something (an 820-byte file
    asked it for 4.6 GB). Empty rows and cells (LibreOffice ends each sheet with a million) are
    counted only when something follows them."""

    def __init__(self) -> None:
        super().__init__()
        self.row = 0  # rows of this table so far
        self.repeat = 1
        self.column = self.last_column = 0

    def scan(self, data: bytes) -> None:
        for closing, name, attributes, empty in _ODS_TAG.findall(data):
            if name == b"table":
                if not closing:
                    self.row = 0
            elif name == b"table-row":
                if not closing:
                    self.repeat = _repeats(_ODS_ROWS, attributes)
                    self.column = self.last_column = 0
                if closing or empty:
                    if self.last_column:
                        self.rows = max(self.rows, self.row + self.repeat)
                        self.columns = max(self.columns, self.last_column)
                    self.row += self.repeat
            elif not closing:  # a cell, or one covered by a merge
                self.column += _repeats(_ODS_COLUMNS, attributes)
                if not empty or b"office:value-type" in attributes:
                    self.last_column = self.column


def _repeats(pattern: re.Pattern, attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLUMNS = re.compile(rb'number-columns-repeated="(\d+)"')
# The usual way rows and cells are written, `r` first; literal starts keep the searches fast.
_ROW_REFS = re.compile(rb'<row r="(\d+)"')
_WIDE_CELL_REFS = re.compile(rb'<c r="([A-Z]{2,3})\d')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
