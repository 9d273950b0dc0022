"""敲门问需 on a phone, through a real server: a volunteer logs a visit in a few taps and turns
the need into a request; the leader moves a household from one member to another."""

import pytest
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.accounts.models import AuditEntry
from loudong.outreach import actions
from loudong.outreach.models import Assignment, Visit
from loudong.registry.models import Household, Member, Resident
from loudong.tickets.models import Request

pytestmark = pytest.mark.browser


@pytest.fixture
def assigned(world):
    """Six households in the group's stairwell shared by 刘光前, 王秀英 and 赵敏, as proposed."""
    w = world
    for room in ("302", "401", "402", "501"):
        household = Household.objects.create(community=w.community, stairwell=w.stairwell, room=room)
        Resident.objects.create(community=w.community, household=household, name=f"住户{room}", phone="13912345678")
    zhao = Resident.objects.create(community=w.community, household=Household.objects.get(room="501"), name="赵敏")
    w.zhao_member = Member.objects.create(community=w.community, resident=zhao, group=w.group)
    actions.propose_for(w.group, by=w.admin)
    actions.confirm(w.group, by=w.admin)
    return w


def test_a_volunteer_logs_a_visit_and_turns_the_need_into_a_request(live_server, page: Page, assigned):
    w = assigned
    base = live_server.url
    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/outreach/")
    expect(page.get_by_role("heading", name="我的包户")).to_be_visible()
    assert fits_the_phone(page), page.url
    mine = Assignment.objects.filter(volunteer=w.wang_member).count()
    expect(page.get_by_role("link", name="记走访")).to_have_count(mine)
    page.get_by_role("link", name="记走访").first.click()

    expect(page.get_by_role("radio", name="有人在家")).to_be_checked()
    expect(page.get_by_role("radio", name="20 分钟")).to_be_checked()
    assert fits_the_phone(page), page.url
    page.get_by_text("30 分钟").click()
    page.get_by_label("发现的需求（没有就不填）").fill("楼道灯坏了，晚上上下楼看不见")
    page.get_by_role("button", name="保存走访").click()

    expect(page.locator(".messages")).to_contain_text("已记录走访")
    visit = Visit.objects.get()
    assert visit.volunteer == w.wang_member and visit.minutes == 30 and visit.someone_home == "met"
    expect(page.get_by_label("诉求类别")).to_have_value("environment")
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="转为点单").click()

    expect(page.locator(".messages")).to_contain_text("已转为点单")
    req = Request.objects.get()
    assert req.channel == Request.Channel.VISIT and req.household_id == visit.household_id
    visit.refresh_from_db()
    assert visit.request == req
    expect(page.locator("#linked")).to_contain_text(req.number)
    page.goto(f"{base}/c/xihu/outreach/")
    expect(page.locator(f"#h{visit.household_id} .state")).to_have_text("本周期已走访")


def test_the_leader_moves_a_household_to_another_member_in_two_taps(live_server, page: Page, assigned):
    w = assigned
    base = live_server.url
    household = Assignment.objects.filter(volunteer=w.wang_member).order_by("household_id").first().household
    log_in(page, base, "leader")
    page.goto(f"{base}/c/xihu/outreach/assign/")
    expect(page.get_by_role("heading", name="环城北路93号党小组包户")).to_be_visible()
    assert fits_the_phone(page), page.url
    page.locator(f"#m{w.wang_member.pk}").get_by_role("link", name=str(household)).click()
    expect(page.get_by_role("heading", name=f"{household}交给谁？")).to_be_visible()
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="赵敏").click()

    expect(page.locator(".messages")).to_contain_text(f"已把{household}交给赵敏")
    expect(page.locator(f"#m{w.zhao_member.pk}")).to_contain_text(household.room)
    assert Assignment.objects.get(household=household).volunteer == w.zhao_member


def test_a_volunteer_taps_to_call_and_sees_one_full_number_recorded(live_server, page: Page, assigned):
    w = assigned
    base = live_server.url
    log_in(page, base, "volunteer")
    page.goto(f"{base}/c/xihu/outreach/")
    assert "13912345678" not in page.content() and "13800138000" not in page.content()
    first = page.locator("[id^=phone-]").first
    resident = Resident.objects.get(pk=first.get_attribute("id").removeprefix("phone-"))
    assert resident.household.assignment.volunteer == w.wang_member
    first.get_by_role("button", name="拨打").click()
    expect(first.get_by_role("link", name=resident.phone)).to_have_attribute("href", f"tel:{resident.phone}")
    assert fits_the_phone(page), page.url
    assert list(AuditEntry.objects.filter(detail__field="phone").values_list("actor", "object_id")) == [
        (w.volunteer.pk, str(resident.pk))
    ]
    assert page.content().count(resident.phone) == 2  # the link's text and its href; the others stay masked
