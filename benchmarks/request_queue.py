"""The leader's queue page with 1,000,000 requests in the database (SQLite, 2 gunicorn workers on
127.0.0.1; target p50 under 50 ms).

    .venv/bin/python benchmarks/request_queue.py [--rows 1000000] [--page-fetches 40] [--keep DIR]

The small community of benchmarks/request_throughput.py, then `--rows` requests bulk-inserted (history
over three years, 1% open), then the leader's and the admin's queue page (/c/bench/requests/, logged
in) fetched one at a time through gunicorn, and the queue page's queries alone in this process.
Latencies in milliseconds, measured by the client, with the gunicorn workers' CPU time per page (less
sensitive than latency to other work on a shared machine).
"""

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from request_throughput import (  # noqa: E402
    HIDDEN,
    PASSWORD,
    Session,
    build,
    free_port,
    gunicorn_command,
    wait_ready,
)

STATUSES = [
    ("closed", 90.0),
    ("rejected", 3.0),
    ("merged", 2.0),
    ("resolved", 4.0),
    ("submitted", 0.4),
    ("dispatched", 0.2),
    ("accepted", 0.3),
    ("waiting", 0.05),
    ("escalated", 0.05),
]
OPEN = {"submitted", "dispatched", "accepted", "waiting", "escalated"}


def load_rows(world: dict, rows: int) -> float:
    """Bulk-insert `rows` requests of the community (one multi-row executemany per 20,000)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from loudong.tickets.models import Request

    rng = random.Random(4)
    fields = [f for f in Request._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    base = {f.attname: (f.get_default() if f.has_default() else (None if f.null else "")) for f in fields}
    ops = connection.ops
    now = timezone.now()
    names, weights = zip(*STATUSES, strict=True)
    group_of = {b: world["groups"][k // 2].pk for k, (b, _) in enumerate(world["buildings"])}
    members_of = {}
    for m in world["members"]:
        members_of.setdefault(m.group_id, []).append(m.pk)
    table = connection.ops.quote_name(Request._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    started = time.perf_counter()
    for chunk in range(0, rows, 20_000):
        batch = []
        for i in range(chunk, min(rows, chunk + 20_000)):
            status = rng.choices(names, weights)[0]
            age = timedelta(seconds=rng.uniform(0, 30 * 86400 if status in OPEN else 3 * 365 * 86400))
            created = now - age
            building_id, stairwell_ids = world["buildings"][i % len(world["buildings"])]
            group_id = group_of[building_id]
            row = dict(base)
            row.update(
                community_id=world["community"].pk,
                number=f"B{i:08d}",
                building_id=building_id,
                stairwell_id=stairwell_ids[i % 2],
                group_id=group_id,
                category_code="environment",
                category_name="环境卫生",
                kind="help",
                channel="qr",
                description=f"历史点单 {i}",
                contact_name="居民",
                contact_phone="13800000000",
                tracking_token=f"bench{i:012d}",
                status=status,
                created_at=created,
                updated_at=created + timedelta(days=2),
                response_due_at=created + timedelta(days=1),
                due_at=created + timedelta(days=3),
                assignee_id=None if status in ("submitted", "rejected", "merged") else members_of[group_id][0],
                closed_at=created + timedelta(days=2) if status == "closed" else None,
                rating="satisfied" if status == "closed" else "",
            )
            values = []
            for f in fields:
                value = row[f.attname]
                if value is not None and f.get_internal_type() == "DateTimeField":
                    value = ops.adapt_datetimefield_value(value)
                values.append(value)
            batch.append(values)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
    return time.perf_counter() - started


def login(base: str, username: str) -> Session:
    session = Session()
    _status, page = session.get(f"{base}/accounts/login/", timeout=10)
    token = dict(HIDDEN.findall(page))["csrfmiddlewaretoken"]
    status, _ = session.post(
        f"{base}/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert status == 302, f"login failed for {username}: {status}"
    return session


def time_pages(session: Session, url: str, times: int, server: int) -> tuple[float, float, float]:
    """p50 and p99 of the latency, and the server's CPU time per page (its workers' user and system
    time: what the page costs, whatever else the shared machine is doing)."""
    took = []
    cpu = server_cpu_seconds(server)
    for _ in range(times):
        started = time.perf_counter()
        status, _page = session.get(url, timeout=60)
        took.append((time.perf_counter() - started) * 1000)
        assert status == 200, f"{url}: {status}"
    cpu = (server_cpu_seconds(server) - cpu) * 1000 / times
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, int(len(took) * 0.99))], cpu


def server_cpu_seconds(master: int) -> float:
    """User and system time of gunicorn's worker processes (the children of `master`), from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == master:  # ppid
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def time_queue_queries(community: object, username: str, times: int) -> float:
    """The queue page's queries without rendering: open counts by status, the overdue count, the
    first page of the 'new' tab with what its cards show."""
    from django.db.models import Count
    from django.utils import timezone

    from loudong.accounts.models import User
    from loudong.tickets.models import OPEN as OPEN_STATUSES
    from loudong.tickets.models import Request, Status

    user = User.objects.get(username=username)
    took = []
    for _ in range(times):
        started = time.perf_counter()
        visible = Request.objects.visible_to(user).filter(community=community)
        dict(visible.filter(status__among=OPEN_STATUSES).order_by().values_list("status").annotate(n=Count("id")))
        visible.overdue(timezone.now()).count()
        list(
            visible.filter(status=Status.SUBMITTED)
            .select_related("building", "stairwell", "assignee__resident")
            .order_by("created_at", "id")[:30]
        )
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--page-fetches", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the database in DIR and reuse it on the next run "
        "(loaded once, for the same --rows; otherwise a temporary directory)",
    )
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data_dir = args.keep or tempfile.mkdtemp(prefix="ld-bench-queue-")
    loaded = Path(data_dir) / f"loaded-{args.rows}"
    os.environ.pop("DATABASE_URL", None)  # the target is SQLite
    os.environ.update(LOUDONG_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if loaded.exists():
        print(f"reusing the {args.rows:,} requests in {data_dir}", flush=True)
    else:
        world = build()
        print(f"loading {args.rows:,} requests ...", flush=True)
        print(f"loaded in {load_rows(world, args.rows):.0f} s", flush=True)
        loaded.touch()
    from loudong.registry.models import Community

    community = Community.objects.get(code="bench")
    connection.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(gunicorn_command(port, args.workers), cwd=ROOT, env=os.environ.copy())
    try:
        wait_ready(base, server)
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(
            f"SQLite in {data_dir}; gunicorn, {args.workers} sync workers, {base}; {os.cpu_count()} CPUs, "
            f"load average {' '.join(load)}",
            flush=True,
        )
        for username in ("leader", "admin"):
            session = login(base, username)
            for tab in ("new", "overdue"):
                # Each worker loads jieba's dictionary and trains the community's classifier once, on its
                # first page: fetched first, not counted in the figures.
                cold, _, _ = time_pages(session, f"{base}/c/bench/requests/?tab={tab}", 5 * args.workers, server.pid)
                p50, p99, cpu = time_pages(
                    session, f"{base}/c/bench/requests/?tab={tab}", args.page_fetches, server.pid
                )
                print(
                    f"queue page as {username}, tab {tab}: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                    f"(server CPU {cpu:.1f} ms a page; warm-up fetches p50 {cold:.1f} ms)",
                    flush=True,
                )
            print(f"queue queries alone as {username}: p50 {time_queue_queries(community, username, 40):.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
