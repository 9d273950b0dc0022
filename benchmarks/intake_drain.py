"""How fast `loudong worker`s place a backlog of submissions on PostgreSQL, with 1, 2 and 4 workers.

    DATABASE_URL=postgres://root@127.0.0.1:5432/loudong_bench_intake \\
        nice -n 10 .venv/bin/python benchmarks/intake_drain.py [--rows 3000] [--workers 1,2,4]

The database named in DATABASE_URL (default above; created when missing) is dedicated to the benchmark:
it is emptied before each run. A run: the small community of benchmarks/request_throughput.py, `--rows`
submissions received as the public form and the API receive them (loudong.tickets.intake.receive: one
kept row each), then that many worker processes, each loading Django and waiting at a line, released
together; each drains the queue (intake.drain: batches claimed with SKIP LOCKED, placed, numbered,
notified) until it is empty. The drain time runs from the release to the last worker's end; the rate is
rows placed per second. Checked after each run: every row placed exactly once (one request per row, none
left waiting, the workers' counts add up).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_URL = "postgres://root@127.0.0.1:5432/loudong_bench_intake"
WORKER = """
import json, os, sys, time
import django
django.setup()
from django.db import connection
from loudong.tickets import intake
connection.ensure_connection()
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.005)
placed = intake.drain()
print(json.dumps({"placed": placed, "ended": time.time()}))
"""


def setup(url: str) -> str | None:
    """Django on `url`'s database (created when missing); the temporary data dir made for it, if any."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOUDONG_SECRET_KEY", "benchmark-only-intake-drain-key-0000000000000000")
    data_dir = None
    if "LOUDONG_DATA_DIR" not in os.environ:
        data_dir = os.environ["LOUDONG_DATA_DIR"] = tempfile.mkdtemp(prefix="ld-bench-intake-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return data_dir


def backlog(rows: int) -> float:
    """A fresh community and `rows` submissions waiting; seconds taken to receive them."""
    from django.core.management import call_command
    from request_throughput import build

    from loudong.tickets import intake

    call_command("flush", interactive=False, verbosity=0)
    world = build()
    community = world["community"]
    places = [(b, s) for b, stairwells in world["buildings"] for s in stairwells]
    started = time.perf_counter()
    for n in range(rows):
        building, stairwell = places[n % len(places)]
        intake.receive(
            community_id=community.pk, building_id=building, stairwell_id=stairwell, room=f"{n % 6 + 1}01",
            category_code="environment", kind="help", channel="qr",
            description=f"楼道灯坏了，晚上看不见（第{n}条）", contact_name="", contact_phone="",
        )  # fmt: skip
    return time.perf_counter() - started


def drain(workers: int) -> tuple[float, list[int]]:
    """Release `workers` processes on the backlog; seconds until the last ended, and each one's count."""
    from django.db import connection

    connection.close()  # each worker has its own; this one waits
    with tempfile.TemporaryDirectory() as folder:
        go = Path(folder) / "go"
        procs = [
            subprocess.Popen([sys.executable, "-c", WORKER, str(go)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
            for _ in range(workers)
        ]
        for p in procs:  # each one loads Django and connects, then waits at the line
            if p.stdout.readline().strip() != "ready":
                raise SystemExit("a worker failed to start")
        released = time.time()
        go.touch()
        results = [json.loads(p.communicate(timeout=3600)[0].strip().splitlines()[-1]) for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit("a worker failed")
    return max(r["ended"] for r in results) - released, [r["placed"] for r in results]


def check(rows: int, shares: list[int]) -> None:
    from loudong.tickets.models import Intake, Request

    placed_by = Counter(Intake.objects.values_list("request_id", flat=True))
    problems = []
    if sum(shares) != rows:
        problems.append(f"workers placed {sum(shares)} of {rows}")
    if None in placed_by:
        problems.append(f"{placed_by[None]} rows left waiting")
    if max(placed_by.values()) != 1 or Request.objects.count() != rows:
        problems.append(f"{Request.objects.count()} requests for {rows} rows")
    if problems:
        raise SystemExit("NOT exactly once: " + "; ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=3000, help="submissions in the backlog (default 3000)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure (default 1,2,4)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL 须指向 PostgreSQL 数据库（本基准测试只在 PostgreSQL 上运行）")
    data_dir = setup(url)
    try:
        measure(args.rows, [int(w) for w in args.workers.split(",")])
    finally:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


def measure(rows: int, worker_counts: list[int]) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']}, backlog: {rows:,} submissions, {os.cpu_count()} CPUs")
    print(f"{'workers':>7}  {'receive s':>9}  {'drain s':>8}  {'rows/s':>7}  {'speed-up':>8}  shares (exactly once)")
    base = None
    for workers in worker_counts:
        received = backlog(rows)
        seconds, shares = drain(workers)
        check(rows, shares)
        rate = rows / seconds
        base = base or rate
        print(
            f"{workers:>7}  {received:>9.1f}  {seconds:>8.1f}  {rate:>7.0f}  {rate / base:>7.2f}x  {shares}", flush=True
        )
    call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
