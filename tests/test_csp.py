"""The Content-Security-Policy (django-csp): scripts come only from our own static files, never inline,
from an on...= attribute or eval; every HTML page carries the header, and the pages that had inline
code (the dashboard's charts, the photo count, print, confirm, back) still work in a real browser
without a single violation."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import test_crawl
from django.urls import reverse
from django.utils import timezone
from helpers.browser import log_in, log_out
from helpers.group_life import activity
from helpers.stats_history import build_history
from PIL import Image
from playwright.sync_api import Page, expect
from test_crawl import Crawl, demo, public_starts  # noqa: F401 (demo: the crawl's fixture)

from loudong.accounts.models import User
from loudong.community_life.activities.actions import record_attendance
from loudong.community_life.activities.models import Activity, Attendance
from loudong.community_life.meetings.models import Meeting
from loudong.tickets.models import Request

ROOT = Path(__file__).resolve().parent.parent
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'", "'unsafe-inline'"},
    "img-src": {"'self'", "data:", "blob:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def policy_of(response) -> dict[str, set[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(values) for name, *values in directives}


class InlineCode(HTMLParser):
    """Script a page would run that is not a file of ours: inline <script>, on...= attributes,
    javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.found.append(f"<script> without src: {attrs}")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")


def inline_code(html: str) -> list[str]:
    reader = InlineCode()
    reader.feed(html)
    return reader.found


# -- the policy and the sources ------------------------------------------------------------------------


def test_the_policy_allows_scripts_from_our_own_files_only(client, world):
    response = client.get(reverse("login"))
    assert policy_of(response) == POLICY
    scripts = policy_of(response)["script-src"]
    assert not scripts & {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"}


def test_no_template_or_python_file_holds_inline_script_a_handler_or_a_javascript_link():
    found = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("loudong/**/*.html"), *ROOT.glob("loudong/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            # Python writes HTML in strings; only lines that hold a tag are read.
            text = "\n".join(line for line in text.splitlines() if "<" in line and ">" in line)
        for pattern in (SCRIPT_TAG, INLINE_HANDLER, re.compile("javascript:", re.IGNORECASE)):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []


def test_htmx_injects_no_style_and_evaluates_nothing(world, login):
    html = login(world.admin).get(reverse("community", args=["xihu"])).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config and '"includeIndicatorStyles": false' in config.group(1) and '"allowEval": false' in config.group(1)
    # No page asks htmx for what it would need eval for.
    for path in ROOT.glob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"hx-on|hx-vals=['\"]js:|hx-vars|hx-trigger=\"[^\"]*\[", text), path


def test_error_and_refusal_pages_carry_the_header_too(world, login):
    client = login(world.admin)
    responses = [
        client.get("/c/xihu/no-such-page/"),  # 404
        client.get(reverse("community", args=["other"])),  # another community's page: not found
        client.get(reverse("registry:residents", args=["xihu"]), {"q": "刘\x00"}),  # NUL refused
    ]
    for response in responses:
        assert response.status_code >= 400
        assert policy_of(response) == POLICY


@pytest.mark.django_db
def test_every_html_page_of_the_demo_carries_the_policy_and_no_inline_code(demo, monkeypatch):  # noqa: F811
    """The crawl of test_crawl (each demo login and the public pages, following links and hx-gets),
    reading every HTML answer it gets, redirects and fragments included."""
    monkeypatch.setattr(test_crawl, "PAGES_PER_ROLE", 150)
    problems: list[str] = []
    pages = 0

    class Reading(Crawl):
        def get(self, url: str, htmx: bool):
            nonlocal pages
            response = super().get(url, htmx)
            if response.get("Content-Type", "").startswith("text/html"):
                pages += 1
                if response.get("Content-Security-Policy") is None or policy_of(response) != POLICY:
                    problems.append(f"{url}: {response.get('Content-Security-Policy')}")
                problems.extend(f"{url}: {found}" for found in inline_code(response.content.decode()))
            return response

    from django.test import Client

    for username in (None, "demo-admin", "demo-leader", "demo-volunteer", "demo-overseer"):
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))
        Reading(client).run(["/"] if username else public_starts())
    assert pages >= 300
    assert problems == []


# -- in a real browser ---------------------------------------------------------------------------------

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


def photo_file(tmp_path) -> str:
    path = tmp_path / "楼道.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (150, 120, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.browser
def test_the_pages_that_had_inline_code_work_in_chromium_without_a_violation(
    live_server, page: Page, world, settings, tmp_path
):
    settings.REQUEST_MIN_FILL_SECONDS = 0  # faster than a person; test_request_public tests the minimum
    settings.MEDIA_ROOT = tmp_path / "media"
    build_history(world)
    meeting = Meeting.objects.create(
        community=world.community, group=world.group, title="楼道堆物清理", held_at=timezone.now()
    )
    cleanup = activity(world, 10, Activity.Type.CLEANUP, "清洁家园", world.group)
    record_attendance(cleanup, how=Attendance.How.TICKED, resident=world.liu)
    record_attendance(cleanup, how=Attendance.How.TICKED, name="李四", building=world.building)

    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH_CSP)
    base = live_server.url
    visited: list[str] = []

    def clean(where: str) -> None:
        visited.append(where)
        assert page.evaluate("window.__csp") == [], where

    # A resident's two screens: the photo count (once an inline script) still counts.
    page.goto(f"{base}{reverse('ask:building', args=[world.building.public_token])}")
    clean("public form, screen 1")
    page.get_by_text("环境卫生", exact=True).click()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
    page.locator("input[type=file]").set_input_files(photo_file(tmp_path))
    expect(page.locator("#photo-count")).to_have_text("已选 1 张")
    clean("public form, screen 2")
    page.get_by_label("请写一写需要什么帮助").fill("楼道里堆满了纸箱和旧家具，走路都困难")
    page.get_by_label("怎么称呼您").fill("王阿姨")
    page.get_by_label("手机或电话").fill("135 1234 5678")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
    clean("receipt")
    token = Request.objects.filter(contact_name="王阿姨").values_list("tracking_token", flat=True).get()
    page.goto(f"{base}{reverse('ask:track', args=[token])}")
    expect(page.get_by_role("heading", name="办理进度")).to_be_visible()
    clean("tracking page")

    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/requests/")
    expect(page.locator("main")).to_contain_text("楼道里堆满了纸箱")
    clean("leader's queue")

    log_out(page)
    log_in(page, base, "admin")
    page.goto(f"{base}/c/xihu/stats/?from=2026-11-01&to=2026-11-30")
    # The charts are drawn from the page's JSON by static/js/dashboard.js (ECharts' SVG renderer).
    expect(page.locator("#chart-weekly svg")).to_have_count(1)
    expect(page.locator("#chart-monthly svg")).to_have_count(1)
    expect(page.locator("#chart-activities svg")).to_have_count(1)
    clean("dashboard")

    page.goto(f"{base}{reverse('meetings:print', args=['xihu', meeting.pk])}")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    clean("meeting minutes to print")

    page.goto(f"{base}{reverse('activities:attendance', args=['xihu', cleanup.pk])}")
    questions: list[str] = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, accept=False))
    row = page.locator(".person", has_text="李四")
    row.get_by_role("button", name="删去").click()
    expect(page.get_by_role("heading", name="已签到 2 人")).to_be_visible()  # dismissed: nothing removed
    page.once("dialog", lambda d: answer(d, accept=True))
    row.get_by_role("button", name="删去").click()
    expect(page.get_by_role("heading", name="已签到 1 人")).to_be_visible()
    assert questions == ["删去李四的签到？", "删去李四的签到？"]
    assert Attendance.objects.filter(activity=cleanup).count() == 1
    clean("activity attendance")

    page.goto(f"{base}{reverse('community', args=['xihu'])}")
    clean("community home (htmx loaded)")
    assert page.evaluate("window.htmx.config.allowEval") is False
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    htmx_style = "[...document.querySelectorAll('style')].some(s => s.textContent.includes('htmx-indicator'))"
    assert page.evaluate(htmx_style) is False
    assert console == []
    assert len(visited) == 9


@pytest.mark.browser
def test_an_inline_script_would_be_blocked(live_server, page: Page, world):
    """The watch above sees violations: a script added inline is refused and reported."""
    page.add_init_script(WATCH_CSP)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
        document.body.appendChild(s); }"""
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert "script-src" in page.evaluate("window.__csp")[0]
