"""Writing spreadsheets: any list of rows to an .xlsx file, streamed so big lists stay small in memory.

The one writer of every spreadsheet the platform hands out. People's text stays text: openpyxl would
store a string starting with "=" as a live formula (a contact name `=HYPERLINK(...)` typed on the
public form would run in the admin's Excel), so every string cell is written as a string, and one
starting with = + - @ (or a tab or carriage return) also carries Excel's quote prefix, so that
editing the cell in Excel keeps it text too. Control characters XML cannot hold are dropped.
"""

import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, BinaryIO

# openpyxl (with numpy, which it loads when present) costs a process about 20 MiB: it is imported by the
# functions that write, so only a process that serves a spreadsheet pays for it.
if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What spreadsheet programs read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet: "WriteOnlyWorksheet", value: object, *, bold: bool = False) -> "WriteOnlyCell":
    """A cell holding `value`; a string is always a string, never a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl guessed "f" for a leading "="
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(target: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> None:
    """Write an .xlsx with a bold header row to `target`. Values stay as given; pass ID numbers and
    phones as str so the spreadsheet keeps them as text (a number would lose digits). Rows are
    taken one at a time and openpyxl's write-only sheet keeps them in a temporary file, not memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([text_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
    workbook.save(target)


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Sheet1") -> bytes:
    """The .xlsx as bytes: for lists that fit in memory."""
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title=title)
    return buffer.getvalue()


def xlsx_file(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Sheet1") -> BinaryIO:
    """The .xlsx in an anonymous temporary file, at its start: for long lists (a FileResponse streams
    it and closes it, which removes it)."""
    target = tempfile.TemporaryFile()
    write_xlsx(target, headers, rows, title=title)
    target.seek(0)
    return target


def xlsx_book(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """An .xlsx of several sheets, each (title, headers, rows) written as `xlsx_bytes` writes one.
    Titles are cut to Excel's 31 characters, without the characters it refuses, and kept distinct."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base}{n}"
        used.add(name)
        sheet = workbook.create_sheet(title=name)
        sheet.append([text_cell(sheet, header, bold=True) for header in headers])
        for row in rows:
            sheet.append([text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
