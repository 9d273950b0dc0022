"""The honours register on a phone: the admin finds the person in the registry by pinyin
initials, registers the honour, and the leader sees it with the invitation to give a talk."""

import pytest
from helpers.browser import fits_the_phone, log_in, log_out
from playwright.sync_api import Page, expect

from loudong.community_life.honours.models import Honour

pytestmark = pytest.mark.browser


def test_the_admin_registers_an_honour_found_by_pinyin_and_the_leader_sees_it(live_server, page: Page, world):
    w = world
    base = live_server.url
    page.set_default_timeout(90_000)  # the live server's first page can be slow on a busy machine
    log_in(page, base, "admin")
    page.goto(f"{base}/c/xihu/honours/")
    page.get_by_role("link", name="登记荣誉").click()
    assert fits_the_phone(page), page.url
    page.get_by_label("荣誉称号").fill("湖南好人")
    page.get_by_label("获得日期").fill("2026-03-05")
    page.get_by_label("授予单位").fill("中共湖南省委宣传部")
    page.get_by_label("查找居民").fill("lgq")
    page.get_by_label("刘光前").check()
    page.get_by_label("事迹简介").fill("退休后二十年坚持为楼栋老人义务理发")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存：刘光前 · 湖南好人")
    assert Honour.objects.get().resident == w.liu
    assert fits_the_phone(page), page.url
    log_out(page)

    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/honours/")
    expect(page.get_by_role("row", name="刘光前")).to_contain_text("义务理发")
    invite = page.get_by_role("link", name="请TA宣讲")
    expect(invite).to_have_attribute("href", f"/c/xihu/activities/new/?type=talk&speaker={w.liu.pk}")
    expect(page.get_by_role("link", name="登记荣誉")).to_have_count(0)
    assert fits_the_phone(page), page.url
