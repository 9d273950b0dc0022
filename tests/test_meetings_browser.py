"""A 红色议事厅 meeting on a phone, through a real server: the leader prepares it, ticks who came
(a member from the list, a neighbour found by pinyin initials, a guest), records minutes, a
decision and a follow-up task; the task's owner marks it done from their own list."""

import pytest
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.community_life.meetings.models import FollowUpTask, Meeting
from loudong.registry.models import Resident

pytestmark = pytest.mark.browser


def test_leader_records_a_meeting_and_the_owner_marks_the_task_done(live_server, page: Page, world):
    Resident.objects.create(community=world.community, household=world.household, name="赵春梅")
    base = live_server.url

    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/meetings/")
    assert fits_the_phone(page), page.url
    page.get_by_role("link", name="安排会议").click()
    page.get_by_label("会议主题").fill("楼道堆物清理")
    page.get_by_label("开会时间").fill("2026-03-18T19:30")
    page.get_by_label("或其他地点").fill("1单元楼下")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="楼道堆物清理")).to_be_visible()
    assert fits_the_phone(page), page.url

    page.get_by_role("link", name="勾选到会人员").click()
    page.get_by_label("王秀英").check()
    page.get_by_placeholder("汉字、拼音或首字母").fill("zcm")
    page.get_by_label("赵春梅").check()
    page.get_by_label("添加列席人员姓名").fill("物业王经理")
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="保存到会人员").click()
    expect(page.locator(".messages")).to_contain_text("共 3 人")
    expect(page.locator("#attendance")).to_contain_text("赵春梅")

    page.get_by_label("会议纪要").fill("大家同意周六上午清理楼道堆物，王秀英联系物业清运。")
    expect(page.locator("#minutes-state")).to_contain_text("纪要已自动保存")
    page.reload()
    expect(page.get_by_label("会议纪要")).to_have_value("大家同意周六上午清理楼道堆物，王秀英联系物业清运。")
    page.get_by_label("决定事项").fill("本周六上午组织楼道堆物集中清理")
    page.get_by_role("button", name="添加决定").click()
    expect(page.locator("#decisions")).to_contain_text("本周六上午组织楼道堆物集中清理")
    page.get_by_label("跟进事项").fill("联系物业安排清运车辆")
    page.get_by_label("负责人").select_option(label="王秀英")
    page.get_by_label("完成期限").fill("2026-03-21")
    page.get_by_role("button", name="添加跟进事项").click()
    expect(page.locator("#tasks")).to_contain_text("负责人：王秀英")
    assert fits_the_phone(page), page.url
    meeting = Meeting.objects.get()
    assert meeting.attendance.count() == 3 and meeting.decisions.count() == 1
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/meetings/tasks/")
    expect(page.get_by_role("main")).to_contain_text("联系物业安排清运车辆")
    expect(page.get_by_role("main")).to_contain_text("已超期")
    assert fits_the_phone(page), page.url
    page.get_by_label("完成情况").fill("已清运两车")
    page.get_by_role("button", name="标记完成").click()
    expect(page.locator(".messages")).to_contain_text("已标记完成")
    expect(page.get_by_role("main")).to_contain_text("没有未完成的跟进事项")
    task = FollowUpTask.objects.get()
    assert task.is_done and task.done_note == "已清运两车"
