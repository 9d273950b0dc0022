"""The deployment files in deploy/: the systemd units pass `systemd-analyze verify` with no warning
(their hardening drop-in included); the env file example lists every setting the code reads and the
production checks pass with it; the nginx site passes `nginx -t`, and run in front of two app
servers it sets the proxy headers exactly as the app reads them, alternates between the servers and
redirects plain http. deploy/smoke, which runs all of it together, is run by .ci/run."""

import http.client
import http.server
import importlib.util
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

from loudong.lib.clients import client_ip

ROOT = Path(__file__).resolve().parent.parent
SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = ["loudong-web.service", "loudong-worker.service", "loudong-backup.service", "loudong-backup.timer"]
# This test's own ports (deploy/smoke uses others of 18400-18499).
HTTP_PORT, HTTPS_PORT, APP_PORTS = 18451, 18452, (18453, 18454)


def load_smoke():
    spec = importlib.util.spec_from_file_location("deploy_smoke", ROOT / "deploy" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


smoke = load_smoke()


def installed_units(tmp_path: Path) -> Path:
    """deploy/systemd/ as installed, with /opt/loudong being this checkout (so the ExecStart
    programs exist, as systemd-analyze requires)."""
    target = tmp_path / "units"
    shutil.copytree(SYSTEMD, target)
    for path in target.rglob("*"):
        if path.is_file():
            text = path.read_text()
            text = text.replace("/opt/loudong/.venv", sys.prefix).replace("/opt/loudong", str(ROOT))
            path.write_text(text)
    return target


def verify(units: Path) -> subprocess.CompletedProcess:
    # The trailing colon keeps systemd's own directories on the path (timers.target, network-online.target).
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"}
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *UNITS], env=env, capture_output=True, text=True, cwd=units
    )


def test_units_pass_systemd_analyze_verify_without_a_warning(tmp_path):
    result = verify(installed_units(tmp_path))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_hardening_drop_in_is_read_for_every_service(tmp_path):
    """A drop-in named loudong-.service.d applies to every loudong-*.service: a wrong key in it is
    reported once for each of the three services."""
    units = installed_units(tmp_path)
    with open(units / "loudong-.service.d" / "hardening.conf", "a") as handle:
        handle.write("ProtectSistem=strict\n")
    result = verify(units)
    assert (result.stdout + result.stderr).count("Unknown key 'ProtectSistem'") >= 3


def test_a_missing_program_fails_the_check(tmp_path):
    units = installed_units(tmp_path)
    web = units / "loudong-web.service"
    web.write_text(web.read_text().replace("bin/gunicorn", "bin/gunicorn-missing"))
    result = verify(units)
    assert result.returncode != 0
    assert "gunicorn-missing is not executable" in result.stdout + result.stderr


def unit_settings(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (SYSTEMD / name).read_text().replace("\\\n", " ").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_every_service_runs_as_loudong_with_the_env_file_and_the_hardening():
    hardening = unit_settings("loudong-.service.d/hardening.conf")
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert hardening[key] == [value]
    for name in UNITS[:3]:
        unit = unit_settings(name)
        assert unit["User"] == ["loudong"]
        assert unit["EnvironmentFile"] == ["/etc/loudong/loudong.env"]
        assert unit["WorkingDirectory"] == ["/opt/loudong"]
        # ProtectSystem=strict: the data dir (LOUDONG_DATA_DIR in the example) is the state directory.
        assert "loudong" in unit["StateDirectory"][0].split()
    assert smoke.env_file()["LOUDONG_DATA_DIR"] == "/var/lib/loudong"
    assert unit_settings("loudong-worker.service")["Restart"] == ["always"]
    assert unit_settings("loudong-backup.timer")["OnCalendar"] == ["*-*-* 02:30:00 Asia/Shanghai"]


def test_the_units_run_the_documented_commands():
    web_pre, web = smoke.unit_commands("loudong-web.service")
    assert web_pre == [f"{ROOT}/.venv/bin/loudong", "collectstatic", "--noinput", "-v0"]
    assert web == [f"{ROOT}/.venv/bin/gunicorn", "-c", f"{ROOT}/config/gunicorn.py", "config.wsgi"]
    assert smoke.unit_commands("loudong-worker.service", ("ExecStart",)) == [[f"{ROOT}/.venv/bin/loudong", "worker"]]
    (backup,) = smoke.unit_commands("loudong-backup.service", ("ExecStart",))
    assert backup[:2] == ["/bin/sh", "-ec"]
    assert ".venv/bin/loudong backup -o" in backup[2] and ".venv/bin/loudong restore --check" in backup[2]


def settings_read_by_the_code() -> set[str]:
    pattern = re.compile(r"""environ(?:\.get)?\s*[(\[]\s*["']([A-Z][A-Z0-9_]+)["']|getenv\(\s*["']([A-Z][A-Z0-9_]+)""")
    names = set()
    for path in [*(ROOT / "config").glob("*.py"), *(ROOT / "loudong").rglob("*.py")]:
        for match in pattern.finditer(path.read_text()):
            names.add(match[1] or match[2])
    return names - {"DJANGO_SETTINGS_MODULE"}


def settings_in_the_example() -> set[str]:
    text = (ROOT / "deploy" / "loudong.env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, flags=re.M))


def test_the_env_file_example_lists_every_setting_and_no_other():
    read = settings_read_by_the_code()
    listed = settings_in_the_example()
    assert {"LOUDONG_SECRET_KEY", "DATABASE_URL", "LOUDONG_PROXY_HOPS", "LOUDONG_BIND"} <= read
    assert sorted(read - listed) == [], "add these to deploy/loudong.env.example"
    assert sorted(listed - read) == [], "deploy/loudong.env.example names settings no code reads"


def test_the_env_file_example_passes_the_production_checks(tmp_path):
    """`loudong check --deploy` answers no issues with the example's values (secret filled in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOUDONG_", "DATABASE_", "DJANGO_"))}
    example = smoke.env_file()
    example.update(LOUDONG_SECRET_KEY=smoke.SECRET_KEY, LOUDONG_DATA_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "loudong"), "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, **example},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# nginx -------------------------------------------------------------------------------------------


def site_files(tmp_path: Path, upstreams: list[str]) -> tuple[Path, Path]:
    run_dir = tmp_path / "nginx"
    run_dir.mkdir()
    run_dir.chmod(0o755)
    tmp_path.chmod(0o755)  # nginx's worker (nobody, under root) reaches its temporary files
    cert, key = smoke.self_signed(run_dir)
    site = smoke.nginx_site(upstreams, cert, key, HTTP_PORT, HTTPS_PORT)
    return smoke.nginx_main(run_dir, site), cert


def test_the_nginx_site_passes_nginx_t(tmp_path):
    conf, _ = site_files(tmp_path, ["10.0.0.11:8000", "10.0.0.12:8000"])
    result = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(conf.parent)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_site_allows_the_largest_upload_the_app_takes_and_says_its_limit():
    from django.conf import settings

    from loudong.policy.forms import MAX_DOCUMENT_BYTES
    from loudong.registry.roster.views import MAX_UPLOAD_MB
    from loudong.tickets import forms_staff

    text = (ROOT / "deploy" / "nginx" / "loudong.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", text)[1])
    largest = max(
        MAX_UPLOAD_MB << 20,
        MAX_DOCUMENT_BYTES,
        forms_staff.MAX_PHOTOS * forms_staff.MAX_PHOTO_BYTES,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )
    assert limit << 20 >= largest
    assert f"一次最多 {limit} MB" in text
    assert "Strict-Transport-Security" not in text.replace("# ", "")  # the app's HSTS, none of nginx's


class Echo(http.server.BaseHTTPRequestHandler):
    """An app server that answers with the headers it was sent and its own port."""

    def do_GET(self):
        body = json.dumps({"port": self.server.server_address[1], "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def nginx_in_front(tmp_path):
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", port), Echo) for port in APP_PORTS]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    conf, cert = site_files(tmp_path, [f"127.0.0.1:{port}" for port in APP_PORTS])
    nginx = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(conf.parent), "-g", "daemon off;"], stderr=subprocess.PIPE
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=1).request("HEAD", "/")
                break
            except OSError:
                assert nginx.poll() is None, nginx.stderr.read().decode()
                time.sleep(0.05)
        yield ssl.create_default_context(cafile=str(cert))
    finally:
        nginx.terminate()
        nginx.wait(10)
        for server in servers:
            server.shutdown()
            server.server_close()


def through_nginx(context, path="/", headers=None):
    connection = http.client.HTTPSConnection(smoke.HOST, HTTPS_PORT, context=context, timeout=10)
    connection.request("GET", path, headers={"Host": smoke.HOST, **(headers or {})})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer


def test_nginx_sets_the_proxy_headers_exactly_as_the_app_reads_them(nginx_in_front):
    """The client's own X-Forwarded-Proto is replaced and its X-Forwarded-For kept on the left: with
    LOUDONG_PROXY_HOPS=1 the app sees https and the address nginx was reached from, not the forgery."""
    sent = through_nginx(nginx_in_front, headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "6.6.6.6"})
    headers = sent["headers"]
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Forwarded-For"] == "6.6.6.6, 127.0.0.1"
    assert headers["Host"] == smoke.HOST
    meta = {"HTTP_X_FORWARDED_PROTO": headers["X-Forwarded-Proto"], "HTTP_X_FORWARDED_FOR": headers["X-Forwarded-For"]}
    with override_settings(PROXY_HOPS=1, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **meta)
        assert (client_ip(request), request.is_secure()) == ("127.0.0.1", True)


def test_nginx_alternates_between_the_app_servers(nginx_in_front):
    ports = [through_nginx(nginx_in_front)["port"] for _ in range(4)]
    assert sorted(ports[:2]) == list(APP_PORTS)
    assert ports[2:] == ports[:2]


def test_nginx_redirects_plain_http_to_https(nginx_in_front):
    connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    connection.request("GET", "/ask/b/x/?a=1", headers={"Host": smoke.HOST})
    answer = connection.getresponse()
    assert (answer.status, answer.getheader("Location")) == (301, f"https://{smoke.HOST}:{HTTPS_PORT}/ask/b/x/?a=1")


def test_nginx_answers_in_chinese_when_every_app_server_is_down(tmp_path):
    conf, cert = site_files(tmp_path, [f"127.0.0.1:{port}" for port in APP_PORTS])  # nothing listens there
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(conf.parent), "-g", "daemon off;"])
    try:
        context = ssl.create_default_context(cafile=str(cert))
        for _ in range(100):
            try:
                connection = http.client.HTTPSConnection(smoke.HOST, HTTPS_PORT, context=context, timeout=10)
                connection.request("GET", "/", headers={"Host": smoke.HOST})
                answer = connection.getresponse()
                break
            except OSError:
                time.sleep(0.05)
        assert answer.status == 503
        assert "平台正在升级或暂时繁忙" in answer.read().decode()
    finally:
        nginx.terminate()
        nginx.wait(10)
