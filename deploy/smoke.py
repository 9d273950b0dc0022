"""deploy/smoke: a district's set-up on one machine, checked through nginx (run it as deploy/smoke).

Two app nodes, each running what deploy/systemd/ describes (loudong-web: its ExecStartPre and
ExecStart; loudong-worker: its ExecStart), read from the unit files with /opt/loudong replaced by
this checkout and their EnvironmentFile by deploy/loudong.env.example with this machine's addresses;
each node has its own data dir, so nothing is shared but the database (PostgreSQL through PgBouncer,
deploy/pgbouncer/pgbouncer.ini) and the object storage (moto's S3-compatible server). nginx runs
deploy/nginx/loudong.conf with its ports, the two app servers and a self-signed certificate.

Then, through nginx over HTTPS: /healthz answers 200 (database and worker heartbeat); plain http is
redirected; a login made through nginx is valid on both app servers; a resident's two screens (the
second sent once without its phone, its photo kept as a draft, then again) land on alternate app
servers and the request is placed exactly once by the workers, its photo in the bucket. Then
loudong-backup.service's ExecStart makes and checks a backup that holds that photo; last, with node
1's web server stopped (as during an upgrade) nginx answers from node 2.
Every process is stopped and the database dropped at the end, pass or fail.
"""

import configparser
import html.parser
import http.client
import io
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/opt/loudong"  # where the units and the env file expect the checkout
DATABASE = "loudong_smoke"
POSTGRES = "postgres://root@127.0.0.1:5432"
PORT_PGBOUNCER = 18401
PORT_S3 = 18402
PORT_HTTP = 18480
PORT_HTTPS = 18443
PORT_WEB = (18411, 18412)
HOST = "localhost"
PUBLIC_URL = f"https://{HOST}:{PORT_HTTPS}"
BUCKET = "loudong-smoke"
COMMUNITY = "smoke"
ADMIN, ADMIN_PASSWORD = "smoke-admin", "smoke-" + secrets.token_hex(8)


class Failed(Exception):
    """A check did not hold: the message says which, in Chinese."""


def step(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", flush=True)


STARTED = time.monotonic()


# Reading the deployment files -------------------------------------------------------------------


def unit_commands(
    name: str, keys: tuple[str, ...] = ("ExecStartPre", "ExecStart"), paths: dict[str, str] | None = None
) -> list[list[str]]:
    """The commands a unit of deploy/systemd/ runs, in order, as argument lists for this checkout
    (and the other `paths` replaced), with systemd's escapes undone ("%%" is "%", "$$" is "$")."""
    text = (DEPLOY / "systemd" / name).read_text().replace("\\\n", " ")
    for old, new in {INSTALL_DIR: str(ROOT), **(paths or {})}.items():
        text = text.replace(old, new)
    commands = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in keys and value.strip():
            commands.append([arg.replace("%%", "%").replace("$$", "$") for arg in shlex.split(value.strip())])
    if not commands:
        raise Failed(f"{name} 里没有 {'/'.join(keys)}")
    return commands


def env_file(path: Path = DEPLOY / "loudong.env.example") -> dict[str, str]:
    """The variables set (not commented out) in an EnvironmentFile."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def node_environment(node: int, data_dir: Path) -> dict[str, str]:
    """What systemd gives node `node`'s units: the env file with this machine's addresses."""
    values = env_file()
    overrides = {
        "LOUDONG_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": f"postgres://root@127.0.0.1:{PORT_PGBOUNCER}/{DATABASE}",
        "DATABASE_DIRECT_URL": f"{POSTGRES}/{DATABASE}",
        "LOUDONG_DATA_DIR": str(data_dir),
        "LOUDONG_PUBLIC_URL": PUBLIC_URL,
        "LOUDONG_HOSTS": HOST,
        "LOUDONG_BIND": f"127.0.0.1:{PORT_WEB[node - 1]}",
        "LOUDONG_WEB_WORKERS": "2",
        "LOUDONG_S3_BUCKET": BUCKET,
        "LOUDONG_S3_ENDPOINT_URL": f"http://127.0.0.1:{PORT_S3}",
        "LOUDONG_S3_ACCESS_KEY_ID": "smoke",
        "LOUDONG_S3_SECRET_ACCESS_KEY": "smoke-secret",
    }
    placeholders = [name for name, value in values.items() if "请替换" in value and name not in overrides]
    if placeholders:
        raise Failed(f"loudong.env.example 中这些“请替换”的值冒烟测试没有填：{', '.join(placeholders)}")
    home = data_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    base = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(home)}
    return {**base, **values, **overrides}


def pgbouncer_config(run_dir: Path) -> Path:
    """deploy/pgbouncer/pgbouncer.ini with this run's port, files and trust authentication."""
    config = configparser.ConfigParser(
        interpolation=None, comment_prefixes=(";", "#"), inline_comment_prefixes=None, delimiters=("=",)
    )
    config.optionxform = str  # database names keep their case
    if not config.read(DEPLOY / "pgbouncer" / "pgbouncer.ini"):
        raise Failed("找不到 deploy/pgbouncer/pgbouncer.ini")
    if config.get("pgbouncer", "pool_mode", fallback="") != "transaction":
        raise Failed("deploy/pgbouncer/pgbouncer.ini 应使用 pool_mode = transaction")
    users = run_dir / "userlist.txt"
    users.write_text('"root" ""\n')
    config["pgbouncer"].update(
        {
            "listen_addr": "127.0.0.1",
            "listen_port": str(PORT_PGBOUNCER),
            "unix_socket_dir": "",
            "logfile": str(run_dir / "pgbouncer.log"),
            "pidfile": str(run_dir / "pgbouncer.pid"),
            "auth_type": "trust",
            "auth_file": str(users),
        }
    )
    path = run_dir / "pgbouncer.ini"
    with open(path, "w") as handle:
        config.write(handle)
    return path


def nginx_site(upstreams: list[str], cert: Path, key: Path, http_port: int, https_port: int) -> str:
    """deploy/nginx/loudong.conf with this machine's ports, app servers, host name and certificate.
    Each replacement must find what it replaces: a changed site file fails here, not silently."""
    text = (DEPLOY / "nginx" / "loudong.conf").read_text()
    servers = re.compile(r"^(\s*)server \S+:\d+ ", flags=re.M)
    if len(servers.findall(text)) != len(upstreams):
        raise Failed(f"deploy/nginx/loudong.conf 的 upstream 应列出 {len(upstreams)} 台应用服务器")
    given = iter(upstreams)
    text = servers.sub(lambda m: f"{m[1]}server {next(given)} ", text)
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;\n", ""),
        ("server_name loudong.example.org;", f"server_name {HOST};"),
        ("/etc/loudong/tls/fullchain.pem", str(cert)),
        ("/etc/loudong/tls/privkey.pem", str(key)),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
    ):
        if old not in text:
            raise Failed(f"deploy/nginx/loudong.conf 中找不到 “{old.strip()}”")
        text = text.replace(old, new)
    return text


def nginx_main(run_dir: Path, site: str) -> Path:
    """A whole nginx.conf around the site, with every path of its own under run_dir; the access
    log names the app server (upstream) of each request."""
    (run_dir / "loudong.conf").write_text(site)
    path = run_dir / "nginx.conf"
    path.write_text(f"""worker_processes 1;
pid {run_dir}/nginx.pid;
error_log {run_dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format smoke '$request_method $uri $status $upstream_addr';
    access_log {run_dir}/access.log smoke;
    client_body_temp_path {run_dir}/client_body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;
    include {run_dir}/loudong.conf;
}}
""")
    return path


def self_signed(run_dir: Path) -> tuple[Path, Path]:
    cert, key = run_dir / "cert.pem", run_dir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


# Processes -------------------------------------------------------------------------------------


@dataclass
class Processes:
    """Every process this run started, each in its own process group, stopped in reverse order."""

    log_dir: Path
    running: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    oneshots: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(
        self, name: str, command: list[str], env: dict[str, str] | None = None, user: str = "", oneshot: bool = False
    ) -> subprocess.Popen:
        """A service (checked to stay up), or a oneshot command run alongside (waited for with finish)."""
        if user and os.geteuid() == 0:
            command = ["runuser", "-u", user, "--", *command]
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        (self.oneshots if oneshot else self.running).append((name, process))
        return process

    def finish(self, name: str, process: subprocess.Popen) -> None:
        if process.wait() != 0:
            raise Failed(f"{name} 失败（返回码 {process.returncode}）：\n{self.tail(name)}")

    def stop_one(self, name: str) -> None:
        """Stop one service as systemd would (SIGTERM, then wait), as for an upgrade."""
        ((_, process),) = [(n, p) for n, p in self.running if n == name]
        self.running.remove((name, process))
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)

    def check_alive(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise Failed(f"{name} 已退出（返回码 {process.returncode}）：\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 25) -> str:
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        everything = self.oneshots + self.running
        for _, process in reversed(everything):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name, process in reversed(everything):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} 30 秒内没有停止，强制结束", file=sys.stderr)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def run(command: list[str], env: dict[str, str] | None = None, what: str = "") -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Failed(f"{what or ' '.join(command)} 失败：\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout


def psql(sql: str, database: str = DATABASE) -> str:
    return run(["psql", f"{POSTGRES}/{database}", "-v", "ON_ERROR_STOP=1", "-tAc", sql]).strip()


def wait_for(what: str, check: object, processes: Processes, seconds: float = 90) -> object:
    deadline = time.monotonic() + seconds
    while True:
        processes.check_alive()
        try:
            result = check()
        except (OSError, http.client.HTTPException):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failed(f"{seconds:.0f} 秒内没有等到：{what}")
        time.sleep(0.5)


# HTTP -----------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One client with its cookies: through nginx over HTTPS, or straight to one app server as
    nginx would send it (X-Forwarded-Proto and X-Forwarded-For set)."""

    def __init__(self, cafile: Path) -> None:
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, fields: dict | None = None, files: dict | None = None, app: int = 0
    ) -> Answer:
        if app:
            connection = http.client.HTTPConnection("127.0.0.1", PORT_WEB[app - 1], timeout=60)
        else:
            connection = http.client.HTTPSConnection(HOST, PORT_HTTPS, timeout=60, context=self.context)
        headers = {"Host": f"{HOST}:{PORT_HTTPS}", "User-Agent": "loudong-smoke"}
        if app:
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            headers.update({"Origin": PUBLIC_URL, "Referer": PUBLIC_URL + path})
            body, headers["Content-Type"] = encode_form(fields or {}, files or {})
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer


def encode_form(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "smoke" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{one}\r\n'.encode())
    for name, (filename, content, kind) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class FormReader(html.parser.HTMLParser):
    """The fields of one form of a page: hidden values, and for each radio group its options."""

    def __init__(self, form_id: str = "") -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.action = ""
        self.values: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.select = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and (not self.form_id or a.get("id") == self.form_id):
            self.inside, self.action = True, a.get("action", "")
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.options.setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    self.values[name] = a.get("value", "")
            elif kind == "hidden":
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and a.get("value"):
            self.options.setdefault(self.select, []).append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = ""


def read_form(answer: Answer, form_id: str = "") -> FormReader:
    reader = FormReader(form_id)
    reader.feed(answer.text)
    if not reader.action and not reader.values:
        raise Failed(f"页面上没有表单（{answer.status}）：{answer.text[:300]}")
    return reader


def expect(answer: Answer, status: int, what: str) -> Answer:
    if answer.status != status:
        raise Failed(f"{what}：应返回 {status}，实际 {answer.status} {answer.location()} {answer.text[:400]}")
    return answer


def photo_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


# The run ---------------------------------------------------------------------------------------

SECRET_KEY = secrets.token_urlsafe(50)


def set_up(tmp: Path, processes: Processes) -> list[dict[str, str]]:
    step(f"PostgreSQL：重建数据库 {DATABASE}")
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", "postgres")
    psql(f"CREATE DATABASE {DATABASE}", "postgres")

    pgbouncer_dir = tmp / "pgbouncer"
    pgbouncer_dir.mkdir()
    ini = pgbouncer_config(pgbouncer_dir)
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(pgbouncer_dir, "nobody")
    step(f"PgBouncer（事务连接池）：127.0.0.1:{PORT_PGBOUNCER}")
    processes.start("pgbouncer", ["pgbouncer", str(ini)], user="nobody")

    step(f"对象存储（moto，S3 兼容）：127.0.0.1:{PORT_S3}，存储桶 {BUCKET}")
    processes.start("s3", [str(ROOT / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(PORT_S3)])
    wait_for("对象存储启动", lambda: http_status(f"http://127.0.0.1:{PORT_S3}/") == 200, processes, 30)
    s3_client().create_bucket(Bucket=BUCKET)

    nodes = [node_environment(n, tmp / f"node{n}") for n in (1, 2)]
    web_pre, web = unit_commands("loudong-web.service")
    (worker,) = unit_commands("loudong-worker.service", ("ExecStart",))
    step("两个节点：loudong-web 的 ExecStartPre（collectstatic），与迁移同时进行")
    static = [processes.start(f"node{n}-collectstatic", web_pre, env, oneshot=True) for n, env in enumerate(nodes, 1)]
    direct = {**nodes[0], "DATABASE_URL": nodes[0]["DATABASE_DIRECT_URL"]}
    loudong = str(ROOT / ".venv/bin/loudong")
    step("数据库迁移（直连 PostgreSQL）")
    run([loudong, "migrate", "--noinput", "-v0"], direct, "loudong migrate")
    step("建一个社区，导入名册（3 人，1 栋楼），授予社区管理员")
    run([loudong, "create_community", "--district", "石鼓区", "--subdistrict", "青山街道", "--name", "冒烟测试社区",
         "--code", COMMUNITY], nodes[0], "loudong create_community")  # fmt: skip
    roster = tmp / "名册.csv"
    roster.write_text(
        "姓名,性别,出生日期,联系电话,住址\n"
        "赵春兰,女,1956-04-18,13912345678,环城北路93号1单元302\n"
        "钱国庆,男,1949-10-01,13912345679,环城北路93号1单元401\n"
        "孙秀英,女,1962-03-08,13912345670,环城北路93号2单元101\n",
        encoding="utf-8",
    )
    summary = json.loads(
        run([loudong, "import_roster", str(roster), "--community", COMMUNITY, "--json"], nodes[0], "import_roster")
    )
    if summary["created"] != 3:
        raise Failed(f"名册应导入 3 人：{summary}")
    run([loudong, "grant_role", ADMIN, "--role", "admin", "--community", COMMUNITY, "--create", "--password",
         ADMIN_PASSWORD], nodes[0], "loudong grant_role")  # fmt: skip

    for n, env in enumerate(nodes, 1):
        processes.finish(f"node{n}-collectstatic", static[n - 1])
        step(f"节点 {n}：loudong-web（gunicorn，{env['LOUDONG_BIND']}）和 loudong-worker")
        processes.start(f"node{n}-web", web, env)
        processes.start(f"node{n}-worker", worker, env)

    nginx_dir = tmp / "nginx"
    nginx_dir.mkdir()
    nginx_dir.chmod(0o755)  # its worker process (nobody, when run as root) writes temporary files here
    cert, key = self_signed(nginx_dir)
    upstreams = [f"127.0.0.1:{port}" for port in PORT_WEB]
    conf = nginx_main(nginx_dir, nginx_site(upstreams, cert, key, PORT_HTTP, PORT_HTTPS))
    run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(nginx_dir)], what="nginx -t")
    step(f"nginx：https://{HOST}:{PORT_HTTPS}/ → {', '.join(upstreams)}")
    processes.start("nginx", ["nginx", "-c", str(conf), "-p", str(nginx_dir), "-g", "daemon off;"])
    for port in PORT_WEB:
        url = f"http://127.0.0.1:{port}/healthz"
        wait_for(f"应用服务器 {port} 启动", lambda url=url: http_status(url), processes)
    return nodes


def http_status(url: str) -> int:
    host, _, port = url.split("/")[2].partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", "/" + url.split("/", 3)[3], headers={"Host": HOST})
    status = connection.getresponse().status
    connection.close()
    return status


def s3_client():  # noqa: ANN201 - boto3's client class is made at run time
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{PORT_S3}",
        aws_access_key_id="smoke",
        aws_secret_access_key="smoke-secret",
        region_name="us-east-1",
    )


def served_by(access_log: Path, since: int) -> list[tuple[str, str, str]]:
    """(method, path, app server) of each request nginx logged after line `since`."""
    lines = access_log.read_text().splitlines()[since:]
    return [(m, p, upstream) for m, p, _, upstream in (line.split(" ", 3) for line in lines)]


def check(tmp: Path, processes: Processes, cert: Path) -> str:
    """The checks through nginx; the name of the photo the resident sent."""
    access_log = tmp / "nginx" / "access.log"
    browser = Browser(cert)

    step("检查：经 nginx 的 /healthz（数据库和后台进程心跳）")
    health = wait_for(
        "/healthz 返回 200",
        lambda: (a := browser.request("GET", "/healthz")).status == 200 and a,
        processes,
        60,
    )
    body = json.loads(health.body)
    if body.get("database") != "ok" or body.get("worker") != "ok":
        raise Failed(f"/healthz 内容不对：{body}")

    step("检查：http 跳转到 https，HSTS 只有一个（应用给的）")
    plain = http.client.HTTPConnection("127.0.0.1", PORT_HTTP, timeout=10)
    plain.request("GET", "/ask/", headers={"Host": HOST})
    redirect = plain.getresponse()
    if redirect.status != 301 or redirect.getheader("Location") != f"{PUBLIC_URL}/ask/":
        raise Failed(f"http 应 301 跳转到 {PUBLIC_URL}/ask/，实际 {redirect.status} {redirect.getheader('Location')}")
    login_page = expect(browser.request("GET", "/accounts/login/"), 200, "登录页")
    hsts = login_page.headers.get_all("Strict-Transport-Security") or []
    if len(hsts) != 1 or "max-age=" not in hsts[0]:
        raise Failed(f"HTTPS 的回应应有一个 Strict-Transport-Security 头，实际 {hsts}")

    step("检查：经 nginx 登录，两台应用服务器都认这个登录")
    form = read_form(login_page)
    fields = {**form.values, "username": ADMIN, "password": ADMIN_PASSWORD}
    logged_in = browser.request("POST", "/accounts/login/", fields=fields)
    if logged_in.status != 302 or "login" in logged_in.location():
        raise Failed(f"登录失败：{logged_in.status} {logged_in.location()} {logged_in.text[:300]}")
    community_page = f"/c/{COMMUNITY}/"
    for app in (1, 2):
        page = browser.request("GET", community_page, app=app)
        if page.status != 200 or "冒烟测试社区" not in page.text:
            raise Failed(f"应用服务器 {app} 不认经 nginx 的登录：{community_page} 返回 {page.status} {page.location()}")
    anonymous = Browser(cert)
    for app in (1, 2):
        if "login" not in anonymous.request("GET", community_page, app=app).location():
            raise Failed(f"应用服务器 {app} 对未登录的访问应跳转到登录页")

    step("检查：居民扫楼栋二维码，两屏填写（第二屏带照片，先漏填电话再补上），经 nginx 交替落在两台应用服务器")
    token = psql(f"SELECT public_token FROM registry_building WHERE community_id = "
                 f"(SELECT id FROM registry_community WHERE code = '{COMMUNITY}')")  # fmt: skip
    if not token or "\n" in token:
        raise Failed(f"名册应建了一栋楼，实际：{token!r}")
    text = "楼道灯坏了 冒烟测试 " + secrets.token_hex(4)
    resident = Browser(cert)
    since = len(access_log.read_text().splitlines())
    screen = expect(resident.request("GET", f"/ask/b/{token}/"), 200, "第一屏")
    started = time.monotonic()

    def details(f: FormReader, phone: str) -> dict[str, str]:
        return {"scope": "household", "description": text, "room": "302", "contact_name": "赵阿姨",
                "contact_phone": phone, "website": "",
                **({"stairwell": f.options["stairwell"][0]} if "stairwell" in f.options else {})}  # fmt: skip

    # Screen 1; screen 2 with the photo but no phone (refused: the photo is kept as a draft in the
    # bucket, its thumbnail shown by the other server); screen 2 again, with the phone.
    sends = [
        (1, lambda f: {"category": f.values.get("category") or f.options["category"][0],
                       "kind": f.values.get("kind") or f.options["kind"][0]}),
        (2, lambda f: details(f, "")),
        (2, lambda f: details(f, "13912345678")),
    ]  # fmt: skip
    for sent_number, (number, fields) in enumerate(sends, 1):
        form = read_form(screen, "place-form")
        if form.values.get("step") != str(number):
            raise Failed(f"应是第 {number} 屏，页面是：{screen.text[:300]}")
        files = {"new_photos": ("楼道.jpg", photo_jpeg(), "image/jpeg")} if sent_number == 2 else {}
        if sent_number == len(sends):  # the minimum fill time (LOUDONG_REQUEST_MIN_FILL_SECONDS, 3 s)
            time.sleep(max(0.0, 3.2 - (time.monotonic() - started)))
        sent = resident.request("POST", form.action, fields={**form.values, **fields(form)}, files=files)
        if sent_number < len(sends):
            expect(sent, 303, f"第 {number} 屏提交")
            screen = expect(resident.request("GET", sent.location()), 200, "第 2 屏")
            refused = "errorlist" in screen.text or "error" in screen.location()
            if refused != (sent_number == 2) or (refused and "家中的事要留电话" not in screen.text):
                raise Failed(f"第 {number} 屏的回答不对：{screen.text[:600]}")
            if sent_number == 2 and 'alt="照片 1"' not in screen.text:
                raise Failed(f"漏填电话后第 2 屏应仍有照片：{screen.text[:600]}")
    expect(sent, 302, "第 2 屏提交")
    receipt = sent.location()
    trail = served_by(access_log, since)
    flow = [(m, p, u) for m, p, u in trail if p.startswith("/ask/")]
    servers = {u for _, _, u in flow}
    if servers != {f"127.0.0.1:{port}" for port in PORT_WEB}:
        raise Failed(f"各屏应落在两台应用服务器上，实际：{flow}")
    for (m1, p1, u1), (m2, p2, u2) in zip(flow, flow[1:], strict=False):
        if u1 == u2:
            raise Failed(f"相邻两次请求应落在不同服务器：{m1} {p1} 与 {m2} {p2} 都在 {u1}")
    print("      " + "\n      ".join(f"{m:4} {p[:60]:60} → {u}" for m, p, u in flow), flush=True)

    step("检查：后台进程把这件诉求放成一件（只一件），照片在存储桶里")
    again = resident.request("POST", form.action, fields={**form.values, **sends[-1][1](form)})
    if again.status not in (200, 302, 303) or (again.status in (302, 303) and again.location() != receipt):
        raise Failed(f"同一页再提交一次应回到同一张回执：{again.status} {again.location()}")
    description = text.replace("'", "''")
    placed = wait_for(
        "后台进程放置这件诉求",
        lambda: psql(
            f"SELECT request_id FROM tickets_intake WHERE description = '{description}' AND request_id IS NOT NULL"
        ),  # fmt: skip
        processes,
        30,
    )
    time.sleep(2)  # both workers have run again meanwhile
    counts = psql(
        f"SELECT (SELECT count(*) FROM tickets_intake WHERE description = '{description}'), "
        f"(SELECT count(*) FROM tickets_request WHERE description = '{description}')"
    )
    if counts != "1|1":
        raise Failed(f"提交和诉求都应只有一件，实际（提交|诉求）：{counts}")
    photos = psql(f"SELECT image FROM tickets_requestphoto WHERE request_id = {placed}").splitlines()
    keys = {item["Key"] for item in s3_client().list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    if len(photos) != 1 or photos[0] not in keys:
        raise Failed(f"诉求应有一张照片，且在存储桶里：照片 {photos}，存储桶 {sorted(keys)}")
    if any(key.startswith("ask-drafts/") for key in keys):
        raise Failed(f"草稿照片应已删除：{sorted(keys)}")
    for node in (1, 2):
        media = tmp / f"node{node}" / "media"
        if media.exists() and any(media.rglob("*.jpg")):
            raise Failed(f"照片不应写到节点 {node} 的本地磁盘：{list(media.rglob('*.jpg'))}")
    number = psql(f"SELECT number FROM tickets_request WHERE id = {placed}")
    page = expect(resident.request("GET", receipt), 200, "回执页")
    if number not in page.text:
        raise Failed(f"回执页应显示诉求编号 {number}")
    step(f"诉求 {number} 已放置一次，照片 {photos[0]} 在存储桶 {BUCKET}")
    return photos[0]


def backup(tmp: Path, env: dict[str, str], photo: str) -> None:
    """loudong-backup.service's ExecStart, into a folder of this run: the archive is checked by the
    unit itself (restore --check) and holds the photo from the bucket."""
    folder = tmp / "backups"
    folder.mkdir()
    (command,) = unit_commands("loudong-backup.service", ("ExecStart",), {"/var/lib/loudong-backups": str(folder)})
    step("备份：loudong-backup.service 的 ExecStart（pg_dump 直连 PostgreSQL，存储桶里的文件，随即校验）")
    run(command, env, "loudong-backup.service")
    archives = list(folder.glob("loudong-*.tar.gz"))
    if len(archives) != 1:
        raise Failed(f"备份目录里应有一个备份文件：{archives}")
    with tarfile.open(archives[0]) as archive:
        names = archive.getnames()
    if f"media/{photo}" not in names:
        raise Failed(f"备份里应有诉求的照片 media/{photo}：{names}")
    step(f"备份 {archives[0].name}（{archives[0].stat().st_size / 1e6:.1f} MB）已校验，含照片")


def one_server_down(processes: Processes, cert: Path) -> None:
    """Node 1's web server stopped (as during an upgrade): nginx sends every request to node 2."""
    step("检查：停掉节点 1 的 loudong-web（如升级时），经 nginx 的请求都由节点 2 回答")
    processes.stop_one("node1-web")
    browser = Browser(cert)
    for _ in range(4):
        expect(browser.request("GET", "/healthz"), 200, "一台应用服务器停止时经 nginx 的 /healthz")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="loudong-smoke-"))
    tmp.chmod(0o755)
    logs = tmp / "logs"
    logs.mkdir()
    processes = Processes(logs)
    ok = False
    try:
        nodes = set_up(tmp, processes)
        photo = check(tmp, processes, tmp / "nginx" / "cert.pem")
        backup(tmp, nodes[0], photo)
        one_server_down(processes, tmp / "nginx" / "cert.pem")
        processes.check_alive()
        ok = True
    except Failed as error:
        print(f"\n冒烟测试失败：{error}", file=sys.stderr)
        for name, _ in processes.running:
            print(f"\n--- {name} 的日志（最后几行）---\n{processes.tail(name)}", file=sys.stderr)
    finally:
        step("停止所有进程")
        processes.stop()
        try:
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", "postgres")
        except Failed as error:
            print(error, file=sys.stderr)
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"日志保留在 {tmp}", file=sys.stderr)
    if ok:
        step("冒烟测试通过")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
