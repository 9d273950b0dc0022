"""长辈版 and tap targets measured in Debian's chromium on the demo: each role's main pages at 390 px and
320 px wide. In elder mode: body text 22 px, nothing under 18 px, headings 28 px, line height 1.5,
controls 60 px tall, text contrast 7:1, one column, nothing wider than the screen. In the standard mode:
every button, button-styled link and top-bar link at least 44 × 44 px."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from helpers.browser import log_in, log_out
from helpers.sizes import elder_shortfalls, small_targets
from playwright.sync_api import Page, expect

from loudong.demo.logins import DEMO_PASSWORD
from loudong.registry.models import Building, Stairwell
from loudong.tickets.models import Request

pytestmark = pytest.mark.browser

WIDTHS = (390, 320)
CODE = "xihu-xincun"


def main_pages() -> dict[str | None, list[str]]:
    """Each demo role's main pages (None: a resident without an account, from a QR code)."""
    building = Building.objects.filter(community__code=CODE).order_by("pk").first()
    resolved = Request.objects.filter(community__code=CODE, status=Request.Status.RESOLVED).order_by("pk").first()
    home = reverse("community", args=[CODE])

    def url(name: str) -> str:
        return reverse(name, args=[CODE])

    return {
        None: [
            reverse("login"),
            reverse("ask:building", args=[building.public_token]),
            reverse("ask:track", args=[resolved.tracking_token]),
        ],
        "demo-resident": [home],
        "demo-volunteer": [home, url("tickets:mine"), url("outreach:mine"), url("hours:mine")],
        "demo-leader": [home, f"{home}?all=1", url("tickets:queue"), url("meetings:list")],
        "demo-admin": [home, url("registry:residents"), url("tickets:queue")],
        "demo-overseer": [reverse("overview")],
    }


def with_mode(url: str, elder: bool) -> str:
    return f"{url}{'&' if '?' in url else '?'}elder={int(elder)}"


def measure(page: Page, base: str, url: str, elder: bool) -> list[str]:
    """What falls short on one page at each width, each line naming the page, the width and the mode."""
    page.goto(base + with_mode(url, elder))
    return shortfalls(page, url, elder)


def shortfalls(page: Page, where: str, elder: bool) -> list[str]:
    """What falls short on the page as it is, at each width (left at the last one)."""
    mode = "elder" if elder else "standard"
    expect(page.locator("html")).to_have_class("elder" if elder else "")
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        problems = elder_shortfalls(page) if elder else small_targets(page)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            problems.append("wider than the screen")
        found += [f"{where} {width}px {mode}: {problem}" for problem in dict.fromkeys(problems)]
    return found


@pytest.mark.django_db(transaction=True)
def test_every_roles_main_pages_meet_the_elder_sizes_and_the_standard_tap_targets_at_390_and_320_px(
    live_server, page: Page
):
    call_command("demo", verbosity=0)
    base = live_server.url
    found, measured = [], 0
    for username, urls in main_pages().items():
        if username:
            log_in(page, base, username, DEMO_PASSWORD)
        for url in urls:
            for elder in (True, False):
                found += measure(page, base, url, elder)
                measured += 1
        if username:
            page.set_viewport_size({"width": 390, "height": 800})
            log_out(page)
    assert measured == 2 * sum(len(urls) for urls in main_pages().values())
    assert found == []


def test_the_residents_form_screens_and_receipt_meet_the_sizes_at_390_and_320_px(
    live_server, page: Page, world, settings
):
    settings.REQUEST_MIN_FILL_SECONDS = 0  # faster than a person
    Stairwell.objects.create(community=world.community, building=world.building, name="2单元")  # offered on screen 2
    code = f"{live_server.url}{reverse('ask:building', args=[world.building.public_token])}"
    found = []
    for elder in (True, False):
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        page.goto(with_mode(code, elder))
        page.get_by_text("困难需求", exact=True).click()
        page.get_by_role("button", name="下一步").click()
        found += shortfalls(page, "screen 2", elder)
        page.get_by_role("button", name="提交").click()  # nothing typed: the errors on screen 2
        expect(page.locator(".errorlist").first).to_be_visible()
        found += shortfalls(page, "screen 2 refused", elder)
        page.get_by_label("请写一写需要什么帮助").fill("想请人陪我去医院复查")
        page.get_by_label("怎么称呼您").fill("王阿姨")
        page.get_by_label("手机或电话").fill("13512345678")
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
        found += shortfalls(page, "receipt", elder)
    assert found == []


@pytest.mark.django_db(transaction=True)
def test_the_top_bar_switch_turns_elder_mode_on_and_off_and_the_browser_keeps_it(live_server, page: Page, world):
    base = live_server.url
    page.goto(f"{base}/accounts/login/?next=/c/xihu/")
    html = page.locator("html")
    expect(html).not_to_have_class("elder")
    page.get_by_role("button", name="长辈版").click()
    expect(html).to_have_class("elder")
    assert page.url == f"{base}/accounts/login/?next=%2Fc%2Fxihu%2F"  # the same page
    # elder.css is the new page's stylesheet: the class is there as soon as the page is parsed, the
    # size once the stylesheet has loaded, which the load event waits for.
    page.wait_for_load_state("load")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    assert {c["name"]: c["value"] for c in page.context.cookies()}["elder"] == "1"

    log_in(page, base, "volunteer")  # a new page, still in elder mode, and now on the account too
    expect(html).to_have_class("elder")
    expect(page.locator(".elder-tile").first).to_contain_text("我的接单")
    page.get_by_role("button", name="标准版").click()
    expect(html).not_to_have_class("elder")
    expect(page.locator("#menu")).to_be_visible()
