"""Roster import benchmark: a messy 100,000-row workbook imported, then imported again; and the
same rows as a CSV in GBK (as Excel saves it on Chinese Windows), imported into a new community.

    .venv/bin/python benchmarks/roster_import.py [--rows 100000] [--formats xlsx,csv]

Uses a fresh SQLite database in a temporary data dir, or the database named by DATABASE_URL (a new
community is created there each run). Prints rows/s, seconds and peak memory (RSS) of the process
that ran each import. Targets: under 60 s and under 500 MB for 100,000 rows.
"""

import argparse
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "秀英建国光前明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超兰春梅志红平刚桂英玉兰德福海燕小云凤霞金龙"
TAGS = ["独居老人", "高龄", "低保", "残疾", "困难家庭", "空巢老人", "留守儿童"]
STREETS = ["环城北路93号", "学宫巷3号", "船山路63号", "船山路39号"]
HEADER = ["序号", "*姓名", "性 别", "出生\n日期", "公民身份号码", "联系电话", "现住址", "人员类别",
          "政治面貌", "入党时间", "备注"]  # fmt: skip
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def id_number(birth: date, seq: int) -> str:
    from loudong.lib.identity import id_check_char

    first17 = f"430407{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def written_date(day: date, i: int) -> object:
    forms = (
        lambda: day,
        lambda: f"{day.year}/{day.month}/{day.day}",
        lambda: f"{day.year}.{day.month}.{day.day}",
        lambda: f"{day.year}年{day.month}月{day.day}日",
        lambda: int(f"{day:%Y%m%d}"),
        lambda: (day - date(1899, 12, 30)).days,
        lambda: day.isoformat(),
    )
    return forms[i % len(forms)]()


def written_phone(number: str, i: int) -> object:
    forms = (
        lambda: number,
        lambda: f"+86 {number[:3]} {number[3:7]} {number[7:]}",
        lambda: f"{number[:3]}-{number[3:7]}-{number[7:]}",
        lambda: int(number),
        lambda: number.translate(WIDE),
    )
    return forms[i % len(forms)]()


def written_address(building: int, stair: int, room: str, i: int) -> str:
    if building < len(STREETS):
        return f"{STREETS[building]}{stair}单元{room}"
    return (f"{building}栋{stair}单元{room}室", f"{building}-{stair}-{room}")[i % 2]


def generate(path: str, rows: int, variant: int) -> None:
    """Write the messy roster as .xlsx; variant 1 changes every 20th phone (for the re-import)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    for cells in messy_rows(rows, variant):
        sheet.append(cells)
    book.save(path)


def generate_csv(path: str, rows: int) -> None:
    """The same roster as Excel saves it as CSV on Chinese Windows: GBK, every cell text, dates as
    1950/3/2, 入党时间 to the month (1985.07)."""
    import csv

    with open(path, "w", encoding="gbk", newline="") as handle:
        out = csv.writer(handle)
        for cells in messy_rows(rows, 0):
            text = []
            for j, cell in enumerate(cells):
                if isinstance(cell, date):
                    cell = f"{cell.year}.{cell.month:02d}" if j == 9 else f"{cell.year}/{cell.month}/{cell.day}"
                elif isinstance(cell, int) and j in (3, 9) and cell < 100000:  # an Excel serial
                    day = date(1899, 12, 30) + timedelta(days=cell)
                    cell = f"{day.year}/{day.month}/{day.day}"
                text.append("" if cell is None else str(cell))
            out.writerow(text)


def messy_rows(rows: int, variant: int) -> "Iterator[list]":
    rng = random.Random(20240501)
    yield ["西湖新村社区居民花名册（基准测试）"]
    yield ["填报单位：西湖新村社区", None, None, None, None, "填报日期：2024年5月1日"]
    yield HEADER
    households = [(b, s, f"{floor}0{door}") for b in range(1, 201) for s in range(1, 7)
                  for floor in range(1, 7) for door in range(1, 7)]  # fmt: skip
    for i in range(rows):
        if i and i % 997 == 0:
            yield []
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        birth = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 75))
        building, stair, room = households[i * 43 % len(households)]
        has_id = i % 10 < 7
        phone = f"13{rng.randrange(10**9):09d}"
        if variant and i % 20 == 0:
            phone = f"15{i:09d}"
        member = i % 33 == 0 and birth.year < 1990  # joined at 25: not in the future
        cells = [
            i + 1,
            name if i % 50 else f"{name[0]}  {name[1:]}",
            "男" if i % 2 else "女",
            written_date(birth, i),
            id_number(birth, i * 2 + 1 if i % 2 else i * 2) if has_id else "",
            written_phone(phone, i),
            written_address(building, stair, room, i),
            "、".join(rng.sample(TAGS, rng.choice((1, 2)))) if i % 7 == 0 else "",
            "中共党员" if member else "群众",
            written_date(birth + timedelta(days=365 * 25), i) if member else "",
            "",
        ]
        if i % 211 == 5:  # about 0.5 % bad rows
            cells[5] = "12345" if i % 2 else cells[5]
            cells[3] = cells[3] if i % 2 else "1950年3月"
            cells[4] = cells[4] if i % 2 else ""
        yield cells
    yield ["合计", f"{rows}人"]


def run_import(path: str, code: str, queue: "multiprocessing.Queue") -> None:
    from django.db import connections

    from loudong.registry.models import Community
    from loudong.registry.roster.importer import import_roster

    connections.close_all()
    community = Community.objects.get(code=code)
    started = time.perf_counter()
    result = import_roster(path, community, file_name=Path(path).name)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = result.summary()
    queue.put({**summary, "rejected": len(summary["rejected"]), "warnings": len(summary["warnings"]),
               "seconds": seconds, "peak_mb": peak_mb})  # fmt: skip


def in_child(target: object, *args: object) -> dict:
    """Run in a forked process so each figure is that process's own peak memory."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    outcome = queue.get()
    process.join()
    return outcome


def _generate_child(path: str, rows: int, variant: int, queue: "multiprocessing.Queue") -> None:
    started = time.perf_counter()
    if path.endswith(".csv"):
        generate_csv(path, rows)
    else:
        generate(path, rows, variant)
    queue.put({"seconds": time.perf_counter() - started})


def new_community(label: str) -> str:
    from loudong.registry.models import Community, District, Subdistrict

    suffix = f"{label}-{int(time.time())}"
    district = District.objects.create(name="石鼓区", code=f"bench-d-{suffix}")
    subdistrict = Subdistrict.objects.create(district=district, name="青山街道", code=f"bench-s-{suffix}")
    return Community.objects.create(subdistrict=subdistrict, name="西湖新村社区", code=f"bench-{suffix}").code


def report(label: str, rows: int, outcome: dict) -> None:
    print(
        f"{label}: {rows / outcome['seconds']:,.0f} rows/s, {outcome['seconds']:.1f} s, "
        f"peak RSS {outcome['peak_mb']:.0f} MB; created {outcome['created']}, "
        f"updated {outcome['updated']}, unchanged {outcome['unchanged']}, "
        f"rejected {outcome['rejected']}, warnings {outcome['warnings']}, places created {outcome['places_created']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="xlsx,csv", help="xlsx, csv or both")
    args = parser.parse_args()
    formats = set(args.formats.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="loudong-bench-"))
    os.environ.setdefault("LOUDONG_DATA_DIR", str(workdir / "data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

    first, second, gbk = (str(workdir / n) for n in ("roster.xlsx", "roster-changed.xlsx", "roster-gbk.csv"))
    files = [(first, 0), (second, 1)] if "xlsx" in formats else []
    files += [(gbk, 0)] if "csv" in formats else []
    for path, variant in files:
        made = in_child(_generate_child, path, args.rows, variant)
        size_mb = Path(path).stat().st_size / 1e6
        print(f"generated {Path(path).name}: {args.rows} rows, {size_mb:.1f} MB in {made['seconds']:.1f} s")

    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connections

    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}")
    if "xlsx" in formats:
        code = new_community("xlsx")
        connections.close_all()
        for label, path in (("xlsx first import", first), ("xlsx re-import (every 20th phone changed)", second)):
            report(label, args.rows, in_child(run_import, path, code))
    if "csv" in formats:
        code = new_community("csv")
        connections.close_all()
        report("GBK CSV first import", args.rows, in_child(run_import, gbk, code))
        report("GBK CSV re-import", args.rows, in_child(run_import, gbk, code))


if __name__ == "__main__":
    main()
