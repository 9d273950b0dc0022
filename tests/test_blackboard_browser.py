"""The study blackboard on a phone: a volunteer writes a note, it hangs on the building's
blackboard, which a neighbour without an account can read by scanning the poster."""

import pytest
from helpers.browser import fits_the_phone, log_in, log_out
from playwright.sync_api import Page, expect

from loudong.community_life.blackboard import actions
from loudong.community_life.blackboard.models import Note

pytestmark = pytest.mark.browser


def test_a_volunteer_writes_a_note_on_the_phone_and_a_neighbour_reads_it(live_server, page: Page, world):
    w = world
    base = live_server.url
    page.set_default_timeout(90_000)  # the live server's first page can be slow on a busy machine
    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/blackboard/")
    assert fits_the_phone(page), page.url
    page.get_by_role("link", name="写学习心得").click()
    page.get_by_label("标题").fill("重温入党誓词")
    page.get_by_label("学习心得").fill("七一前，组里几位老党员一起重温入党誓词，讲起当年在厂里带头抢修的故事。")
    page.get_by_label("环城北路93号").check()
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="贴上小黑板").click()
    expect(page.locator(".messages")).to_contain_text("已贴上小黑板")
    expect(page.get_by_role("heading", name="环城北路93号 · 党史小黑板")).to_be_visible()
    expect(page.get_by_role("article", name="重温入党誓词")).to_contain_text("王秀英")
    expect(page.get_by_role("link", name="打印海报（A3）")).to_be_visible()
    assert fits_the_phone(page), page.url
    assert Note.objects.get().building == w.building
    log_out(page)

    page.goto(f"{base}/c/xihu/blackboard/building/{w.building.pk}/")
    expect(page.get_by_role("article", name="重温入党誓词")).to_contain_text("带头抢修")
    expect(page.get_by_role("link", name="打印海报（A4）")).to_have_count(0)
    assert fits_the_phone(page), page.url


def test_the_author_corrects_a_typo_on_the_phone(live_server, page: Page, world):
    w = world
    base = live_server.url
    page.set_default_timeout(90_000)
    actions.write(
        w.wang_member,
        by=w.volunteer,
        title="重温入党誓词",
        building=w.building,
        body="七一前，组里几位老党员一起重温入党誓词，讲起当年在厂里带头抢修的故事。",
    )
    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/blackboard/building/{w.building.pk}/")
    page.get_by_role("link", name="修改《重温入党誓词》").click()
    expect(page.get_by_role("heading", name="修改学习心得")).to_be_visible()
    assert fits_the_phone(page), page.url
    page.get_by_label("学习心得").fill("七一前，组里几位老党员一起重温入党誓词，讲起当年在纺织厂里带头抢修的故事。")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator(".messages")).to_contain_text("已修改")
    note = page.get_by_role("article", name="重温入党誓词")
    expect(note).to_contain_text("纺织厂")
    expect(note).to_contain_text("（已修改）")
    assert fits_the_phone(page), page.url
