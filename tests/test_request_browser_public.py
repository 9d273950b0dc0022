"""A resident on a phone: scan the building's code, place a request in three screens, keep the
link, open it. Debian's chromium through a real server, 390 px wide."""

import io
import re

import pytest
from helpers.browser import fits_the_phone
from PIL import Image
from playwright.sync_api import Page, expect

from loudong.tickets import actions
from loudong.tickets.models import Request

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo_file(tmp_path) -> str:
    path = tmp_path / "杂物.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (150, 120, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_resident_scans_places_a_request_in_three_screens_and_opens_the_tracking_link(
    live_server, page: Page, world, tmp_path, settings
):
    settings.REQUEST_MIN_FILL_SECONDS = 0  # faster than a person; test_request_public tests the minimum
    page.goto(f"{live_server.url}/ask/b/{world.building.public_token}/")
    expect(page.get_by_role("heading", name="① 您要办什么事？")).to_be_visible()
    expect(page.locator("main")).to_contain_text("环城北路93号")
    assert fits_the_phone(page), page.url

    page.get_by_text("环境卫生", exact=True).click()
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("环境卫生 · 求助 · 环城北路93号")
    assert fits_the_phone(page), page.url
    page.get_by_label("请写一写需要什么帮助").fill("楼道里堆满了纸箱和旧家具，走路都困难")
    page.get_by_role("textbox", name=re.compile("^房号")).fill("301")
    page.locator("input[type=file]").set_input_files(photo_file(tmp_path))
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="③ 怎么联系您？")).to_be_visible()
    expect(page.locator("main")).to_contain_text("用途说明")
    expect(page.get_by_alt_text("照片 1")).to_be_visible()
    assert fits_the_phone(page), page.url
    page.get_by_label("怎么称呼您").fill("王阿姨")
    page.get_by_label("手机或电话").fill("135 1234 5678")
    page.get_by_text("不让志愿者看到我的姓名和电话").click()
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
    req = Request.objects.get()
    assert req.anonymous and req.contact_phone == "13512345678" and req.photos.count() == 1
    expect(page.locator(".number")).to_have_text(req.number)
    expect(page.locator("#tracking-link")).to_contain_text(f"/ask/t/{req.tracking_token}/")
    expect(page.locator("main")).to_contain_text("截图")
    assert fits_the_phone(page), page.url

    link = page.locator("#tracking-link").inner_text().strip()
    page.goto(link)
    expect(page.get_by_role("heading", name="办理进度")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("待派单")
    expect(page.locator("#timeline")).to_contain_text("提交点单")
    assert fits_the_phone(page), page.url


def test_resident_joins_a_neighbours_request_with_one_tap_and_keeps_a_link_of_their_own(live_server, page: Page, world):
    first = actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="3单元602室门口的下水道堵了，污水从井盖冒出来",
        contact_name="刘光前",
        contact_phone="13800138000",
    )
    actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="家里厨房的下水道返水",
        scope="household",
    )
    page.goto(f"{live_server.url}/ask/b/{world.building.public_token}/")
    page.get_by_text("环境卫生", exact=True).click()
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#duplicates")).to_contain_text("**门口的下水道堵了")
    expect(page.locator("#duplicates")).not_to_contain_text("厨房")
    expect(page.locator("#duplicates .item")).to_have_count(1)
    page.get_by_role("button", name="我也遇到").click()
    expect(page.get_by_role("heading", name="您也遇到的事")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("待派单")
    expect(page.locator("main")).not_to_contain_text("602")
    expect(page.locator("main")).not_to_contain_text("刘光前")
    expect(page.locator("#tracking-link")).to_contain_text("/ask/s/")
    expect(page.locator("#tracking-link")).not_to_contain_text(first.tracking_token)
    assert fits_the_phone(page), page.url
    first.refresh_from_db()
    assert first.support_count == 1 and Request.objects.count() == 2


def test_the_phones_back_button_returns_to_the_previous_screen_with_what_was_typed(
    live_server, page: Page, world, settings
):
    settings.REQUEST_MIN_FILL_SECONDS = 0  # faster than a person; test_request_public tests the minimum
    page.goto(f"{live_server.url}/ask/b/{world.building.public_token}/")
    page.get_by_text("困难需求", exact=True).click()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("^家中的事"))).to_be_checked()
    page.get_by_label("请写一写需要什么帮助").fill("下周三要去市中心医院复查，想找人陪一下")
    page.get_by_role("textbox", name=re.compile("^房号")).fill("502")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="③ 怎么联系您？")).to_be_visible()

    # Back, as the phone's button does: no "Confirm Form Resubmission", the screen as it was left.
    back = page.go_back()
    assert back is not None and back.request.method == "GET" and back.status == 200
    expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
    expect(page.get_by_label("请写一写需要什么帮助")).to_have_value("下周三要去市中心医院复查，想找人陪一下")
    expect(page.get_by_role("textbox", name=re.compile("^房号"))).to_have_value("502")
    back = page.go_back()
    assert back is not None and back.request.method == "GET" and back.status == 200
    expect(page.get_by_role("heading", name="① 您要办什么事？")).to_be_visible()
    expect(page.locator("#category-hardship")).to_be_checked()

    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_label("请写一写需要什么帮助")).to_have_value("下周三要去市中心医院复查，想找人陪一下")
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("怎么称呼您").fill("王阿姨")
    page.get_by_label("手机或电话").fill("13512345678")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
    back = page.go_back()
    assert back is not None and back.request.method == "GET"
    expect(page.get_by_role("heading", name="这份点单已经提交了")).to_be_visible()
    req = Request.objects.get()
    assert req.scope == "household" and req.room == "502"


def test_resident_rates_a_resolved_request_on_the_phone(live_server, page: Page, world):
    req = actions.place_request(
        community=world.community, building=world.building, category_code="hardship", description="独居老人需要买药"
    )
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    actions.resolve(req, by=world.volunteer, resolution="offline", reply="药已送到家", minutes=30)
    page.goto(f"{live_server.url}/ask/t/{req.tracking_token}/")
    expect(page.locator("#reply")).to_contain_text("药已送到家")
    page.get_by_text("满意", exact=True).click()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("main")).to_contain_text("谢谢您的评价")
    req.refresh_from_db()
    assert req.status == Request.Status.CLOSED and req.rating == "satisfied"
