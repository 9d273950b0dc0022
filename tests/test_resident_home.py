"""A logged-in resident's home: 我要点单 for their own building, their own requests and where each
stands, and their group's leaders, with a phone only where the notice board publishes it."""

import pytest
from django.urls import reverse
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

from loudong.tickets import actions
from loudong.tickets.models import Request

HOME = reverse("community", args=["xihu"])


def ask(world, resident, description: str, **kwargs) -> Request:
    return actions.place_request(
        community=world.community,
        building=resident.household.stairwell.building,
        stairwell=resident.household.stairwell,
        category_code="environment",
        description=description,
        contact_phone=resident.phone,
        resident=resident,
        **kwargs,
    )


@pytest.fixture
def served(world):
    """张建国's stairwell (学宫巷3号1单元) is served by 刘光前's group; 王秀英 is its deputy."""
    world.stairwell2.group = world.group
    world.stairwell2.save()
    world.group.deputy = world.wang_member
    world.group.save()
    return world


def test_the_resident_gets_a_button_to_ask_for_their_own_building(world, login):
    page = login(world.resident).get(HOME).content.decode()
    assert "我要点单" in page
    assert f'href="{reverse("ask:building", args=[world.building2.public_token])}"' in page
    assert reverse("ask:building", args=[world.building.public_token]) not in page
    assert "您还没有点过单" in page


def test_the_resident_sees_only_their_own_requests_each_with_its_status(served, login):
    w = served
    lamp = ask(w, w.zhang, "楼道灯坏了一个星期了")
    drain = ask(w, w.zhang, "下水道堵了，味道很大")
    actions.dispatch(drain, w.wang_member, by=w.leader)
    actions.accept(drain, by=w.volunteer)
    actions.resolve(drain, by=w.volunteer, resolution="offline", reply="已疏通", minutes=45)
    neighbours = ask(w, w.liu, "门口有人乱停电动车")  # 刘光前's, same community

    page = login(w.resident).get(HOME).content.decode()
    mine = page.split('id="my-requests"', 1)[1].split("</section>", 1)[0]
    assert "楼道灯坏了一个星期了" in mine and "待派单" in mine
    assert f"规定办结时间：{lamp.due_label}" in mine
    assert "下水道堵了" in mine and "请您确认并评价" in mine
    assert mine.index("楼道灯坏了") < mine.index("下水道堵了")  # the one still being handled first
    assert reverse("ask:track", args=[drain.tracking_token]) in mine
    assert "乱停电动车" not in page and neighbours.tracking_token not in page


def test_the_leaders_phone_shows_only_where_the_notice_board_publishes_it(served, login):
    w = served
    page = login(w.resident).get(HOME).content.decode()
    group = page.split('id="my-group"', 1)[1].split("</section>", 1)[0]
    assert "环城北路93号党小组" in group and "组长：<strong>刘光前</strong>" in group
    assert "副组长：<strong>王秀英</strong>" in group
    assert "13800138000" not in page and "138****8000" not in page and "13900139000" not in page
    assert "经本人同意后才会公示" in group

    w.liu_member.publish_phone = True
    w.liu_member.save()
    page = login(w.resident).get(HOME).content.decode()
    assert 'href="tel:13800138000"' in page
    assert "13900139000" not in page  # the deputy has not agreed


def test_a_resident_whose_stairwell_has_no_group_is_told_so(world, login):
    page = login(world.resident).get(HOME).content.decode()
    assert "您所在的单元暂时还没有楼栋党小组" in page


def test_staff_without_a_resident_role_see_no_resident_sections(world, login):
    page = login(world.admin).get(HOME).content.decode()
    assert 'id="my-requests"' not in page and 'id="ask-button"' not in page


@pytest.mark.browser
def test_on_a_phone_the_resident_taps_once_from_home_to_the_request_form(served, live_server, page: Page):
    ask(served, served.zhang, "楼道灯坏了一个星期了")
    log_in(page, live_server.url, "resident")
    button = page.locator("#ask-button")
    expect(button).to_be_in_viewport()  # first thing on the screen, no scrolling
    expect(page.locator("#my-requests")).to_contain_text("楼道灯坏了一个星期了")
    assert fits_the_phone(page), page.url
    button.click()
    expect(page).to_have_url(f"{live_server.url}/ask/b/{served.building2.public_token}/")
