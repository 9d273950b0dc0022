"""Writing corpus rows in each file format people send: .xlsx (openpyxl), .xls as WPS and old
Excel save it (xlwt), .ods (the OpenDocument XML, written directly), CSV in GBK or UTF-8."""

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import xlwt
from openpyxl import Workbook
from openpyxl.utils import range_boundaries


def write_xlsx(path: Path, rows: list[list], merges: list[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value not in (None, ""):
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.number_format = "@"
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)


def write_xls(path: Path, rows: list[list], merges: list[str]) -> None:
    """BIFF8 as WPS and Excel 97-2003 save it: dates as date cells, numbers as numbers."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    merged_starts = {}
    for cells in merges:
        left, top, right, bottom = range_boundaries(cells)
        merged_starts[(top - 1, left - 1)] = (bottom - 1, right - 1)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in merged_starts:
                bottom, right = merged_starts[(r, c)]
                sheet.write_merge(r, bottom, c, right, value)
            elif isinstance(value, date | datetime):
                sheet.write(r, c, value, dates)
            elif value not in (None, ""):
                sheet.write(r, c, value)
    book.save(str(path))


def write_csv(encoding: str, delimiter: str = ","):  # noqa: ANN201 - a writer factory
    def write(path: Path, rows: list[list], merges: list[str]) -> None:
        with open(path, "w", encoding=encoding, newline="") as handle:
            out = csv.writer(handle, delimiter=delimiter)
            for row in rows:
                out.writerow(["" if v is None else v for v in row])

    return write


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def write_ods(path: Path, rows: list[list], merges: list[str]) -> None:
    """A minimal OpenDocument spreadsheet (what LibreOffice and WPS save as .ods)."""

    def cell(value: object) -> str:
        if value in (None, ""):
            return "<table:table-cell/>"
        if isinstance(value, date):
            kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
        elif isinstance(value, int | float):
            kind = f'office:value-type="float" office:value="{value}"'
        else:
            kind = 'office:value-type="string"'
        return f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>"

    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="台账">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
