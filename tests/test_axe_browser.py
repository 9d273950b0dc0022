"""axe-core (bundled by the axe-playwright-python package) finds no violation, of any impact, on each
role's main pages (the resident's: the form's two screens and the receipt too) and on every other page
a role opens without posting (lists, forms and records of each domain; not htmx fragments or
downloads), in the standard mode and in 长辈版, in Debian's chromium at 390 px and 320 px (one page,
resized: the logins are kept)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from helpers.browser import log_in, log_out
from playwright.sync_api import Page, expect

from loudong.registry.models import Stairwell
from loudong.tickets import actions

pytestmark = pytest.mark.browser

AXE = Axe()
WIDTHS = (390, 320)


def checked(page: Page, where: str) -> list[str]:
    """axe-core on the page as it is, at each width (left at 390 px)."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for rule in AXE.run(page).response["violations"]:
            nodes = "; ".join(" ".join(node["target"]) for node in rule["nodes"][:3])
            found.append(f"{where} {width}px: {rule['id']} ({rule['impact']}) at {nodes}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    return found


def violations(page: Page, url: str) -> list[str]:
    found = []
    for elder in (False, True):
        page.goto(f"{url}{'&' if '?' in url else '?'}elder={int(elder)}")
        found += checked(page, f"{url} {'elder' if elder else 'standard'}")
    return found


def pages_violations(page: Page, base: str, pages: dict[str | None, list[str]]) -> list[str]:
    """Each role's pages (None: without logging in), in both modes."""
    found = []
    for username, urls in pages.items():
        if username:
            log_in(page, base, username)
        for url in urls:
            found += violations(page, base + url)
        if username:
            log_out(page)
    return found


def stairwell_light(world: object) -> object:
    """A shared-place request of the fixture's building, for its tracking and staff pages."""
    return actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="三楼楼道灯不亮",
        contact_phone="13512345678",
    )


def form_violations(page: Page, url: str) -> list[str]:
    """The resident's form from the building's code to the receipt, in each mode."""
    found = []
    for elder in (False, True):
        mode = "elder" if elder else "standard"
        page.goto(f"{url}?elder={int(elder)}")
        page.get_by_text("困难需求", exact=True).click()
        page.get_by_role("button", name="下一步").click()
        expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
        found += checked(page, f"screen 2 {mode}")
        page.get_by_role("button", name="提交").click()  # nothing typed: the errors on screen 2
        expect(page.locator(".errorlist").first).to_be_visible()
        found += checked(page, f"screen 2 refused {mode}")
        page.get_by_label("请写一写需要什么帮助").fill("想请人陪我去医院复查")
        page.get_by_label("怎么称呼您").fill("王阿姨")
        page.get_by_label("手机或电话").fill("13512345678")
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
        found += checked(page, f"receipt {mode}")
    return found


def test_no_main_page_of_any_role_has_an_axe_violation_in_either_mode_at_390_and_320_px(
    world, live_server, page: Page, settings
):
    settings.REQUEST_MIN_FILL_SECONDS = 0  # faster than a person
    req = stairwell_light(world)
    home = reverse("community", args=["xihu"])
    pages = {
        None: [reverse("login"), reverse("ask:building", args=[world.building.public_token]),
               reverse("ask:track", args=[req.tracking_token]), reverse("feedback_new")],
        "resident": [home],
        "volunteer": [home, reverse("tickets:mine", args=["xihu"])],
        "leader": [home, f"{home}?all=1", reverse("tickets:queue", args=["xihu"])],
        "admin": [home, reverse("feedback_queue", args=["xihu"])],
    }  # fmt: skip
    Stairwell.objects.create(community=world.community, building=world.building, name="2单元")  # offered on screen 2
    base = live_server.url
    found = form_violations(page, base + reverse("ask:building", args=[world.building.public_token]))
    found += pages_violations(page, base, pages)
    assert found == [], "\n".join(found)


def test_no_other_page_of_any_role_has_an_axe_violation_in_either_mode_at_390_and_320_px(
    world, live_server, page: Page
):
    """Every other page a role opens without posting: the lists, forms and records of each domain."""
    req = stairwell_light(world)

    def c(name: str, *args: object) -> str:
        return reverse(name, args=["xihu", *args])

    pages = {
        None: [reverse("report_in", args=["xihu"])],
        "admin": [
            c("registry:buildings"), c("registry:building", world.building.pk), c("registry:building_create"),
            c("registry:residents"), c("registry:resident", world.liu.pk), c("registry:resident_create"),
            c("registry:members"), c("registry:community_edit"), c("roster:import"),
            c("planning:plan"), c("planning:coverage"), c("elections:groups"), c("venues:list"),
            c("printing:index"), f"{c('tickets:queue')}?tab=overdue", c("tickets:create"), c("tickets:calendar"),
            c("tickets:detail", req.pk), c("outreach:groups"), c("outreach:coverage"), c("outreach:visits"),
            c("meetings:list"), c("meetings:create"), c("meetings:tasks"),
            c("activities:list"), c("activities:create"), c("blackboard:index"), c("honours:list"),
            c("hours:team"), c("hours:queue"), c("partners:reports"),
            c("partners:report_new"), c("partners:units"), c("partners:unit_new"), c("partners:posts"),
            c("partners:post_new"), c("partners:holders"), c("partners:sheets"), c("stats:dashboard"),
            c("projects:needs"), c("projects:need_new"), c("projects:resources"), c("projects:resource_new"),
            c("projects:projects"), c("policy:show"), c("policy:history"), c("policy:documents"), c("audit"),
            c("privacy:queue"), c("locks"), c("two_factor_users"), reverse("api_tokens"),
            reverse("two_factor"), reverse("password_change"), reverse("notify:inbox"),
        ],
        "leader": [c("tickets:detail", req.pk), c("outreach:groups"), c("hours:team"), c("partners:holders")],
        "volunteer": [c("outreach:mine"), c("hours:mine"), c("partners:posts"), reverse("notify:inbox")],
        "overseer": [reverse("area_stats:home"), reverse("area_stats:subdistrict", args=[world.subdistrict.pk])],
    }  # fmt: skip
    found = pages_violations(page, live_server.url, pages)
    assert found == [], "\n".join(found)
