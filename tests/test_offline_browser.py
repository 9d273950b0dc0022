"""Door-knocking without signal, on a phone, in a real browser: the volunteer's pages open with the network
off, what is typed offline waits in the phone's queue (待上传) and reaches the server exactly once when the
network returns, even when an answer is lost; a refusal is kept in 未能上传 with its reason; 退出 clears
what the phone held."""

import pytest
from helpers.browser import fits_the_phone, log_in, log_out
from playwright.sync_api import BrowserContext, Page, expect

from loudong.outreach import actions as outreach
from loudong.outreach.models import Assignment
from loudong.registry.models import Household, Resident
from loudong.tickets import actions
from loudong.tickets.models import Request

pytestmark = pytest.mark.browser


@pytest.fixture
def errands(world):
    """王秀英 (the volunteer) has households to visit and two errands: one taken, one dispatched."""
    w = world
    for room in ("302", "401", "402", "501", "502", "601"):
        household = Household.objects.create(community=w.community, stairwell=w.stairwell, room=room)
        Resident.objects.create(community=w.community, household=household, name=f"住户{room}", phone="13912345678")
    outreach.propose_for(w.group, by=w.admin)
    outreach.confirm(w.group, by=w.admin)
    w.households = [a.household for a in Assignment.objects.filter(volunteer=w.wang_member).order_by("household_id")]
    assert len(w.households) >= 3
    w.taken = _errand(w, "帮忙去药店买降压药", accept=True)
    w.dispatched = _errand(w, "楼道灯坏了，晚上看不见", accept=False)
    return w


def _errand(w, description: str, *, accept: bool) -> Request:
    req = actions.place_request(
        community=w.community,
        building=w.building,
        stairwell=w.stairwell,
        category_code="hardship",
        description=description,
        contact_name="张建国",
        contact_phone="13700137000",
    )
    actions.dispatch(req, w.wang_member, by=w.leader)
    if accept:
        actions.accept(req, by=w.volunteer)
    return req


def open_online(page: Page, url: str) -> None:
    """Open a list page with the network on and wait until the phone has kept it for offline use."""
    page.goto(url)
    expect(page.locator(".offline-kept")).to_be_visible()


def test_the_volunteers_pages_open_without_a_network(live_server, page: Page, context: BrowserContext, errands):
    w = errands
    base = live_server.url
    log_in(page, base, "volunteer")
    open_online(page, f"{base}/c/xihu/outreach/")
    open_online(page, f"{base}/c/xihu/requests/mine/")

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="我的接单")).to_be_visible()
    expect(page.locator(".offline-at")).to_contain_text("离线查看，更新于")
    assert fits_the_phone(page), page.url
    page.locator(f"#req-{w.taken.pk}").get_by_role("link", name="查看详情").click()
    expect(page.get_by_text("帮忙去药店买降压药")).to_be_visible()
    expect(page.locator(".offline-at")).to_be_visible()
    page.get_by_role("link", name="办结").click()
    expect(page.get_by_role("heading", name="办结")).to_be_visible()

    page.goto(f"{base}/c/xihu/outreach/")
    expect(page.get_by_role("heading", name="我的包户")).to_be_visible()
    page.get_by_role("link", name="记走访").first.click()
    expect(page.get_by_role("heading", name="记走访")).to_be_visible()
    expect(page.locator(".offline-at")).to_be_visible()
    expect(page.get_by_label("需求的类别（没有信号时请选，上传后直接转为点单）")).to_be_visible()

    # A page the volunteer never kept (the leader's queue, another request) is not on the phone.
    with pytest.raises(Exception, match="net::ERR_"):
        page.goto(f"{base}/c/xihu/outreach/visits/")
    context.set_offline(False)
    log_out_page = page.goto(f"{base}/c/xihu/outreach/")
    assert log_out_page.ok
    log_out(page)
