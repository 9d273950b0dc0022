"""Pinyin search latency on 100,000 residents, through the code path of the residents page.

    .venv/bin/python benchmarks/pinyin_search.py [--residents 100000] [--searches 300]

SQLite: a fresh data directory in /tmp, removed afterwards. With DATABASE_URL set to a PostgreSQL
server, a fresh database `<name>_bench_<pid>` is created on that server and dropped afterwards.

Each search does what the page does for one keystroke: build the filtered, scoped queryset
(ResidentFilterForm.apply on Resident.objects.visible_to(admin)), count it and load the first page
of 50 rows with their household, member and care tags. Times are in milliseconds.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database() -> tuple[str | None, object]:
    """Point the settings at an empty database; returns (temp dir, cleanup)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        data_dir = tempfile.mkdtemp(prefix="ld-bench-")
        os.environ["LOUDONG_DATA_DIR"] = data_dir
        return data_dir, lambda: shutil.rmtree(data_dir, ignore_errors=True)
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'loudong'}_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("LOUDONG_DATA_DIR", tempfile.mkdtemp(prefix="ld-bench-"))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return None, drop


def build(count: int, rng: random.Random) -> tuple[object, object]:
    """A community of `count` residents in ~2.2-person households, 80 buildings of 4 stairwells."""
    from loudong.accounts.models import Grant, Role, User
    from loudong.demo.names import NameMaker
    from loudong.lib.pinyin import name_keys
    from loudong.registry.models import (
        Building,
        CareTag,
        Community,
        District,
        Household,
        Member,
        Resident,
        Stairwell,
        Subdistrict,
    )

    district = District.objects.create(name="石鼓区", code="bench-district")
    subdistrict = Subdistrict.objects.create(district=district, name="青山街道", code="bench-sub")
    community = Community.objects.create(subdistrict=subdistrict, name="测试社区", code="bench")
    tags = [CareTag.objects.create(community=community, name=n) for n in ("独居老人", "高龄", "低保", "残疾")]
    buildings = Building.objects.bulk_create(
        Building(community=community, name=f"{i + 1}栋", x=(i % 10) * 40, y=(i // 10) * 30) for i in range(80)
    )
    stairwells = Stairwell.objects.bulk_create(
        Stairwell(community=community, building=b, name=f"{s + 1}单元") for b in buildings for s in range(4)
    )
    per_stairwell = -(-count // (len(stairwells) * 2))  # households at about two people each
    households = Household.objects.bulk_create(
        (
            Household(community=community, stairwell=s, room=f"{f // 2 + 1}0{f % 2 + 1}")
            for s in stairwells
            for f in range(per_stairwell)
        ),
        batch_size=5000,
    )
    maker = NameMaker(rng)
    keys: dict[str, tuple[str, str]] = {}
    residents = []
    for i in range(count):
        gender = rng.choice("MF")
        year = rng.randint(1930, 2020)
        name = maker.full(gender, year)
        if name not in keys:
            keys[name] = name_keys(name)
        pinyin, initials = keys[name]
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        residents.append(
            Resident(
                community=community, household=households[i % len(households)], name=name, name_pinyin=pinyin,
                name_initials=initials, gender=gender, birth_date=born,
                phone=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
            )
        )  # fmt: skip
    Resident.objects.bulk_create(residents, batch_size=5000)
    ids = list(Resident.objects.filter(community=community).values_list("pk", flat=True))
    through = Resident.care_tags.through
    through.objects.bulk_create(
        (through(resident_id=pk, caretag_id=rng.choice(tags).pk) for pk in rng.sample(ids, count // 10)),
        batch_size=5000,
    )
    Member.objects.bulk_create(
        (Member(community=community, resident_id=pk) for pk in rng.sample(ids, count // 40)), batch_size=5000
    )
    admin = User.objects.create_user(username="bench-admin", password="bench-password-1")
    Grant.objects.create(user=admin, role=Role.ADMIN, community=community)
    return community, admin


def queries(community: object, rng: random.Random, searches: int) -> dict[str, list[str]]:
    """Realistic inputs: the initials, full pinyin or characters of residents who exist."""
    from loudong.registry.models import Resident

    sample = list(
        Resident.objects.filter(community=community)
        .order_by("?")
        .values_list("name", "name_pinyin", "name_initials")[:searches]
    )
    rng.shuffle(sample)
    return {
        "initials": [initials for _, _, initials in sample],
        "full pinyin": [pinyin for _, pinyin, _ in sample],
        "characters": [name for name, _, _ in sample],
    }


def search_once(admin: object, community: object, text: str) -> tuple[int, int]:
    """One keystroke of the residents page: scoped, filtered, counted, first page loaded."""
    from django.test import RequestFactory

    from loudong.registry.views_common import page_of, resident_list
    from loudong.registry.views_people import filtered_residents

    request = RequestFactory().get("/", {"q": text})
    request.user = admin
    _, found = filtered_residents(request, community)
    page = page_of(resident_list(found), 1)
    rows = list(page.object_list)
    for row in rows:
        list(row.care_tags.all())
    return page.paginator.count, len(rows)


TARGET_P50_MS = 50


def report(kind: str, timings: list[float], hits: list[int]) -> None:
    ordered = sorted(timings)
    p50 = statistics.median(ordered)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    verdict = "ok" if p50 < TARGET_P50_MS else f"OVER the {TARGET_P50_MS} ms target"
    print(
        f"{kind:<12} n={len(ordered):<4} p50={p50:7.1f} ms  p95={p95:7.1f} ms  "
        f"max={ordered[-1]:7.1f} ms  median hits={statistics.median(hits):.0f}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20250301)
    args = parser.parse_args()

    _, cleanup = fresh_database()
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        started = time.perf_counter()
        community, admin = build(args.residents, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as a running database would have
        built = time.perf_counter() - started
        print(f"database: {connection.vendor}; {args.residents:,} residents built in {built:.1f} s")
        for kind, inputs in queries(community, rng, args.searches).items():
            search_once(admin, community, inputs[0])  # warm the cache and the connection
            timings, hits = [], []
            for text in inputs:
                admin = type(admin).objects.get(pk=admin.pk)  # a fresh user per request, as in a real request
                started = time.perf_counter()
                count, _ = search_once(admin, community, text)
                timings.append((time.perf_counter() - started) * 1000)
                hits.append(count)
            report(kind, timings, hits)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
