"""A year of load, day by day: the operational tables stay bounded under the retention rules.

    nice -n 10 .venv/bin/python benchmarks/operational_tables.py [--per-day 10] [--days 365]
    DATABASE_URL=postgres://root@127.0.0.1:5432/loudong_bench_tables .venv/bin/python benchmarks/operational_tables.py

SQLite in a temporary data dir, or the PostgreSQL database in DATABASE_URL (dedicated: emptied first).
The small community of benchmarks/request_throughput.py, its leader and admin with email addresses.
Each simulated day: `--per-day` submissions received (intake rows) with an API Idempotency-Key record
each, placed by the worker's drain (requests, their outbox messages, the in-app ones delivered into the
inbox at once, the emails through the background task queue, run as the worker runs it, leaving task
results), the inbox read the same day, a worker heartbeat (a worker restarted each day, as after a
deploy), the tallies job. Then every row written that day gets the simulated day's time (the real code
wrote them at the real time), and the worker's daily jobs run at the end of the simulated day: every
registered retention rule (loudong.accounts.retention, with the settings' limits) and the heartbeat
cleanup. At the end of each month it prints each table's row count: the operational tables level off at
about their limit's worth of days, while requests, the record itself, keep growing.
(The audit log is left out: the database refuses to move its times; its own retention is tested in
tests/test_audit_retention.py.)
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def setup() -> str | None:
    """Django on the database in DATABASE_URL (PostgreSQL) or on SQLite in a new temporary data dir
    (returned, to remove at the end)."""
    url = os.environ.get("DATABASE_URL", "")
    data_dir = None
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ.setdefault("LOUDONG_SECRET_KEY", "benchmark-only-operational-tables-key-000000000000")
    else:
        os.environ.pop("DATABASE_URL", None)
        data_dir = tempfile.mkdtemp(prefix="ld-bench-tables-")
        os.environ["LOUDONG_DATA_DIR"] = data_dir
    os.environ.pop("LOUDONG_TASKS", None)  # the database task queue, as in production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # sent, to nowhere
    return data_dir


def tables() -> dict[str, object]:
    from django_tasks_db.models import DBTaskResult

    from loudong.api.models import IdempotencyRecord
    from loudong.notify.models import Notification, OutboxMessage
    from loudong.stats.models import DirtyDay
    from loudong.tickets.models import Intake, Request
    from loudong.worker.models import Heartbeat

    return {
        "intake": Intake,
        "idempotency": IdempotencyRecord,
        "outbox": OutboxMessage,
        "inbox": Notification,
        "tasks": DBTaskResult,
        "heartbeat": Heartbeat,
        "dirty days": DirtyDay,
        "requests (kept)": Request,
    }


def one_day(world: dict, day: int, per_day: int, at: datetime) -> None:
    """The day's work through the real code, then its rows moved to `at` (that day, 10:00)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from loudong.api.models import IdempotencyRecord
    from loudong.notify.models import Notification, OutboxMessage
    from loudong.stats import coverage
    from loudong.tickets import intake
    from loudong.tickets.models import Intake, Request
    from loudong.worker import heartbeat
    from loudong.worker.management.commands.worker import Command as Worker

    started = timezone.now()
    places = [(b, s) for b, stairwells in world["buildings"] for s in stairwells]
    for n in range(per_day):
        building, stairwell = places[(day * per_day + n) % len(places)]
        intake.receive(
            community_id=world["community"].pk, building_id=building, stairwell_id=stairwell, room="101",
            category_code="environment", kind="help", channel="api", description=f"楼道灯坏了（{day}-{n}）",
            contact_name="", contact_phone="",
        )  # fmt: skip
        IdempotencyRecord.objects.create(
            owner="user:1", key=f"{day}-{n}", method="POST", path="/api/v1/requests", body_hash="0" * 64, status=202
        )
    intake.drain()
    Worker().run_queued_tasks()  # the emails' deliveries, as `loudong worker` runs them
    coverage.refresh_job()
    heartbeat.beat(f"node1:{day}", at, now=at)  # a worker restarted each day

    Notification.objects.filter(created_at__gte=started).update(created_at=at, read_at=at + timedelta(hours=2))
    OutboxMessage.objects.filter(created_at__gte=started).update(
        created_at=at, next_attempt_at=at, sent_at=at + timedelta(minutes=1)
    )
    Intake.objects.filter(received_at__gte=started).update(received_at=at, retry_at=at)
    IdempotencyRecord.objects.filter(created_at__gte=started).update(created_at=at)
    Request.objects.filter(created_at__gte=started).update(created_at=at, updated_at=at)
    DBTaskResult.objects.filter(enqueued_at__gte=started).update(
        enqueued_at=at, run_after=at, started_at=at, finished_at=at + timedelta(seconds=1)
    )


def daily_jobs(now: datetime) -> None:
    """What the worker runs once a day and hourly that bounds these tables, at `now`."""
    from loudong.accounts import retention
    from loudong.worker import heartbeat

    for rule in retention.registered():
        retention.run(rule, now=now)
    heartbeat.clean(now=now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-day", type=int, default=10, help="submissions a day (default 10)")
    parser.add_argument("--days", type=int, default=365, help="days simulated (default 365)")
    args = parser.parse_args()
    data_dir = setup()
    try:
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone
        from request_throughput import build

        from loudong.accounts.models import User
        from loudong.lib.shanghai import SHANGHAI

        call_command("migrate", verbosity=0)
        if connection.vendor == "postgresql":  # (a new SQLite data dir starts empty)
            call_command("flush", interactive=False, verbosity=0)
        world = build()
        for user in User.objects.all():
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        limits = (
            f"sent and read messages {settings.SENT_MESSAGE_RETENTION_DAYS} d, idempotency and placed intake "
            f"{settings.IDEMPOTENCY_TTL_HOURS} h, finished tasks {settings.TASK_RESULT_DAYS} d"
        )
        print(f"{connection.vendor}, {args.per_day} submissions a day for {args.days} days; limits: {limits}")
        names = list(tables())
        print(f"{'month':>7}  " + "  ".join(f"{n:>{max(len(n), 7)}}" for n in names), flush=True)
        first = timezone.localtime(timezone.now(), SHANGHAI).replace(
            hour=10, minute=0, second=0, microsecond=0
        ) - timedelta(days=args.days)
        clock = time.perf_counter()
        for day in range(args.days):
            at = first + timedelta(days=day)
            one_day(world, day, args.per_day, at)
            daily_jobs(at + timedelta(hours=13))  # the night after
            tomorrow = at + timedelta(days=1)
            if tomorrow.month != at.month or day == args.days - 1:
                counts = [model.objects.count() for model in tables().values()]
                print(
                    f"{at:%Y-%m}  " + "  ".join(f"{c:>{max(len(n), 7)},}" for n, c in zip(names, counts, strict=True)),
                    flush=True,
                )
        print(f"{args.days} days simulated in {time.perf_counter() - clock:.0f} s")
        if connection.vendor == "postgresql":
            call_command("flush", interactive=False, verbosity=0)
    finally:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
