"""Roster import bounds (issue 15, hole 10): a zip bomb, a sheet reaching too far and too many rows
are refused before anything is read or imported; rejected rows are kept as rows, not one JSON value,
and rejected.xlsx is written as a stream."""

import io
import struct
import zipfile
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from test_roster_upload import HEADER, _media_in_tmp, upload, xlsx_upload  # noqa: F401 (fixtures)

from loudong.registry.models import ImportJob, ImportRow, Resident
from loudong.registry.roster.bounds import check_workbook
from loudong.registry.roster.importer import import_roster
from loudong.registry.roster.parse import RosterError, open_roster

GOOD_ROW = ["赵春兰", "女", "1956-04-18", "13912345678", "5栋1单元101"]


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb(megabytes: int, *, lie: bool = False) -> bytes:
    """A real roster whose sheet is padded with `megabytes` MB of spaces (packing about 1000:1);
    with `lie`, the zip file declares the sheet 100 bytes long."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, GOOD_ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (megabytes << 20))
            archive.writestr(info.filename, data)
    packed = out.getvalue()
    if not lie:
        return packed
    patched = bytearray(packed)
    name = b"xl/worksheets/sheet1.xml"
    local, central = packed.index(name) - 30, packed.rindex(name) - 46  # local header, directory entry
    assert packed[local : local + 4] == b"PK\x03\x04" and packed[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", patched, local + 22, 100)  # the uncompressed size each declares
    struct.pack_into("<I", patched, central + 24, 100)
    return bytes(patched)


def test_a_zip_bomb_is_refused_through_the_web_and_nothing_is_imported(world, upload, settings):  # noqa: F811 (the fixture imported above)
    settings.ROSTER_MAX_UNPACKED_MB = 5
    packed = bomb(20)
    assert len(packed) < 100_000
    html = upload(SimpleUploadedFile("居民名册.xlsx", packed)).content.decode()
    job = ImportJob.objects.get()
    assert job.status == "failed" and "解压后超过 5 MB" in job.error and "没有导入任何一行" in job.error
    assert "解压后超过 5 MB" in html
    assert not Resident.objects.filter(name="赵春兰").exists() and not ImportRow.objects.exists()


def test_the_unpacked_size_counted_is_what_the_data_really_unpacks_to(settings):
    settings.ROSTER_MAX_UNPACKED_MB = 5
    lying = bomb(20, lie=True)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(lying)).infolist()) < 100_000
    with pytest.raises(RosterError, match="解压后超过 5 MB"):
        check_workbook(io.BytesIO(lying))


def test_a_tightly_packed_file_under_the_cap_is_refused_too(settings):
    settings.ROSTER_MAX_UNPACKED_MB = 200
    with pytest.raises(RosterError, match="压缩得异常紧密"):
        open_roster(io.BytesIO(bomb(12)))


def sparse(cell: str) -> io.BytesIO:
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(GOOD_ROW)
    book.active[cell] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_tiny_sheet_reaching_far_is_refused_before_calamine_builds_its_grid(world):
    # One cell in XFD1048576 made python-calamine ask for 512 GB and abort the worker process.
    with pytest.raises(RosterError, match="1,048,576 行"):
        open_roster(sparse("XFD1048576"))
    with pytest.raises(RosterError, match="第 702 列还有内容"):
        open_roster(sparse("ZZ2"))
    assert open_roster(sparse("P2")).header[:5] == HEADER  # a roster's usual width is fine


def repeating_ods(rows: int, columns: int) -> io.BytesIO:
    """An .ods whose second row repeats one filled cell `columns` times, `rows` times over."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名册">'
        f"<table:table-row>{cell.format('姓名')}{cell.format('联系电话')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="string" '
        f'table:number-columns-repeated="{columns}"><text:p>x</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    out.seek(0)
    return out


def test_an_ods_repeating_cells_is_refused_by_the_grid_it_would_make(world):
    # 820 bytes of .ods repeating one cell 38 million times took python-calamine 4.6 GB.
    with pytest.raises(RosterError, match="190,001 行 × 200 列"):
        open_roster(repeating_ods(190_000, 200))
    with pytest.raises(RosterError, match="最多导入的 200,000 行"):
        open_roster(repeating_ods(300_000, 2))
    small = open_roster(repeating_ods(3, 2))  # LibreOffice's million empty rows at the end are no problem
    assert small.header == ["姓名", "联系电话"] and small.total_rows == 3


def test_too_many_rows_are_refused_naming_the_limit_and_nothing_is_imported(world, upload, settings):  # noqa: F811 (the fixture imported above)
    settings.ROSTER_MAX_ROWS = 5
    rows = [HEADER] + [[f"居民{i}", "女", "1956-04-18", f"139123456{i:02d}", "5栋1单元101"] for i in range(8)]
    html = upload(xlsx_upload(rows)).content.decode()
    job = ImportJob.objects.get()
    assert job.status == "failed" and "9 行" in job.error and "最多导入的 5 行" in job.error
    assert "最多导入的 5 行" in html
    assert not Resident.objects.filter(name__startswith="居民").exists()
    csv = io.BytesIO("\n".join(",".join(row) for row in rows).encode("gbk"))
    with pytest.raises(RosterError, match="最多导入的 5 行"):
        import_roster(csv, world.community, file_name="名册.csv")
    assert not Resident.objects.filter(name__startswith="居民").exists()


def test_rejected_rows_are_rows_and_the_download_streams_them_in_order(world, upload, login):  # noqa: F811 (the fixture imported above)
    rows = [HEADER]
    for i in range(30):
        rows.append([f"居民{i}", "女", "1956-04-18", f"1391234{i:04d}", "5栋1单元101"])
        rows.append([f"坏行{i}", "男", "1958年13月" if i % 2 else "1958-01-01", "12345", "5栋1单元102"])
    rows.append(["钱多多", "男", "1960-01-01", "13800000001", "5栋1单元103"])
    upload(xlsx_upload(rows))
    job = ImportJob.objects.get()
    assert job.status == "done"
    assert job.result["rejected"] == 30 and job.result["created"] == 31  # counts, not the rows themselves
    assert "cells" not in str(job.result) and "坏行" not in str(job.result)
    stored = list(ImportRow.objects.filter(job=job, kind="rejected").order_by("row_number"))
    assert [r.row_number for r in stored] == list(range(3, 62, 2))
    assert stored[0].cells[:2] == ["坏行0", "男"] and "电话" in stored[0].message

    download = login(world.admin).get(reverse("roster:rejected", args=["xihu", job.pk]))
    assert download.status_code == 200 and download.streaming
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == [*HEADER, "原行号", "问题原因"]
    assert [r[0] for r in got[1:]] == [f"坏行{i}" for i in range(30)]
    assert [r[5] for r in got[1:]] == list(range(3, 62, 2))
    assert "电话" in got[1][6]

    page = login(world.admin).get(reverse("roster:job", args=["xihu", job.pk])).content.decode()
    assert "没有导入的 30 行" in page and "第 3 行" in page and "第 61 行" in page


def test_the_migration_moves_old_results_into_rows(world):
    job = ImportJob.objects.create(
        community=world.community,
        original_name="名册.xlsx",
        status="done",
        result={
            "created": 1,
            "header": ["姓名", "电话"],
            "rejected": [{"row": 4, "reason": "电话号码不对", "cells": ["钱多多", "12345"]}],
            "warnings": [{"row": 2, "message": "性别认不出"}],
        },
    )
    import_module("loudong.registry.migrations.0010_import_rows").rows_out_of_results(apps, None)
    job.refresh_from_db()
    assert job.result == {"created": 1, "header": ["姓名", "电话"], "rejected": 1, "warnings": 1}
    rows = {r.kind: (r.row_number, r.message, r.cells) for r in ImportRow.objects.filter(job=job)}
    assert rows == {"rejected": (4, "电话号码不对", ["钱多多", "12345"]), "warning": (2, "性别认不出", [])}
