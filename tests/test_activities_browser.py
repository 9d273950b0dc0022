"""An activity on a phone, through a real server: the organiser registers it, a resident with no
account scans its code and signs in, a second scan says already signed in, and the organiser sees
the name on the attendance list. Debian's chromium, 390 px wide."""

from datetime import timedelta

import pytest
from django.utils import timezone
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.community_life.activities.models import Activity

pytestmark = pytest.mark.browser


def a_slot_around_now() -> tuple[str, str, str]:
    """Today's date and a start and end on the same Shanghai day, with sign-in open now."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = max(now - timedelta(minutes=30), now.replace(hour=0, minute=0))
    end = min(start + timedelta(minutes=90), now.replace(hour=23, minute=59))
    return now.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")


def test_organiser_creates_an_activity_and_a_resident_signs_in_by_scanning_once(
    live_server, page: Page, world, settings
):
    settings.SIGN_IN_MIN_FILL_SECONDS = 0  # faster than a person; test_activities_attendance tests it
    base = live_server.url
    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/activities/")
    assert fits_the_phone(page), page.url
    page.get_by_role("link", name="登记活动").click()
    expect(page.get_by_role("heading", name="登记活动")).to_be_visible()
    day, start, end = a_slot_around_now()
    page.get_by_text("清洁家园", exact=True).click()
    page.get_by_label("活动名称").fill("周五清洁家园：学宫巷楼道清扫")
    page.get_by_label("日期").fill(day)
    page.get_by_label("开始").fill(start)
    page.get_by_label("结束").fill(end)
    page.get_by_label("地点").fill("学宫巷3号楼下")
    expect(page.get_by_label("组织者")).to_have_value(str(world.liu_member.pk))  # the leader himself
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", name="周五清洁家园：学宫巷楼道清扫")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("活动已登记")
    expect(page.get_by_label("签到二维码").locator("svg")).to_be_visible()
    expect(page.get_by_role("link", name="下载签到海报（A4）")).to_be_visible()
    assert fits_the_phone(page), page.url
    signin_url = page.locator(".link-box").inner_text().strip()
    activity = Activity.objects.get()
    assert signin_url.endswith(f"/a/{activity.signin_token}/")
    page.get_by_role("button", name="退出").click()

    # A resident, no account, scans the code on the poster.
    page.goto(signin_url)
    expect(page.get_by_role("heading", name="周五清洁家园：学宫巷楼道清扫")).to_be_visible()
    assert fits_the_phone(page), page.url
    page.get_by_label("您的姓名").fill("张建国")
    page.get_by_label("您住的楼栋").select_option(label="学宫巷3号")
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_role("status")).to_contain_text("已签到")
    expect(page.get_by_role("main")).not_to_contain_text("学宫巷3号1单元")
    assert fits_the_phone(page), page.url

    # Scanning again on the same phone says so, and signing in again changes nothing.
    page.goto(signin_url)
    expect(page.get_by_role("status")).to_contain_text("您已签到")
    page.get_by_label("您的姓名").fill("张建国")
    page.get_by_label("您住的楼栋").select_option(label="学宫巷3号")
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_role("status")).to_contain_text("已签到")
    expect(page.get_by_role("status")).to_contain_text("只记一次")
    assert list(activity.attendance.values_list("resident_id", flat=True)) == [world.zhang.pk]

    # The organiser sees who came, the phone masked.
    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/activities/{activity.pk}/")
    expect(page.locator("#reached")).to_have_text("1")
    page.get_by_role("link", name="签到名单 · 帮居民签到").click()
    expect(page.get_by_role("main")).to_contain_text("张建国")
    expect(page.get_by_role("main")).to_contain_text("137****7000")
    assert fits_the_phone(page), page.url
