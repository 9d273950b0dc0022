"""Roster import bounds: what a big roster with many bad rows, and a zip bomb, cost a worker.

    .venv/bin/python benchmarks/roster_bounds.py [--rows 100000] [--bad-every 10] [--bomb-mb 900]

Builds a messy 100,000-row workbook (benchmarks/roster_import.py's rows) with every 10th phone
made bad, and a zip bomb (a real roster whose sheet unpacks to 900 MB, about 1 MB packed). Each is
run the way the web upload runs it (an ImportJob through the background task), in a forked process,
so each peak RSS (resource.getrusage) is that step's own; then the rejected rows are downloaded as
rejected.xlsx through the page, in another process. Prints seconds, peak RSS, and the size of what
the job stored: its result JSON and its ImportRow rows. Uses a fresh SQLite database in a temporary
data dir, or the database named by DATABASE_URL (a new community each run).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from roster_import import in_child, messy_rows, new_community  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: str, rows: int, bad_every: int, queue: object) -> None:
    from openpyxl import Workbook

    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    for cells in messy_rows(rows, 0):
        if bad_every and len(cells) > 5 and isinstance(cells[0], int) and cells[0] % bad_every == 0:
            cells[5] = "12345"  # not a phone: the row is refused
        sheet.append(cells)
    book.save(path)
    queue.put({"seconds": time.perf_counter() - started})


def generate_bomb(path: str, megabytes: int) -> None:
    """A two-row roster whose sheet XML carries `megabytes` MB of spaces, written as a stream."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "性别", "出生日期", "联系电话", "住址"])
    book.active.append(["赵春兰", "女", "1956-04-18", "13912345678", "5栋1单元101"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with archive.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                for _ in range(megabytes):
                    part.write(block)
                part.write(tail)


def run_job(path: str, code: str, queue: object) -> None:
    """Upload `path` as the web page does (a confirmed job) and run the background task on it."""
    from django.core.files import File
    from django.db import connection, connections
    from django.utils import timezone

    from loudong.registry.models import Community, ImportJob, ImportRow
    from loudong.registry.roster.tasks import run_import

    connections.close_all()
    community = Community.objects.get(code=code)
    with open(path, "rb") as handle:
        job = ImportJob(community=community, original_name=Path(path).name, confirmed_at=timezone.now())
        job.file.save(Path(path).name, File(handle), save=False)
        job.save()
    before = peak_mb()
    started = time.perf_counter()
    run_import.call(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(LENGTH(message) + LENGTH(CAST(cells AS TEXT))), 0) FROM {table} "
            "WHERE job_id = %s",
            [job.pk],
        )
        rows, row_bytes = cursor.fetchone()
        cursor.execute(
            f"SELECT LENGTH(CAST(result AS TEXT)) FROM {connection.ops.quote_name(ImportJob._meta.db_table)} "
            "WHERE id = %s",
            [job.pk],
        )
        result_bytes = cursor.fetchone()[0]
    queue.put({
        "job": job.pk, "status": job.status, "error": job.error, "seconds": seconds, "peak_mb": peak_mb(),
        "start_mb": before, "result": job.result, "rows": rows, "row_bytes": row_bytes, "result_bytes": result_bytes,
    })  # fmt: skip


def download(job_id: int, code: str, queue: object) -> None:
    """rejected.xlsx through the page, as the community admin downloads it."""
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from loudong.accounts.models import Grant, Role, User
    from loudong.registry.models import Community

    connections.close_all()
    community = Community.objects.get(code=code)
    admin, _ = User.objects.get_or_create(username=f"bench-admin-{code}")
    Grant.objects.get_or_create(user=admin, role=Role.ADMIN, community=community)
    client = Client()
    client.force_login(admin)
    client.get(reverse("roster:job", args=[code, job_id]))  # the first request loads the pages' code
    before = peak_mb()
    started = time.perf_counter()
    response = client.get(reverse("roster:rejected", args=[code, job_id]))
    size = sum(len(chunk) for chunk in response.streaming_content)
    queue.put({
        "status": response.status_code, "bytes": size, "seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(), "start_mb": before,
    })  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-every", type=int, default=10, help="every Nth row gets a bad phone")
    parser.add_argument("--bomb-mb", type=int, default=900, help="what the zip bomb unpacks to")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="loudong-bounds-"))
    os.environ.setdefault("LOUDONG_DATA_DIR", str(workdir / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["LOUDONG_TASKS"] = "immediate"

    roster, bomb = str(workdir / "roster.xlsx"), str(workdir / "bomb.xlsx")
    made = in_child(generate, roster, args.rows, args.bad_every)
    print(f"generated roster.xlsx: {args.rows:,} rows, {Path(roster).stat().st_size / 1e6:.1f} MB "
          f"in {made['seconds']:.0f} s")  # fmt: skip
    generate_bomb(bomb, args.bomb_mb)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(bomb).infolist())
    print(f"generated bomb.xlsx: {Path(bomb).stat().st_size / 1e6:.2f} MB, unpacks to {unpacked / 1e6:,.0f} MB")

    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connections

    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
          f"caps: {settings.ROSTER_MAX_UNPACKED_MB} MB unpacked, {settings.ROSTER_MAX_ROWS:,} rows")  # fmt: skip
    code = new_community("bounds")
    connections.close_all()

    done = in_child(run_job, roster, code)
    result = done["result"]
    print(
        f"roster import: {done['status']}, {done['seconds']:.1f} s, peak RSS {done['peak_mb']:.0f} MB "
        f"(process before: {done['start_mb']:.0f} MB); created {result.get('created')}, "
        f"rejected {result.get('rejected')}, warnings {result.get('warnings')}"
    )
    print(
        f"stored: job result JSON {done['result_bytes'] / 1e3:,.1f} kB; {done['rows']:,} ImportRow rows "
        f"holding {done['row_bytes'] / 1e6:.1f} MB of reasons and cells"
    )
    got = in_child(download, done["job"], code)
    print(
        f"rejected.xlsx: HTTP {got['status']}, {got['bytes'] / 1e6:.1f} MB, {got['seconds']:.1f} s, "
        f"peak RSS {got['peak_mb']:.0f} MB (process before: {got['start_mb']:.0f} MB)"
    )
    refused = in_child(run_job, bomb, code)
    print(
        f"zip bomb: {refused['status']} in {refused['seconds']:.2f} s, peak RSS {refused['peak_mb']:.0f} MB "
        f"(process before: {refused['start_mb']:.0f} MB): {refused['error']}"
    )


if __name__ == "__main__":
    main()
