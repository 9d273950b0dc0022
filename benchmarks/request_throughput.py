"""Request submissions per second through the resident's form and the JSON API (SQLite or PostgreSQL,
2 gunicorn workers on 127.0.0.1). The leader's queue with 1,000,000 requests: benchmarks/request_queue.py.

    .venv/bin/python benchmarks/request_throughput.py [--seconds 20] [--connections 8] [--workers 4]
        [--database postgres://root@127.0.0.1:5432/loudong_bench_throughput]
        [--postgres postgres://root@127.0.0.1:5432/loudong_bench_throughput [--commit-delay 200] [--rounds 3]]

A fresh data directory in /tmp (removed afterwards): migrate, a small community (10 buildings, 5
building groups with their members, a leader, an admin), then gunicorn with 2 sync workers on a free
127.0.0.1 port (the options scripts/start uses). The database is SQLite in that directory, or with
--database the PostgreSQL database named there (created afresh, dropped afterwards).

With --postgres the API path runs on SQLite and then on that PostgreSQL database, each in its own
process with the same options, and the two throughputs are printed with their ratio (PostgreSQL /
SQLite). --commit-delay (microseconds, with --commit-siblings, default 1) sets PostgreSQL's group
commit for the benchmark's database (ALTER DATABASE; a superuser's setting): a committing transaction
waits that long for others to flush the WAL with it when that many other transactions are open.
synchronous_commit stays on, as in production: an acknowledged submission survives a crash.

The load comes from wrk (a C client, Debian package wrk; installed with apt-get when missing and this
runs as root) with a Lua script per path, so that the client takes little of the 2 CPUs it shares with
the server; without wrk a lean multi-process client (http.client) stands in. For each path the CPU
seconds of the client, of the gunicorn workers and of everything else on the machine are printed as
shares of the machine, since other work on the machine slows the server down.

0. Floor: GET /api/v1/requests without a token (401 from the API's authentication), what a request
   costs through gunicorn, the middleware and the API router when it does nothing.
1. Form: the QR landing page (/ask/b/<token>/) is read once for the CSRF cookie and the signed
   start time; after the minimum fill time the last screen of the form (the one that saves: all three
   screens' fields, honeypot empty) is posted over and over; one POST = one submission acknowledged,
   answered by the redirect to the receipt. The client's address is in LOUDONG_RATE_LIMIT_EXEMPT, so
   every submission is counted by the rate limits (on the intake rows, as in production) but none is
   refused.
2. API: POST /api/v1/requests with a bearer token and a fresh Idempotency-Key, as the mini-program does
   (202 Accepted with the receipt).
   A submission is acknowledged as one intake row; the requests are made afterwards. After each run the
   backlog is drained by what `loudong worker` runs every second (loudong.tickets.intake.drain), in
   this process while the server is idle, and timed (placed per second); then the intake rows and the
   requests are counted: every acknowledged submission must have become a request. With --worker,
   `loudong worker` runs during the load and places them as they arrive, as in production.

Latencies are per HTTP request, measured by the client, in milliseconds. Each path runs --repeat times
(default 3) and the median run is printed with the others' throughputs after it.
"""

import argparse
import http.client
import http.cookiejar
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-9"
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|origin|started)" value="([^"]*)"')
TICKS = os.sysconf("SC_CLK_TCK")


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
            stairwells.append(
                Stairwell.objects.create(
                    community=community, building=building, name=f"{s + 1}单元", group=groups[b // 2]
                )
            )
    members = []
    for i, stairwell in enumerate(stairwells):
        household = Household.objects.create(community=community, stairwell=stairwell, room="101")
        for j in range(2 if i % 2 == 0 else 1):
            resident = Resident.objects.create(
                community=community, household=household, name=f"党员{i}{j}", phone=f"139{i:04d}{j:04d}"
            )
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
        "building_links": [b.public_token for b in buildings],
        "members": members,
        "token": ApiToken.issue(admin),
    }


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None  # a 302 is an answer to look at, not to follow


class Session:
    """A browser's cookie jar over urllib: the benchmarks need nothing `scripts/start` does not install."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects)

    def get(self, url: str, timeout: float = 30) -> tuple[int, str]:
        return self._open(urllib.request.Request(url), timeout)

    def post(self, url: str, fields: dict, timeout: float = 30) -> tuple[int, str]:
        return self._open(urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode()), timeout)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def _open(self, request: urllib.request.Request, timeout: float) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:  # redirects (not followed) and errors
            return answer.code, answer.read().decode(errors="replace")


def wait_ready(base: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            if Session().get(f"{base}/api/v1/openapi.json")[0] == 200:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


def form_path_exists() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("ask:place")
        reverse("ask:building", args=["token"])
    except NoReverseMatch:
        return False
    return True


@dataclass
class Shot:
    """One run of one path: what the client saw, and the CPU the client, the server and the rest took."""

    label: str
    ok: int = 0
    failed: dict = field(default_factory=dict)
    seconds: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    machine_cpu: float = 0.0
    stored: int | None = None  # intake rows written (acknowledged submissions)
    drained: int = 0  # of those, placed by the worker's drain afterwards
    drain_seconds: float = 0.0
    placed: int | None = None  # requests in the database afterwards

    @property
    def capacity(self) -> float:
        """Submissions per second with the machine's CPUs to the server alone (its CPU per request)."""
        return self.ok * (os.cpu_count() or 1) / max(self.server_cpu, 1e-9)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        capacity = max(self.seconds * (os.cpu_count() or 1), 1e-9)
        others = max(0.0, self.machine_cpu - self.client_cpu - self.server_cpu)
        text = (
            f"{self.label}: {self.ok} in {self.seconds:.1f} s = {self.rate:.0f}/s; p50 {self.p50:.1f} ms, "
            f"p99 {self.p99:.1f} ms; CPU of the machine: server {100 * self.server_cpu / capacity:.0f}%, "
            f"client {100 * self.client_cpu / capacity:.0f}%, others {100 * others / capacity:.0f}%; "
            f"server CPU {1000 * self.server_cpu / max(self.ok, 1):.1f} ms a request "
            f"(= {self.capacity:.0f}/s with the CPUs to itself)"
        )
        if self.stored is not None:
            text += f"; acknowledged {self.stored}"
            if self.placed is not None and self.placed > self.drained:
                text += f"; placed by `loudong worker` during the load {self.placed - self.drained}"
            text += (
                f"; backlog of {self.drained} drained by the worker's drain in {self.drain_seconds:.1f} s = "
                f"{self.drained / max(self.drain_seconds, 1e-9):.0f} placed/s; requests made {self.placed}"
            )
            text += "" if self.stored >= self.ok and self.placed == self.stored else " (LOST!)"
        if self.failed:
            text += f"; failed {self.failed}"
        return text


@dataclass
class Spec:
    """What to send: body = prefix + "<thread>-<n>" + suffix; `key_header` gets a fresh value each time."""

    label: str
    method: str
    path: str
    headers: dict
    prefix: str = ""
    suffix: str = ""
    ok_status: int = 200
    location_has: str = ""
    key_header: str = ""


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def process_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def server_pids(master: int) -> list[int]:
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return pids


def database_pids() -> list[int]:
    """On PostgreSQL, the server processes of the benchmark's database (the web workers' connections):
    their CPU is the server's too, as SQLite's work is done inside the web workers."""
    name = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if not name:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f" {name} " in (entry / "cmdline").read_bytes().decode(errors="replace"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def children_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def find_wrk() -> str | None:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        found = shutil.which("wrk")
    return found


def lua_string(text: str) -> str:
    return '"' + "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\{b:03d}" for b in text.encode()) + '"'


def lua_script(spec: Spec) -> str:
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in spec.headers.items())
    key = f'h[{lua_string(spec.key_header)}] = nonce .. "-" .. tid .. "-" .. count' if spec.key_header else ""
    body = "nil"
    if spec.method != "GET":
        body = f'{lua_string(spec.prefix)} .. tid .. "-" .. count .. {lua_string(spec.suffix)}'
    success = f"status == {spec.ok_status}"
    if spec.location_has:
        success += f' and string.find(hdrs["Location"] or "", {lua_string(spec.location_has)}, 1, true)'
    return f"""
local threads = {{}}
local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
  table.insert(threads, thread)
end
function init(args)
  count = 0
  ok = 0
  bad = {{}}
  nonce = {lua_string(uuid.uuid4().hex)}
end
function request()
  count = count + 1
  local h = {{{headers}}}
  {key}
  return wrk.format({lua_string(spec.method)}, {lua_string(spec.path)}, h, {body})
end
function response(status, hdrs, body)
  if {success} then
    ok = ok + 1
  else
    local k = tostring(status)
    bad[k] = (bad[k] or 0) + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  local failed = {{}}
  for _, t in ipairs(threads) do
    total = total + t:get("ok")
    for k, v in pairs(t:get("bad")) do failed[k] = (failed[k] or 0) + v end
  end
  local e = summary.errors
  failed["socket"] = e.connect + e.read + e.write + e.timeout
  local parts = {{}}
  for k, v in pairs(failed) do
    if v > 0 then table.insert(parts, string.format('"%s": %d', k, v)) end
  end
  io.write(string.format('RESULT {{"ok": %d, "seconds": %.6f, "p50": %.3f, "p99": %.3f, "failed": {{%s}}}}\\n',
    total, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", ")))
end
"""


def run_wrk(wrk: str, base: str, spec: Spec, connections: int, seconds: float) -> Shot:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(spec))
    try:
        answer = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "30s", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next((x for x in answer.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk said:\n{answer.stdout}\n{answer.stderr}")
    data = json.loads(line[len("RESULT ") :])
    return Shot(
        spec.label, ok=data["ok"], failed=data["failed"], seconds=data["seconds"], p50=data["p50"], p99=data["p99"]
    )


def _lean_worker(args: tuple) -> tuple[list[float], dict]:
    spec, host, port, tid, stop_at = args
    connection = http.client.HTTPConnection(host, port, timeout=30)
    latencies, failed, count = [], {}, 0
    while time.time() < stop_at:
        count += 1
        headers = dict(spec.headers)
        if spec.key_header:
            headers[spec.key_header] = f"{tid}-{count}-{uuid.uuid4().hex}"
        body = None if spec.method == "GET" else f"{spec.prefix}{tid}-{count}{spec.suffix}".encode()
        started = time.perf_counter()
        try:
            connection.request(spec.method, spec.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            good = status == spec.ok_status and spec.location_has in (response.getheader("Location") or "")
        except (OSError, http.client.HTTPException):
            connection.close()
            status, good = "socket", False
        if response.will_close if status != "socket" else True:
            connection.close()
        if good:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            failed[str(status)] = failed.get(str(status), 0) + 1
    return latencies, failed


def run_lean(base: str, spec: Spec, connections: int, seconds: float) -> Shot:
    """Without wrk: one process per connection (no shared interpreter lock), plain http.client."""
    parsed = urllib.parse.urlsplit(base)
    began = time.perf_counter()
    stop_at = time.time() + seconds
    with multiprocessing.Pool(connections) as pool:
        results = pool.map(_lean_worker, [(spec, parsed.hostname, parsed.port, t, stop_at) for t in range(connections)])
    shot = Shot(spec.label, seconds=time.perf_counter() - began)
    latencies = sorted(x for r in results for x in r[0])
    for _, failed in results:
        for k, v in failed.items():
            shot.failed[k] = shot.failed.get(k, 0) + v
    shot.ok = len(latencies)
    if latencies:
        shot.p50 = statistics.median(latencies)
        shot.p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return shot


def stored_rows() -> tuple[int, int]:
    """(intake rows, requests) in the database."""
    from loudong.tickets.models import Intake, Request

    return Intake.objects.count(), Request.objects.count()


def measure(spec: Spec, base: str, master: int, wrk: str | None, args: argparse.Namespace, count_rows: bool) -> Shot:
    """One run of one path with its CPU accounting (and the rows it stored, when `count_rows`)."""
    before_rows = stored_rows() if count_rows else (0, 0)
    pids = server_pids(master) + database_pids()
    # With --worker, `loudong worker` places the submissions while they arrive, as in production (its
    # CPU is counted with the server's, and its placing holds SQLite's write lock: latencies show it).
    worker = None
    if args.worker and count_rows:
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("loudong")), "worker"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            text=True,
        )
        worker.stdout.readline()  # "后台进程已启动": it has started (several seconds of imports)
        time.sleep(2)  # and done its first round's sweeps
        pids.append(worker.pid)
    server0, client0, (busy0, _) = process_seconds(pids), children_seconds(), cpu_ticks()
    try:
        if wrk:
            shot = run_wrk(wrk, base, spec, args.connections, args.seconds)
        else:
            shot = run_lean(base, spec, args.connections, args.seconds)
        shot.server_cpu = process_seconds(pids) - server0
    finally:
        worker_life = 0.0
        if worker is not None:
            worker_life = process_seconds([worker.pid])  # a waited-for child counts as the client's below
            worker.terminate()
            worker.wait(timeout=60)
    shot.client_cpu = children_seconds() - client0 - worker_life
    shot.machine_cpu = (cpu_ticks()[0] - busy0) / TICKS
    if count_rows:
        from django.db import connection

        from loudong.tickets.intake import drain

        connection.close()
        time.sleep(1)  # submissions in flight when the client stopped are answered (and kept) by now
        began = time.perf_counter()
        shot.drained = drain()
        shot.drain_seconds = time.perf_counter() - began
        shot.stored, shot.placed = (after - before for after, before in zip(stored_rows(), before_rows, strict=True))
    return shot


def repeated(
    spec: Spec, base: str, master: int, wrk: str | None, args: argparse.Namespace, count_rows: bool = True
) -> str:
    """Run a path --repeat times; the median run by throughput, then every run's throughput."""
    return repeated_rate(spec, base, master, wrk, args, count_rows)[0]


def form_spec(base: str, world: dict) -> Spec:
    """The last screen of the public form, with the hidden fields and the CSRF cookie of a landing page."""
    from django.conf import settings

    building_id, stairwell_ids = world["buildings"][0]
    session = Session()
    _status, page = session.get(f"{base}/ask/b/{world['building_links'][0]}/")
    hidden = dict(HIDDEN.findall(page))
    fields = {
        **hidden,
        "step": "2",
        "building": building_id,
        "category": "environment",
        "kind": "help",
        "stairwell": stairwell_ids[0],
        "room": "301",
        "photos": "",
        "contact_name": "王阿姨",
        "contact_phone": "13812345678",
        "website": "",
    }
    time.sleep(settings.REQUEST_MIN_FILL_SECONDS + 0.5)
    cookie = session.cookie_header()
    prefix = urllib.parse.urlencode(fields) + "&description=" + urllib.parse.quote("楼道灯坏了，晚上看不见（第")
    return Spec(
        "public form (last screen, saves)",
        "POST",
        "/ask/place/",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        prefix=prefix,
        suffix=urllib.parse.quote("次）"),
        ok_status=302,
        location_has="/receipt/",
    )


def api_spec(world: dict) -> Spec:
    building_id, stairwell_ids = world["buildings"][3]
    body = {
        "community": "bench",
        "building_id": building_id,
        "stairwell_id": stairwell_ids[0],
        "room": "502",
        "category_code": "hardship",
        "channel": "visit",
        "contact_name": "李大爷",
        "contact_phone": "13912345678",
        "description": "老人需要代买药品（第@次）",
    }
    prefix, suffix = json.dumps(body, ensure_ascii=False).split("@")
    return Spec(
        "API POST /api/v1/requests",
        "POST",
        "/api/v1/requests",
        {"Authorization": f"Bearer {world['token']}", "Content-Type": "application/json"},
        prefix=prefix,
        suffix=suffix,
        ok_status=202,
        key_header="Idempotency-Key",
    )


FLOOR = Spec("floor: GET /api/v1/requests without a token (401)", "GET", "/api/v1/requests", {}, ok_status=401)


def gunicorn_command(port: int, workers: int) -> list[str]:
    """The server as scripts/start runs it (see there for why these options)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [
        str(gunicorn),
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]


def repeated_rate(
    spec: Spec, base: str, master: int, wrk: str | None, args: argparse.Namespace, count_rows: bool = True
) -> tuple[str, float]:
    """Run a path --repeat times: the median run by throughput with every run's throughput after it,
    and the median throughput."""
    shots = [measure(spec, base, master, wrk, args, count_rows) for _ in range(args.repeat)]
    ranked = sorted(shots, key=lambda s: s.rate)
    middle = ranked[len(ranked) // 2]
    lost = [s for s in shots if s.stored is not None and (s.stored < s.ok or s.placed != s.stored)]
    runs = ", ".join(f"{s.rate:.0f}/s p99 {s.p99:.0f} ms" for s in shots)
    text = middle.line() + f"\n    runs: {runs}" + ("  SUBMISSIONS LOST" if lost else "")
    return text, middle.rate, statistics.median(s.capacity for s in shots)


def postgres_database(url: str, commit_delay: int, commit_siblings: int) -> str:
    """Create the benchmark's PostgreSQL database afresh (with its group-commit settings); its name."""
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"database name {name!r}: lower-case letters, digits and _ only")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
        conn.execute(f"ALTER DATABASE {name} SET commit_delay = {int(commit_delay)}")
        conn.execute(f"ALTER DATABASE {name} SET commit_siblings = {int(commit_siblings)}")
    return name


def admin_url(url: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def drop_database(url: str) -> None:
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def compare(args: argparse.Namespace) -> None:
    """The API path on SQLite, then on PostgreSQL, each in a process of its own; both rates and the ratio."""
    passed = [
        f"--seconds={args.seconds}",
        f"--connections={args.connections}",
        f"--repeat={args.repeat}",
        f"--workers={args.workers}",
        f"--commit-delay={args.commit_delay}",
        f"--commit-siblings={args.commit_siblings}",
        "--paths=api",
    ] + (["--lean"] if args.lean else [])
    rates: dict[str, list[list[float]]] = {"SQLite": [], "PostgreSQL": []}
    # Round by round, SQLite then PostgreSQL: a machine whose speed drifts (shared cores) moves both.
    for round_number in range(1, args.rounds + 1):
        for label, database in (("SQLite", []), ("PostgreSQL", [f"--database={args.postgres}"])):
            print(f"--- round {round_number} of {args.rounds}: {label}", flush=True)
            child = subprocess.run(
                [sys.executable, __file__, *passed, *database], stdout=subprocess.PIPE, text=True, check=True
            )
            for line in child.stdout.splitlines():
                if line.startswith("RATE "):
                    rates[label].append([float(x) for x in line.split()[1:]])
                else:
                    print(line, flush=True)
    sqlite, sqlite_cpu = (statistics.median(r[i] for r in rates["SQLite"]) for i in (0, 1))
    postgres, postgres_cpu = (statistics.median(r[i] for r in rates["PostgreSQL"]) for i in (0, 1))
    each = ", ".join(f"{p[0] / s[0]:.2f}" for s, p in zip(rates["SQLite"], rates["PostgreSQL"], strict=True))
    print(
        f"API submissions with {args.workers} workers, median of {args.rounds} round(s): SQLite {sqlite:.0f}/s, "
        f"PostgreSQL {postgres:.0f}/s (commit_delay {args.commit_delay} µs, commit_siblings "
        f"{args.commit_siblings}); PostgreSQL/SQLite throughput ratio {postgres / sqlite:.2f} (by round: {each}). "
        f"By the server's CPU per submission (PostgreSQL's own processes included), with the CPUs to itself: "
        f"SQLite {sqlite_cpu:.0f}/s, PostgreSQL {postgres_cpu:.0f}/s, ratio {postgres_cpu / sqlite_cpu:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="length of one run of one path")
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--repeat", type=int, default=3, help="runs per path; the median is printed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--lean", action="store_true", help="use the Python client even when wrk is there")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="run `loudong worker` during the load (it places submissions as they arrive)",
    )
    parser.add_argument("--database", help="a PostgreSQL URL (created afresh, dropped afterwards); default SQLite")
    parser.add_argument("--postgres", help="a PostgreSQL URL: the API path on SQLite and on it, and their ratio")
    parser.add_argument("--rounds", type=int, default=1, help="with --postgres: that many SQLite, PostgreSQL pairs")
    parser.add_argument("--commit-delay", type=int, default=0, help="PostgreSQL commit_delay, microseconds")
    parser.add_argument("--commit-siblings", type=int, default=1, help="PostgreSQL commit_siblings")
    parser.add_argument("--paths", default="floor,form,api", help="which paths to run, comma-separated")
    args = parser.parse_args()
    if args.postgres:
        compare(args)
        return
    paths = set(args.paths.split(","))

    # Stopped with SIGTERM, still stop gunicorn and remove the data directory (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data_dir = tempfile.mkdtemp(prefix="ld-bench-requests-")
    if args.database:
        name = postgres_database(args.database, args.commit_delay, args.commit_siblings)
        os.environ["DATABASE_URL"] = args.database
        os.environ.setdefault("LOUDONG_SECRET_KEY", "benchmark-only-" + uuid.uuid4().hex)
        target = f"PostgreSQL database {name} (commit_delay {args.commit_delay} µs, siblings {args.commit_siblings})"
    else:
        os.environ.pop("DATABASE_URL", None)
        target = f"SQLite in {data_dir}"
    os.environ.update(
        LOUDONG_DATA_DIR=data_dir, LOUDONG_RATE_LIMIT_EXEMPT="127.0.0.1", DJANGO_SETTINGS_MODULE="config.settings"
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    server = None
    try:
        call_command("migrate", verbosity=0)
        world = build()
        connection.close()
        wrk = None if args.lean else find_wrk()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(gunicorn_command(port, args.workers), cwd=ROOT, env=os.environ.copy())
        wait_ready(base, server)
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(
            f"{target}; gunicorn, {args.workers} sync workers, {base}; {os.cpu_count()} CPUs, "
            f"load average {' '.join(load)}; client {'wrk' if wrk else 'python http.client processes'}, "
            f"{args.connections} connections; {args.repeat} runs of {args.seconds:.0f} s per path",
            flush=True,
        )
        if "floor" in paths:
            print(repeated(FLOOR, base, server.pid, wrk, args, count_rows=False), flush=True)
        if "form" in paths:
            if form_path_exists():
                print(repeated(form_spec(base, world), base, server.pid, wrk, args), flush=True)
            else:
                print("public form: /ask/place/ is not there yet; skipped")
        if "api" in paths:
            text, rate, capacity = repeated_rate(api_spec(world), base, server.pid, wrk, args)
            print(text, flush=True)
            print(f"RATE {rate:.3f} {capacity:.3f}", flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.close()
        if args.database:
            drop_database(args.database)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
