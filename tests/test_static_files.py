"""Static files as a phone meets them: hashed names, compressed, cached for a year, and light pages.

The suite itself serves static files from the source folders (tests/conftest.py: compressing them all
takes a minute of CPU); this test runs the production set-up end to end: `loudong collectstatic` into a
fresh folder, gunicorn with config/gunicorn.py on the test database, and chromium at 390 px counting the
bytes each page transfers on a cold cache (compressed as chromium asked: it takes brotli from secure
origins, 127.0.0.1 among them, and gzip from others).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import PASSWORD
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.urls import reverse
from helpers.browser import PHONE_WIDTH, log_in
from helpers.worker import database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VENV = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_server(tmp_path, world):
    if connection.vendor != "sqlite":
        pytest.skip("static files do not depend on the database: checked once, in the SQLite run")
    # The server hashes passwords with Argon2 (the suite uses a fast hasher).
    world.admin.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    world.admin.save(update_fields=["password"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LOUDONG_DATA_DIR": str(tmp_path),
        "LOUDONG_BIND": f"127.0.0.1:{port}",
        "LOUDONG_WEB_WORKERS": "1",
    }
    env.pop("LOUDONG_DEBUG", None)
    subprocess.run([VENV / "loudong", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [VENV / "gunicorn", "-c", str(ROOT / "config" / "gunicorn.py"), "--access-logfile", "/dev/null",
         "config.wsgi"], env=env, cwd=ROOT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def transferred(page, url: str) -> dict[str, int]:
    """{url: bytes on the wire (body as sent, compressed or not)} of everything loading url fetched."""
    sizes: dict[str, int] = {}

    def count(request) -> None:
        sizes[request.url] = request.sizes()["responseBodySize"]

    page.on("requestfinished", count)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", count)
    return sizes


def test_resident_page_and_dashboard_are_light_on_a_cold_cache(production_server, browser, world):
    base = production_server
    phone = {"viewport": {"width": PHONE_WIDTH, "height": 800}}

    resident = browser.new_context(**phone).new_page()
    building = world.building
    form = reverse("ask:building", args=[getattr(building, "public_token", None) or building.pk])
    sizes = transferred(resident, base + form)
    assert resident.get_by_role("heading").first.is_visible()
    assert not [u for u in sizes if "htmx" in u], "the resident's form needs no htmx"
    print(f"\nresident's form page: {sum(sizes.values()) / 1024:.1f} KB in {len(sizes)} files")
    assert sum(sizes.values()) <= 30 * 1024, sizes

    staff = browser.new_context(**phone).new_page()
    log_in(staff, base, "admin")
    sizes = transferred(staff, f"{base}/c/{world.community.code}/stats/")
    scripts = {u: n for u, n in sizes.items() if u.endswith(".js")}
    print(f"dashboard's scripts: {sum(scripts.values()) / 1024:.1f} KB ({len(scripts)} files)")
    assert any("echarts" in u for u in scripts) and sum(scripts.values()) <= 350 * 1024, scripts
    assert staff.evaluate("typeof window.echarts") == "object"

    css = next(u for u in sizes if u.endswith(".css"))
    assert "/static/css/loudong." in css and css.count(".") >= 3, "hashed name"
    with urllib.request.urlopen(urllib.request.Request(css, headers={"Accept-Encoding": "br"})) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=315360000" in response.headers["Cache-Control"]
