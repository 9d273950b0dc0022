"""Volunteer hours on a phone, through a real server: a volunteer looks at 我的服务时长 and asks
for a correction of one errand; the leader approves it in the queue; the volunteer's total now
shows the corrected minutes (replaced, not added)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from helpers.browser import fits_the_phone, log_in, log_out
from helpers.hours import errand
from playwright.sync_api import Page, expect

from loudong.hours.models import Correction

pytestmark = pytest.mark.browser


def test_a_volunteer_asks_for_a_correction_on_the_phone_and_the_leader_approves_it(live_server, page: Page, world):
    w = world
    base = live_server.url
    page.set_default_timeout(90_000)  # the live server's first page can be slow on a busy machine
    errand(w, 60, timezone.now() - timedelta(days=2))

    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/hours/?p=year")
    assert fits_the_phone(page), page.url
    expect(page.locator(".total")).to_have_text("1.0 小时")
    page.get_by_role("link", name="申请更正").first.click()
    expect(page.get_by_role("main")).to_contain_text("现在记录的是 60 分钟")
    page.get_by_label("实际用时（分钟）").fill("150")
    page.get_by_label("理由").fill("陪同就医来回两个半小时，办结时少填了")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("更正申请已提交")
    expect(page.get_by_role("main")).to_contain_text("更正审核中")
    expect(page.locator(".total")).to_have_text("1.0 小时")  # not counted before it is approved
    assert fits_the_phone(page), page.url
    log_out(page)

    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/hours/corrections/")
    assert fits_the_phone(page), page.url
    card = page.get_by_role("region", name="王秀英的申请")
    expect(card).to_contain_text("原来 60 分钟，申请改为 150 分钟")
    card.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已通过 王秀英 的申请")
    assert Correction.objects.get().status == Correction.Status.APPROVED
    page.goto(f"{base}/c/xihu/hours/team/?p=year")
    expect(page.get_by_role("row", name="王秀英")).to_contain_text("2.5")
    log_out(page)

    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/hours/?p=year")
    expect(page.locator(".total")).to_have_text("2.5 小时")
    expect(page.get_by_role("main")).to_contain_text("已通过")
    assert fits_the_phone(page), page.url
