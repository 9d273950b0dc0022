"""Dashboard figures and work reports for a whole district on PostgreSQL: 200 communities,
10,000,000 requests over three years.

    DATABASE_URL=postgres://root@127.0.0.1:5432/loudong_bench_district \\
        .venv/bin/python benchmarks/stats_district.py [--reuse] [--generate-only] [--requests 10000000]

The database named in DATABASE_URL (default above; created when missing) is dedicated to the
benchmark: without --reuse its generated district is deleted and built again. With --reuse the data
already there is kept, and an interrupted load resumes with the first community not fully loaded.

Generation: 12 subdistricts of 石鼓区, 200 communities of 15 to 45 buildings (3 stairwells of 21
households each), 6 to 12 building groups and their members per community; community sizes vary
(log-normal), so requests per community range from about 20,000 to 130,000. The requests come from
the same generator as stats_community.py (timings, statuses, ratings, reopenings, rejections,
merges, escalations, lateness; see History there), streamed with PostgreSQL COPY by two worker
processes, with the secondary indexes and foreign keys of the request table dropped during the load
and built again afterwards, then ANALYZE. Timeline events are not written unless --events is given
(no figure reads them; they would add about 50 million rows).

Then it prints the latency of `loudong.stats.compute.figures` (what each dashboard calls) per level,
group, community, subdistrict and district, for the last year and the last month (p50/p95 over
--repeats calls; target p50 under 300 ms), and the time to build the work report as .docx and
.pdf for a community and for the district.
"""

import argparse
import math
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

from stats_community import (
    DAY,
    EVENT_COLUMNS,
    REQUEST_COLUMNS,
    CommunityPlan,
    History,
    Place,
    build_community,
    last_periods,
    measure_levels,
    measure_reports,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://root@127.0.0.1:5432/loudong_bench_district"
DISTRICT_CODE = "bench-district"
SUBDISTRICTS = ("人民街道", "潇湘街道", "五一街道", "青山街道", "合江街道", "黄沙湾街道", "石鼓街道", "角山街道",
                "松木街道", "金源街道", "高新街道", "园丁街道")
COMMUNITY_WORDS = ("西湖", "东风", "北门", "学宫", "船山", "中山", "雁城", "石鼓", "青草", "潇湘", "蒸湘", "合江",
                   "来雁", "回雁", "红旗", "建设", "胜利", "光明", "和平", "新华")
COMMUNITY_SUFFIXES = ("新村", "", "里", "苑", "坪", "湾", "园", "桥", "路")


def setup(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOUDONG_DATA_DIR", "/tmp/ld-bench-district")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def community_sizes(total: int, count: int, rng: random.Random) -> list[int]:
    weights = [rng.lognormvariate(0, 0.45) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def build_registry(count: int, rng: random.Random) -> None:
    from loudong.registry.models import District, Subdistrict

    district = District.objects.create(name="石鼓区", code=DISTRICT_CODE)
    subs = [Subdistrict.objects.create(district=district, name=n, code=f"bench-sub-{i:02d}")
            for i, n in enumerate(SUBDISTRICTS)]
    began = time.perf_counter()
    for i in range(count):
        name = f"{COMMUNITY_WORDS[i % 20]}{COMMUNITY_SUFFIXES[i // 20 % 9]}社区"
        if i >= 180:
            name = f"{COMMUNITY_WORDS[i % 20]}{i // 20}社区"
        build_community(subs[i % len(subs)], i, f"bench-c{i:03d}", name, buildings=rng.randint(15, 45),
                        groups=rng.randint(6, 12), members_per_group=rng.randint(6, 10), rng=rng)
        if i % 20 == 19:
            print(f"  registry: {i + 1} communities, {time.perf_counter() - began:.0f} s", flush=True)


def plans(total: int) -> list[tuple[int, int, CommunityPlan]]:
    """(index, first id, plan) per community, in a fixed order, read back from the registry."""
    from loudong.registry.models import Community, Household, Member, Stairwell

    communities = list(Community.objects.filter(code__startswith="bench-c").order_by("code"))
    sizes = community_sizes(total, len(communities), random.Random(2026))
    out, first = [], 1
    for index, (community, size) in enumerate(zip(communities, sizes, strict=True)):
        households: dict[int, list] = {}
        for hid, sid, room in Household.objects.filter(community=community).values_list("pk", "stairwell_id", "room"):
            households.setdefault(sid, []).append((hid, room))
        members: dict[int, list[int]] = {}
        for mid, gid in Member.objects.filter(community=community).order_by("pk").values_list("pk", "group_id"):
            members.setdefault(gid, []).append(mid)
        places = [Place(b, s, g, households[s], members.get(g, []))
                  for s, b, g in Stairwell.objects.filter(community=community).order_by("pk")
                  .values_list("pk", "building_id", "group_id")]
        pool = [m for ms in members.values() for m in ms][::6]
        out.append((index, first, CommunityPlan(community.pk, places, size, pool)))
        first += size
    return out


DEFERRED_TABLE = "bench_deferred_ddl"


def defer_ddl(conn: object) -> None:
    """Drop the request and event tables' secondary indexes and constraints (kept in a table to build
    them again after the load, even if this run is interrupted)."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {DEFERRED_TABLE} (position serial, statement text)")
    if conn.execute(f"SELECT count(*) FROM {DEFERRED_TABLE}").fetchone()[0]:
        return
    tables = ("tickets_request", "tickets_requestevent")
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')", [list(tables)]).fetchall()
    indexes = conn.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'f'))", [list(tables)]).fetchall()
    for table, name, definition in constraints:
        conn.execute(f"INSERT INTO {DEFERRED_TABLE} (statement) VALUES (%s)",
                     [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'])
    for _table, _name, definition in indexes:
        conn.execute(f"INSERT INTO {DEFERRED_TABLE} (statement) VALUES (%s)", [definition])
    for table, name, _definition in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _table, name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()


def restore_ddl(conn: object) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {DEFERRED_TABLE} (position serial, statement text)")
    statements = conn.execute(f"SELECT position, statement FROM {DEFERRED_TABLE} ORDER BY position").fetchall()
    conn.execute("SET maintenance_work_mem = '1GB'")
    for position, statement in statements:
        began = time.perf_counter()
        conn.execute(statement)
        conn.execute(f"DELETE FROM {DEFERRED_TABLE} WHERE position = %s", [position])
        conn.commit()
        print(f"  {time.perf_counter() - began:6.1f} s  {statement[:110]}", flush=True)


def load_worker(url: str, jobs: list, start: float, end: float, events: bool) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        for index, first, plan in jobs:
            last = first + plan.requests - 1
            have = conn.execute("SELECT count(*) FROM tickets_request WHERE id BETWEEN %s AND %s",
                                [first, last]).fetchone()[0]
            if have == plan.requests:
                continue
            began = time.perf_counter()
            conn.execute("DELETE FROM tickets_requestevent WHERE request_id BETWEEN %s AND %s", [first, last])
            conn.execute("DELETE FROM tickets_request WHERE id BETWEEN %s AND %s", [first, last])
            history = History(1000 + index, start, end, events=events)
            event_rows: list = []
            with conn.cursor() as cur:
                with cur.copy(f"COPY tickets_request ({', '.join(REQUEST_COLUMNS)}) FROM STDIN") as copy:
                    for row, row_events in history.rows(plan, first):
                        copy.write_row(row)
                        event_rows.extend(row_events)
                if events:
                    with cur.copy(f"COPY tickets_requestevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                        for row in event_rows:
                            copy.write_row(row)
            conn.commit()
            print(f"  community {index:3d}: {plan.requests} requests in {time.perf_counter() - began:.0f} s",
                  flush=True)


def load(url: str, total: int, years: int, events: bool, workers: int, resume: bool = True) -> None:
    import psycopg
    from django.db import connection

    end = time.time()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'end'")
        stored = cursor.fetchone()
        if stored:
            end = float(stored[0])
        else:
            cursor.execute("INSERT INTO bench_meta VALUES ('end', %s)", [repr(end)])
    start = end - years * 365 * DAY
    jobs = plans(total)
    with psycopg.connect(url) as conn:
        jobs = [(index, first, plan) for index, first, plan in jobs if conn.execute(
            "SELECT count(*) FROM tickets_request WHERE id BETWEEN %s AND %s",
            [first, first + plan.requests - 1]).fetchone()[0] != plan.requests]
        if not resume and jobs:
            print(f"--measure-as-is: {len(jobs)} communities not fully loaded stay as they are", flush=True)
            jobs = []
        if jobs:  # indexes are dropped only for a load (and kept dropped until it is done)
            defer_ddl(conn)
    connection.close()  # the workers are forked: they must not share this process's connection
    began = time.perf_counter()
    shares = [jobs[i::workers] for i in range(workers)]
    processes = [multiprocessing.Process(target=load_worker, args=(url, share, start, end, events))
                 for share in shares]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a loading worker failed (exit {p.exitcode}); run again with --reuse to resume")
    print(f"requests loaded in {time.perf_counter() - began:.0f} s; building indexes and constraints", flush=True)
    with psycopg.connect(url) as conn:
        restore_ddl(conn)
        for table in ("tickets_request", "tickets_requestevent"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 1) FROM {table}))")
        conn.commit()
        began = time.perf_counter()
        conn.autocommit = True
        conn.execute("ANALYZE")
        print(f"ANALYZE in {time.perf_counter() - began:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000_000)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--events", action="store_true", help="also write the timeline events")
    parser.add_argument("--reuse", action="store_true", help="keep (and finish loading) the generated data")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--measure-as-is", action="store_true",
                        help="with --reuse: leave an interrupted load as it is; build the indexes, measure")
    parser.add_argument("--out", default="/tmp/ld-bench-district/reports")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL 须指向 PostgreSQL 数据库（本基准测试只在 PostgreSQL 上运行）")
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    from loudong.registry.models import Community, District
    from loudong.tickets.models import Request

    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']}", flush=True)
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is not None and not args.reuse:
        print("deleting the earlier generated district", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_meta")
            cursor.execute("DROP TABLE IF EXISTS bench_deferred_ddl")
        call_command("flush", interactive=False, verbosity=0)
        district = None
    rng = random.Random(20261129)
    if district is None:
        began = time.perf_counter()
        build_registry(args.communities, rng)
        print(f"registry built in {time.perf_counter() - began:.0f} s", flush=True)
    load(url, args.requests, args.years, args.events, args.workers, resume=not args.measure_as_is)
    total = Request.objects.count()
    print(f"district: {Community.objects.count()} communities, {total} requests", flush=True)
    if args.generate_only:
        return
    measure(args)


def measure(args: argparse.Namespace) -> None:
    from django.db.models import Count

    from loudong.groups.models import BuildingGroup
    from loudong.registry.models import Community, District, Subdistrict
    from loudong.stats.period import today
    from loudong.stats.scope import Scope

    district = District.objects.get(code=DISTRICT_CODE)
    subdistrict = Subdistrict.objects.filter(district=district).order_by("code").first()
    sized = list(Community.objects.filter(subdistrict__district=district).annotate(n=Count("requests")).order_by("n"))
    community = sized[len(sized) // 2]
    groups = list(BuildingGroup.objects.filter(community=community).annotate(n=Count("requests")).order_by("n"))
    group = groups[len(groups) // 2]
    print(f"median community {community.name}: {community.n} requests; its median group {group.name}: {group.n}")
    scopes = [
        ("group", Scope.for_group(group)),
        ("community", Scope.for_community(community.code)),
        ("subdistrict", Scope("subdistrict", subdistrict.pk, subdistrict.name)),
        ("district", Scope("district", district.pk, district.name)),
    ]
    periods = last_periods(today())
    measure_levels(scopes, periods, args.repeats)
    measure_reports([scopes[1], scopes[3]], periods[0][1], Path(args.out))
    print(f"requests per community: min {sized[0].n}, median {community.n}, max {sized[-1].n}; "
          f"{math.fsum(c.n for c in sized):.0f} in all")


if __name__ == "__main__":
    main()
