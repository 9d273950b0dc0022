"""Request submissions per second through the resident's form and the JSON API (SQLite, 2 gunicorn
workers on 127.0.0.1), then the leader's queue with 1,000,000 requests in the database.

    .venv/bin/python benchmarks/request_throughput.py [--submissions 2000] [--threads 16] [--rows 1000000]

A fresh data directory in /tmp (removed afterwards): migrate, a small community (10 buildings, 5
building groups with their members, a leader, an admin), then gunicorn with 2 sync workers on a free
127.0.0.1 port. The rate limits are lifted for the benchmark client by LOUDONG_RATE_LIMIT_EXEMPT=127.0.0.1
(or the setting RATE_LIMIT_EXEMPT); the outbox queues notifications in the database as in production.

1. Form: each thread opens the QR landing page once (/ask/b/<building>/) for its CSRF cookie and the
   signed start time, waits out the minimum fill time, then posts the last screen of the form (the
   one that saves: all three screens' fields, honeypot empty) as often as it can; one POST = one
   request placed, answered by the redirect to the receipt.
2. API: POST /api/v1/requests with a bearer token and an Idempotency-Key, as the mini-program does.
3. Queue: 1,000,000 requests bulk-inserted (history over three years, 1% open), then the leader's and
   the admin's queue page (/c/bench/requests/, logged in) fetched one at a time through gunicorn, and
   the queue page's queries alone in this process.

Latencies are per HTTP request, measured by the client, in milliseconds.
"""

import argparse
import itertools
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-9"
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|origin|started)" value="([^"]*)"')


@dataclass
class Run:
    label: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        ok = len(self.latencies)
        if not ok:
            return f"{self.label}: no successful submission ({dict(self.statuses)})"
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (f"{self.label}: {ok} placed in {self.seconds:.1f} s = {ok / self.seconds:.0f}/s; "
                f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms; statuses {dict(self.statuses)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build() -> dict:
    """A small community: 10 buildings of 2 stairwells, 5 groups of 2 buildings with 3 members each."""
    from loudong.accounts.models import ApiToken, Grant, Role, User
    from loudong.groups.models import BuildingGroup
    from loudong.registry.models import (
        Building,
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
    groups, buildings, stairwells = [], [], []
    for g in range(5):
        groups.append(BuildingGroup.objects.create(community=community, name=f"第{g + 1}党小组"))
    for b in range(10):
        building = Building.objects.create(community=community, name=f"船山路{b + 1}号", address=f"船山路{b + 1}号")
        buildings.append(building)
        for s in range(2):
            stairwells.append(Stairwell.objects.create(community=community, building=building, name=f"{s + 1}单元",
                                                       group=groups[b // 2]))
    members = []
    for i, stairwell in enumerate(stairwells):
        household = Household.objects.create(community=community, stairwell=stairwell, room="101")
        for j in range(2 if i % 2 == 0 else 1):
            resident = Resident.objects.create(community=community, household=household, name=f"党员{i}{j}",
                                               phone=f"139{i:04d}{j:04d}")
            members.append(Member.objects.create(community=community, resident=resident, group=stairwell.group))
    for group in groups:
        group.leader = next(m for m in members if m.group_id == group.pk)
        group.save()
    leader = User.objects.create_user("leader", password=PASSWORD, resident=groups[0].leader.resident)
    Grant.objects.create(user=leader, role=Role.LEADER, community=community, group=groups[0])
    admin = User.objects.create_user("admin", password=PASSWORD)
    Grant.objects.create(user=admin, role=Role.ADMIN, community=community)
    return {
        "community": community,
        "groups": groups,
        "buildings": [(b.pk, [s.pk for s in stairwells if s.building_id == b.pk]) for b in buildings],
        "members": members,
        "token": ApiToken.issue(admin),
    }


def wait_ready(base: str, server: subprocess.Popen) -> None:
    import requests

    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            if requests.get(f"{base}/api/v1/openapi.json", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


def fire(run: Run, sessions: list, count: int, limit_seconds: float, send) -> Run:
    """Send up to `count` requests from one thread per session, for at most `limit_seconds`."""
    numbers = itertools.count()
    lock = threading.Lock()
    stop = time.perf_counter() + limit_seconds

    def worker(session: object) -> None:
        while time.perf_counter() < stop:
            i = next(numbers)
            if i >= count:
                return
            started = time.perf_counter()
            try:
                status = send(session, i)
            except Exception as exc:  # a refused connection counts as a failure, not a crash
                status = type(exc).__name__
            took = (time.perf_counter() - started) * 1000
            with lock:
                run.statuses[status] += 1
                if status in (201, 302):
                    run.latencies.append(took)

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - began
    return run


def form_path_exists() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("ask:place")
        reverse("ask:building", args=[1])
    except NoReverseMatch:
        return False
    return True


def form_run(base: str, world: dict, args: argparse.Namespace) -> Run:
    import requests

    from loudong.tickets.forms_public import MIN_FILL_SECONDS

    sessions = []
    for n in range(args.threads):
        building_id, stairwell_ids = world["buildings"][n % len(world["buildings"])]
        session = requests.Session()
        page = session.get(f"{base}/ask/b/{building_id}/", timeout=10)
        hidden = dict(HIDDEN.findall(page.text))
        session.form = {**hidden, "step": "3", "building": building_id, "category": "environment", "kind": "help",
                        "stairwell": stairwell_ids[0], "room": "301", "photos": "", "contact_name": "王阿姨",
                        "contact_phone": "13812345678", "website": ""}
        sessions.append(session)
    time.sleep(MIN_FILL_SECONDS + 0.5)

    def send(session: requests.Session, i: int) -> int:
        data = {**session.form, "description": f"楼道灯坏了，晚上看不见（第{i}次）"}
        response = session.post(f"{base}/ask/place/", data=data, allow_redirects=False, timeout=30)
        if response.status_code == 302 and "/receipt/" not in response.headers.get("Location", ""):
            return 0
        return response.status_code

    return fire(Run("public form (last screen, saves)"), sessions, args.submissions, args.seconds, send)


def api_run(base: str, world: dict, args: argparse.Namespace) -> Run:
    import requests

    headers = {"Authorization": f"Bearer {world['token']}", "Content-Type": "application/json"}
    sessions = [requests.Session() for _ in range(args.threads)]

    def send(session: requests.Session, i: int) -> int:
        building_id, stairwell_ids = world["buildings"][i % len(world["buildings"])]
        body = {"community": "bench", "building_id": building_id, "stairwell_id": stairwell_ids[0], "room": "502",
                "category_code": "hardship", "channel": "visit", "description": f"老人需要代买药品（第{i}次）",
                "contact_name": "李大爷", "contact_phone": "13912345678"}
        response = session.post(f"{base}/api/v1/requests", data=json.dumps(body), timeout=30,
                                headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
        return response.status_code

    return fire(Run("API POST /api/v1/requests"), sessions, args.submissions, args.seconds, send)


STATUSES = [("closed", 90.0), ("rejected", 3.0), ("merged", 2.0), ("resolved", 4.0), ("submitted", 0.4),
            ("dispatched", 0.2), ("accepted", 0.3), ("waiting", 0.05), ("escalated", 0.05)]
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
                community_id=world["community"].pk, number=f"B{i:08d}", building_id=building_id,
                stairwell_id=stairwell_ids[i % 2], group_id=group_id, category_code="environment",
                category_name="环境卫生", kind="help", channel="qr", description=f"历史点单 {i}",
                contact_name="居民", contact_phone="13800000000", tracking_token=f"bench{i:012d}",
                status=status, created_at=created, updated_at=created + timedelta(days=2),
                response_due_at=created + timedelta(days=1), due_at=created + timedelta(days=3),
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


def login(base: str, username: str) -> object:
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = dict(HIDDEN.findall(page.text))["csrfmiddlewaretoken"]
    answer = session.post(f"{base}/accounts/login/", data={"username": username, "password": PASSWORD,
                                                           "csrfmiddlewaretoken": token}, allow_redirects=False)
    assert answer.status_code == 302, f"login failed for {username}: {answer.status_code}"
    return session


def time_pages(session: object, url: str, times: int) -> tuple[float, float]:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{url}: {response.status_code}"
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, int(len(took) * 0.99))]


def time_queue_queries(world: dict, username: str, times: int) -> float:
    """The queue page's queries without rendering: open counts by status, the overdue count, the
    first page of the 'new' tab with what its cards show."""
    from django.db.models import Count
    from django.utils import timezone

    from loudong.accounts.models import User
    from loudong.tickets.models import OPEN as OPEN_STATUSES
    from loudong.tickets.models import RUNNING, Request, Status

    user = User.objects.get(username=username)
    took = []
    for _ in range(times):
        started = time.perf_counter()
        visible = Request.objects.visible_to(user).filter(community=world["community"])
        dict(visible.filter(status__in=OPEN_STATUSES).order_by().values_list("status").annotate(n=Count("id")))
        visible.filter(status__in=RUNNING, due_at__lte=timezone.now()).count()
        list(visible.filter(status=Status.SUBMITTED).select_related("building", "stairwell", "assignee__resident")
             .order_by("created_at", "id")[:20])
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000, help="per path")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60, help="time limit per path")
    parser.add_argument("--rows", type=int, default=1_000_000, help="0 skips the queue part")
    parser.add_argument("--page-fetches", type=int, default=40)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="ld-bench-requests-")
    os.environ.pop("DATABASE_URL", None)  # the target is SQLite
    os.environ.update(LOUDONG_DATA_DIR=data_dir, LOUDONG_RATE_LIMIT_EXEMPT="127.0.0.1",
                      DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    world = build()
    connection.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        wait_ready(base, server)
        print(f"SQLite in {data_dir}; gunicorn, 2 sync workers, {base}; {os.cpu_count()} CPUs; "
              f"{args.threads} client threads, up to {args.submissions} submissions or {args.seconds:.0f} s per path")
        if form_path_exists():
            print(form_run(base, world, args).line())
        else:
            print("public form: /ask/place/ is not there yet; skipped")
        print(api_run(base, world, args).line())
        if not args.rows:
            return
        print(f"loading {args.rows:,} requests ...", flush=True)
        print(f"loaded in {load_rows(world, args.rows):.0f} s")
        for username in ("leader", "admin"):
            session = login(base, username)
            for tab in ("new", "overdue"):
                p50, p99 = time_pages(session, f"{base}/c/bench/requests/?tab={tab}", args.page_fetches)
                print(f"queue page as {username}, tab {tab}: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
            print(f"queue queries alone as {username}: p50 {time_queue_queries(world, username, 40):.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
