"""The leader dispatches and the volunteer takes and answers a request, on a phone, in a real browser."""

import pytest
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.tickets import actions
from loudong.tickets.models import Request, Status

pytestmark = pytest.mark.browser


def test_leader_dispatches_and_volunteer_accepts_and_resolves_on_a_phone(live_server, page: Page, world):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="policy",
        description="想问一下高龄津贴怎么申请，要带什么材料",
        contact_name="张建国",
        contact_phone="13700137000",
    )
    base = live_server.url

    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/requests/")
    card = page.locator(f"#req-{req.pk}")
    expect(card).to_contain_text("政策咨询")
    expect(card).to_contain_text("环城北路93号1单元")
    assert fits_the_phone(page), page.url
    card.get_by_role("link", name="派单").click()  # tap 1
    page.get_by_role("link", name="王秀英").click()  # tap 2
    expect(page.get_by_role("heading", name="确认派单")).to_be_visible()
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="确认派单").click()  # tap 3
    expect(page.locator(".messages")).to_contain_text("已派给 王秀英")
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/requests/mine/")
    card = page.locator(f"#req-{req.pk}")
    expect(card).to_contain_text("还剩")
    assert fits_the_phone(page), page.url
    card.get_by_role("button", name="接单").click()
    expect(page.locator(".messages")).to_contain_text("已接单")
    page.get_by_role("link", name="办结").click()
    page.get_by_label("线上答疑").check()
    page.get_by_label("答复内容 / 做了什么").fill("带身份证、户口本和一寸照片到社区服务站办理。")
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="提交办结").click()
    expect(page.locator(".messages")).to_contain_text("已办结")
    expect(page.locator(".timeline")).to_contain_text("派单")
    expect(page.locator(".timeline")).to_contain_text("办结")

    req.refresh_from_db()
    assert (req.status, req.assignee, req.resolution) == (Status.RESOLVED, world.wang_member, "online")
    assert Request.objects.get(pk=req.pk).events.filter(actor=world.volunteer, kind="accepted").exists()


def test_a_volunteer_declines_with_a_reason_and_sees_the_error_first(live_server, page: Page, world):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="楼道灯不亮",
    )
    actions.dispatch(req, world.wang_member, by=world.leader)
    log_in(page, live_server.url, "volunteer")
    page.goto(f"{live_server.url}/c/xihu/requests/{req.pk}/")
    page.get_by_role("link", name="退回组长").click()
    page.get_by_role("button", name="确认退回").click()
    expect(page.locator(".errorlist")).to_contain_text("请填写原因")
    page.get_by_label("原因").fill("这周在外地")
    page.get_by_role("button", name="确认退回").click()
    expect(page.locator(".messages")).to_contain_text("已退回")
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED and req.assignee is None
