"""党小组规划 in a real browser on a phone screen: plan, move a stairwell by hand, watch the cost
change, apply; the groups exist afterwards."""

import re

import pytest
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.groups.models import BuildingGroup
from loudong.policy.models import save_rules
from loudong.policy.rules import Rules
from loudong.registry.models import Building, Household, Member, Resident, Stairwell

pytestmark = pytest.mark.browser


@pytest.fixture
def estate(world):
    w = world
    save_rules(w.community.pk, Rules(min_members=2, max_members=4, group_cost=1000))
    Stairwell.objects.filter(pk=w.stairwell.pk).update(x=15, y=12)
    sun = Resident.objects.create(community=w.community, household=w.household2, name="孙红梅")
    Member.objects.create(community=w.community, resident=sun)
    building = Building.objects.create(community=w.community, name="船山路63号", x=300, y=200)
    w.stairwell3 = Stairwell.objects.create(community=w.community, building=building, name="1单元", x=315, y=212)
    household = Household.objects.create(community=w.community, stairwell=w.stairwell3, room="101")
    for name in ("赵建军", "钱立新"):
        Member.objects.create(
            community=w.community,
            resident=Resident.objects.create(community=w.community, household=household, name=name),
        )
    return w


def cost(page: Page) -> int:
    return int(re.sub(r"\D", "", page.locator("#plan-cost").inner_text()))


def test_admin_adjusts_the_proposal_and_applies_it(live_server, page: Page, estate):
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/c/{estate.community.code}/groups/plan/")

    expect(page.locator("#plan-gap")).to_contain_text("已证明是成本最低的方案")
    expect(page.locator("#plan-map .venue-star")).to_have_count(2)
    proposed = cost(page)
    assert fits_the_phone(page), page.url

    page.get_by_text("手动调整：把单元改到别的党小组").click()
    page.get_by_label("学宫巷3号1单元").select_option(label="船山路63号党小组")
    expect(page.locator("#plan-difference")).to_contain_text("手动调整后比建议方案多花")
    assert cost(page) > proposed
    expect(page.locator("#plan-problems")).to_contain_text("方案符合各项规定")

    page.get_by_role("button", name="应用此方案…").click()
    expect(page.locator("#changes")).to_contain_text("新建党小组（1 个）")
    page.get_by_role("button", name="确认应用").click()
    expect(page.locator(".messages")).to_contain_text("已应用党小组规划")
    expect(page.get_by_role("heading", name="党小组覆盖情况")).to_be_visible()

    new = BuildingGroup.objects.get(name="船山路63号党小组")
    assert new.venue_stairwell_id == estate.stairwell3.pk
    assert set(new.stairwells.values_list("pk", flat=True)) == {estate.stairwell2.pk, estate.stairwell3.pk}
    assert set(estate.group.stairwells.values_list("pk", flat=True)) == {estate.stairwell.pk}
    assert Member.objects.filter(group=new).count() == 3
