"""Roster workbooks as communities keep them: a header and rows written from any cell."""

from openpyxl import Workbook

HEADER = ["姓名", "性别", "出生日期", "身份证号", "联系电话", "住址"]


def workbook(tmp_path, rows, *, merges=(), start="A1", name="名册.xlsx") -> str:
    """An .xlsx with `rows` written from cell `start` on; None leaves a cell empty."""
    book = Workbook()
    sheet = book.active
    first_col = ord(start[0]) - ord("A") + 1
    first_row = int(start[1:])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                sheet.cell(row=first_row + r, column=first_col + c, value=value)
    for cells in merges:
        sheet.merge_cells(cells)
    path = tmp_path / name
    book.save(path)
    return str(path)


def row(
    name="赵春兰",
    gender="女",
    birth="1956-04-18",
    id_number="",
    phone="13912345678",
    address="环城北路93号1单元302",
) -> list:
    return [name, gender, birth, id_number, phone, address]
