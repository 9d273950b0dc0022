"""Memory of a running installation: gunicorn (config/gunicorn.py, 2 workers) and `loudong worker`.

    .venv/bin/python benchmarks/memory.py [--rounds 3]

A fresh data directory in /tmp (removed afterwards): migrate and `loudong demo` (SQLite), then the
server as scripts/start runs it and `loudong worker`. A mixed load, --rounds times over:
- the resident's QR landing pages of every demo building (the public form's first screen);
- 20 API submissions (POST /api/v1/requests as the demo leader, placed by the worker);
- the leader's queue, the admin's queue and the community dashboard, logged in through the login page;
then, separately, 10 printed slips (PDF, WeasyPrint) and the residents' spreadsheet.

Figures are read from /proc/<pid>/smaps_rollup: RSS counts every page a process maps, shared or not;
PSS divides each shared page among the processes sharing it, so the PSS of the server's processes
adds up to what the server costs the machine. Targets (issue 16): the server tree at most 250 MiB PSS
after the mixed load, no web worker over 150 MiB RSS, `loudong worker` at most 120 MiB RSS, a worker
that has served PDFs under 200 MiB RSS.
"""

import argparse
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rollup(pid: int) -> dict[str, int]:
    """Rss and Pss of one process in KiB."""
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            figures[key] = int(rest.split()[0])
    return figures


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


class Client:
    """A browser-like client: cookies, the CSRF token, form posts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read()

    def post(self, path: str, fields: dict) -> bytes:
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=120) as response:
            return response.read()

    def log_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": username, "password": password})


def api(base: str, method: str, path: str, body: dict | None = None, token: str = "") -> dict:
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        raw = response.read()
    return json.loads(raw) if raw[:1] in (b"{", b"[") else {}


def demo_facts(env: dict) -> dict:
    """What the load needs from the demo: its community code, buildings' form links, a category."""
    script = (
        "import json\n"
        "from django.urls import reverse\n"
        "from loudong.demo.logins import DEMO_PASSWORD\n"
        "from loudong.registry.models import Building, Community\n"
        "from loudong.policy.models import current_rules\n"
        "c = Community.objects.order_by('pk').first()\n"
        "bs = list(Building.objects.filter(community=c).order_by('pk'))\n"
        "link = lambda b: reverse('ask:building', args=[getattr(b, 'public_token', None) or b.pk])\n"
        "print(json.dumps({'code': c.code, 'password': DEMO_PASSWORD, 'links': [link(b) for b in bs],\n"
        "  'building': bs[0].pk, 'category': current_rules(c).categories[0].code}))\n"
    )
    out = subprocess.run([BIN / "loudong", "shell", "-c", script], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


STARTUP = """
import os, time
started = time.perf_counter()
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import config.wsgi
from loudong.tickets.suggest.text import words
words("楼道灯坏了")
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
print(time.perf_counter() - started, rss)
"""


def startup(env: dict) -> None:
    """A web process's start (settings, URLconf, the classifier's first words), from the bytecode
    scripts/setup-python compiles and from source (PYTHONPYCACHEPREFIX pointing at an empty folder)."""
    print("start of a process, median of 3 (import, URLconf, first suggestion):")
    for label, extra in (("bytecode", {}), ("source", {"PYTHONDONTWRITEBYTECODE": "1"})):
        runs = []
        for _ in range(3):
            prefix = {"PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="nopyc-")} if extra else {}
            out = subprocess.run([sys.executable, "-c", STARTUP], env={**env, **extra, **prefix}, cwd=ROOT,
                                 check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
            runs.append((float(out[0]), int(out[1])))
            if prefix:
                shutil.rmtree(prefix["PYTHONPYCACHEPREFIX"])
        seconds, kib = sorted(runs)[1]
        print(f"  from {label:<9} {seconds:.2f} s, {mib(kib)} RSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="loudong-memory-"))
    port = free_port()
    env = {
        **os.environ,
        "LOUDONG_DATA_DIR": str(data),
        "LOUDONG_BIND": f"127.0.0.1:{port}",
        "LOUDONG_WEB_WORKERS": "2",
        "LOUDONG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOUDONG_RATE_LIMIT_EXEMPT": "127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    base = f"http://127.0.0.1:{port}"
    server = worker = None
    try:
        print("migrate and build the demo …", flush=True)
        subprocess.run([BIN / "loudong", "migrate", "--noinput", "-v0"], env=env, check=True)
        subprocess.run([BIN / "loudong", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        startup(env)
        facts = demo_facts(env)
        code = facts["code"]

        server = subprocess.Popen(
            [BIN / "gunicorn", "-c", str(ROOT / "config" / "gunicorn.py"), "--access-logfile", "/dev/null",
             "config.wsgi"], env=env, cwd=ROOT)  # fmt: skip
        worker = subprocess.Popen([BIN / "loudong", "worker"], env=env, stdout=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
                break
            except OSError:  # refused, reset or timed out while the master loads
                time.sleep(0.2)
        workers = children(server.pid)
        idle = {pid: rollup(pid) for pid in [server.pid, *workers]}
        print(f"after start: master {mib(idle[server.pid]['Rss'])} RSS, workers "
              + ", ".join(mib(idle[p]["Rss"]) for p in workers) + " RSS", flush=True)  # fmt: skip

        token = api(base, "POST", "/api/v1/auth/token", {"username": "demo-leader", "password": facts["password"]})
        leader, admin = Client(base), Client(base)
        leader.log_in("demo-leader", facts["password"])
        admin.log_in("demo-admin", facts["password"])
        resident = Client(base)
        started = time.monotonic()
        made = []
        for _ in range(args.rounds):
            for link in facts["links"]:
                resident.get(link)
            for i in range(20):
                body = {"community": code, "building_id": facts["building"], "category_code": facts["category"],
                        "description": f"楼道灯不亮了，第{i}次反映", "channel": "phone"}  # fmt: skip
                made.append(api(base, "POST", "/api/v1/requests", body, token["token"]))
            for client, path in ((leader, f"/c/{code}/requests/"), (admin, f"/c/{code}/requests/"),
                                 (admin, f"/c/{code}/stats/")):  # fmt: skip
                client.get(path)
        mixed = time.monotonic() - started
        workers = children(server.pid)
        tree = {pid: rollup(pid) for pid in [server.pid, *workers]}
        worker_figures = rollup(worker.pid)

        listed = api(base, "GET", "/api/v1/requests?limit=10", token=token["token"])
        ids = [item["id"] for item in listed.get("results", [])][:10]
        for request_id in ids:
            slip = f"{base}/api/v1/requests/{request_id}/slip.pdf"
            bearer = {"Authorization": f"Bearer {token['token']}"}
            urllib.request.urlopen(urllib.request.Request(slip, headers=bearer), timeout=120).read()
        admin.get(f"/c/{code}/residents/export.xlsx")
        printed = {pid: rollup(pid) for pid in children(server.pid)}

        print(f"\nmixed load: {args.rounds} rounds of {len(facts['links'])} form pages, 20 API submissions, "
              f"2 queues and a dashboard in {mixed:.1f} s")  # fmt: skip
        print(f"  server tree PSS      {mib(sum(f['Pss'] for f in tree.values()))}   (target ≤ 250 MiB)")
        print(f"    master             {mib(tree[server.pid]['Rss'])} RSS, {mib(tree[server.pid]['Pss'])} PSS")
        for pid in workers:
            figures = tree[pid]
            print(f"    web worker {pid:<7} {mib(figures['Rss'])} RSS, {mib(figures['Pss'])} PSS   (≤ 150 MiB RSS)")
        print(f"  loudong worker       {mib(worker_figures['Rss'])} RSS   (target ≤ 120 MiB)")
        print(f"after {len(ids)} slips (PDF) and the residents' spreadsheet:")
        for pid, figures in printed.items():
            print(f"    web worker {pid:<7} {mib(figures['Rss'])} RSS, {mib(figures['Pss'])} PSS   (< 200 MiB RSS)")
        print(f"  server tree PSS      {mib(sum(f['Pss'] for f in printed.values()) + rollup(server.pid)['Pss'])}")
        placed = sum(1 for m in made if m.get("token") or m.get("status"))
        print(f"({placed} of {len(made)} API submissions acknowledged)")
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
