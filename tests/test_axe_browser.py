"""axe-core (bundled by the axe-playwright-python package) finds no violation, of any impact, on each
role's main pages, in the standard mode and in 长辈版, in Debian's chromium at 390 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from helpers.browser import log_in, log_out
from playwright.sync_api import Page

from loudong.tickets import actions

pytestmark = pytest.mark.browser

AXE = Axe()


def violations(page: Page, url: str) -> list[str]:
    found = []
    for elder in (False, True):
        page.goto(f"{url}{'&' if '?' in url else '?'}elder={int(elder)}")
        for rule in AXE.run(page).response["violations"]:
            nodes = "; ".join(" ".join(node["target"]) for node in rule["nodes"][:3])
            found.append(f"{url} {'elder' if elder else 'standard'}: {rule['id']} ({rule['impact']}) at {nodes}")
    return found


def test_no_main_page_of_any_role_has_an_axe_violation_in_either_mode(world, live_server, page: Page):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="三楼楼道灯不亮",
        contact_phone="13512345678",
    )
    home = reverse("community", args=["xihu"])
    pages = {
        None: [reverse("login"), reverse("ask:building", args=[world.building.public_token]),
               reverse("ask:track", args=[req.tracking_token]), reverse("feedback_new")],
        "resident": [home],
        "volunteer": [home, reverse("tickets:mine", args=["xihu"])],
        "leader": [home, f"{home}?all=1", reverse("tickets:queue", args=["xihu"])],
        "admin": [home, reverse("feedback_queue", args=["xihu"])],
    }  # fmt: skip
    base, found = live_server.url, []
    for username, urls in pages.items():
        if username:
            log_in(page, base, username)
        for url in urls:
            found += violations(page, base + url)
        if username:
            log_out(page)
    assert found == []
