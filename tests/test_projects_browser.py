"""The three lists on a phone, through a real server: a leader in 长辈版 taps 需要资源 on a request,
reads why a resource is suggested, makes the project in one tap and ticks its first step; every
page fits a 390 px screen, and a 320 px one."""

import pytest
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.projects import actions
from loudong.projects.models import Need, Project
from loudong.tickets import actions as tickets

pytestmark = pytest.mark.browser


def test_a_leader_raises_a_need_and_makes_a_project_of_it_on_a_phone(live_server, page: Page, world):
    w = world
    w.leader.elder_mode = True
    w.leader.save()
    req = tickets.place_request(
        community=w.community,
        building=w.building,
        stairwell=w.stairwell,
        category_code="environment",
        description="楼道照明电路老化，灯总跳闸，组里修不了",
    )
    actions.enter_resource(
        w.community, by=w.admin, kind="repair", title="水电维修、电路检修", owner_name="社区物业维修班", capacity="周末"
    )
    base = live_server.url
    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/requests/{req.pk}/")
    page.get_by_role("button", name="需要资源").click()

    expect(page.locator(".messages")).to_contain_text("已列入需求清单")
    expect(page.locator(".suggestion")).to_have_count(1)
    expect(page.locator(".suggestion")).to_contain_text("类型对口：都是维修服务")
    expect(page.locator(".suggestion")).to_contain_text("说到同样的事：")
    assert fits_the_phone(page), page.url
    page.locator(".suggestion").get_by_role("button", name="立项").click()

    expect(page.locator(".messages")).to_contain_text("已立项")
    project = Project.objects.get()
    assert project.owner == w.leader and Need.objects.get().status == "matched"
    assert fits_the_phone(page), page.url
    page.locator(".step").first.get_by_role("button", name="完成").click()
    expect(page.locator(".messages")).to_contain_text("这一步已完成")
    project.refresh_from_db()
    assert project.status == "in_progress" and project.steps.first().done_on is not None
    expect(page.locator("#history")).to_contain_text("步骤：联系资源提供方，商定内容和时间")

    for path in ("needs", "resources", "projects"):
        page.goto(f"{base}/c/xihu/lists/{path}/")
        expect(page.locator("html.elder")).to_have_count(1)
        assert fits_the_phone(page), page.url
    page.set_viewport_size({"width": 320, "height": 640})  # the narrowest phones still sold
    for path in (f"needs/{project.need_id}/", f"projects/{project.pk}/", "resources/"):
        page.goto(f"{base}/c/xihu/lists/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 321, page.url
