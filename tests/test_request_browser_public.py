"""A resident on a phone: scan the building's code, place a request in two screens and get the
receipt (the screens and taps counted), keep the link, open it. Debian's chromium through a real
server, 390 px wide (and 320 px where the taps are counted)."""

import io
import re

import pytest
from helpers.browser import fits_the_phone
from PIL import Image
from playwright.sync_api import Page, expect

from loudong.registry.models import Stairwell
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


def test_resident_scans_places_a_request_in_two_screens_and_opens_the_tracking_link(
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
    expect(page.get_by_role("radio", name=re.compile("^公共区域的事"))).to_be_checked()
    expect(page.get_by_role("textbox", name=re.compile("^房号"))).to_be_hidden()  # a shared place has no room
    expect(page.locator("main")).to_contain_text("用途说明")
    assert fits_the_phone(page), page.url
    page.get_by_text("家中的事", exact=True).click()
    page.get_by_label("请写一写需要什么帮助").fill("家门口堆满了纸箱和旧家具，走路都困难")
    page.get_by_role("textbox", name=re.compile("^房号")).fill("301")
    page.locator("input[type=file]").set_input_files(photo_file(tmp_path))
    page.get_by_label("怎么称呼您").fill("王阿姨")
    page.get_by_role("button", name="提交").click()  # without the phone a household matter needs

    expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
    expect(page.locator(".errorlist")).to_have_text("家中的事要留电话，志愿者办事时要联系您")
    expect(page.get_by_alt_text("照片 1")).to_be_visible()  # the photo is kept
    expect(page.get_by_label("怎么称呼您")).to_have_value("王阿姨")
    assert fits_the_phone(page), page.url
    page.get_by_label("手机或电话").fill("135 1234 5678")
    page.get_by_text("不让志愿者看到我的姓名和电话").click()
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
    req = Request.objects.get()
    assert req.anonymous and req.contact_phone == "13512345678" and req.photos.count() == 1
    assert (req.scope, req.room, req.household) == ("household", "301", world.household)
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


# Counted by the page itself, kept across the screens of this tab: each document the tab opened (a
# screen; counted as it starts, so a screen that shows its heading is counted already), and every
# pointer that touched one.
COUNT_SCREENS_AND_TAPS = """sessionStorage.screens = String(Number(sessionStorage.screens || 0) + 1);
addEventListener("pointerdown", () => {
  sessionStorage.taps = String(Number(sessionStorage.taps || 0) + 1);
}, true);"""


class Phone:
    """A phone's tab that counts what a person does: each tap (typing needs one, to focus the
    field) as the page received it, and each screen (a page load of the tab)."""

    def __init__(self, browser, width: int) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, has_touch=True, is_mobile=True, locale="zh-CN"
        )
        self.context.add_init_script(COUNT_SCREENS_AND_TAPS)
        self.page = self.context.new_page()
        self.width = width
        self.too_wide: list[str] = []  # screens wider than the phone
        self.page.on("load", lambda _page: self.check_width())

    @property
    def screens(self) -> int:
        return int(self.page.evaluate("Number(sessionStorage.screens || 0)"))

    def check_width(self) -> None:
        if self.page.evaluate("document.documentElement.scrollWidth") > self.width:
            self.too_wide.append(self.page.url)

    def tap(self, locator) -> None:
        locator.tap()

    def type_into(self, locator, text: str) -> None:
        locator.tap()
        self.page.keyboard.insert_text(text)

    def taps(self) -> int:
        return int(self.page.evaluate("Number(sessionStorage.taps || 0)"))


@pytest.mark.parametrize("width", [390, 320])
def test_from_the_buildings_code_to_the_receipt_in_three_screens_and_at_most_eight_taps(
    live_server, browser, world, settings, width
):
    settings.REQUEST_MIN_FILL_SECONDS = 0  # a person takes longer; the count is the same
    second = Stairwell.objects.create(community=world.community, building=world.building, name="2单元")
    code = f"{live_server.url}/ask/b/{world.building.public_token}/"

    # A shared place, in the standard mode: what is wrong, which stairwell, in a few words.
    phone = Phone(browser, width)
    page = phone.page
    page.goto(code)
    phone.tap(page.get_by_text("环境卫生", exact=True))
    phone.tap(page.get_by_role("button", name="下一步"))
    phone.tap(page.get_by_text("2单元", exact=True))
    phone.type_into(page.get_by_label("请写一写需要什么帮助"), "2单元三楼的楼道灯不亮了，晚上看不见")
    phone.tap(page.get_by_role("button", name="提交"))
    expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
    shared = (phone.screens, phone.taps())
    phone.check_width()  # the receipt, whether or not its load event has come yet
    assert phone.too_wide == []
    phone.context.close()
    req = Request.objects.get()
    assert (req.category_name, req.scope, req.stairwell, req.contact_phone) == ("环境卫生", "shared", second, "")

    # A household's own matter from the same code opened in 长辈版: where, and how to reach the resident.
    phone = Phone(browser, width)
    page = phone.page
    page.goto(f"{code}?elder=1")
    phone.tap(page.get_by_text("困难需求", exact=True))
    phone.tap(page.get_by_role("button", name="下一步"))
    phone.tap(page.get_by_text("1单元", exact=True))
    phone.type_into(page.get_by_label("请写一写需要什么帮助"), "下周三要去市中心医院复查，想找人陪一下")
    phone.type_into(page.get_by_role("textbox", name=re.compile("^房号")), "301")
    phone.type_into(page.get_by_label("怎么称呼您"), "王阿姨")
    phone.type_into(page.get_by_label("手机或电话"), "13512345678")
    phone.tap(page.get_by_role("button", name="提交"))
    expect(page.get_by_role("heading", name="已收到您的点单")).to_be_visible()
    expect(page.locator("html")).to_have_class("elder")
    household = (phone.screens, phone.taps())
    phone.check_width()
    assert phone.too_wide == []
    phone.context.close()
    req = Request.objects.exclude(pk=req.pk).get()
    assert (req.scope, req.household, req.contact_phone) == ("household", world.household, "13512345678")

    print(f"\n{width} px: shared place {shared[0]} screens {shared[1]} taps; household {household[0]} / {household[1]}")
    assert shared == (3, 5) and household == (3, 8)


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
    page.get_by_role("button", name="上一步").click()
    expect(page.get_by_role("heading", name="① 您要办什么事？")).to_be_visible()
    expect(page.locator("#category-hardship")).to_be_checked()

    # Back, as the phone's button does: no "Confirm Form Resubmission", the screen as it was left.
    back = page.go_back()
    assert back is not None and back.request.method == "GET" and back.status == 200
    expect(page.get_by_role("heading", name="② 需要什么帮助？")).to_be_visible()
    expect(page.get_by_label("请写一写需要什么帮助")).to_have_value("下周三要去市中心医院复查，想找人陪一下")
    expect(page.get_by_role("textbox", name=re.compile("^房号"))).to_have_value("502")
    expect(page.locator(".errorlist")).to_have_count(0)
    back = page.go_back()
    assert back is not None and back.request.method == "GET" and back.status == 200
    expect(page.get_by_role("heading", name="① 您要办什么事？")).to_be_visible()
    expect(page.locator("#category-hardship")).to_be_checked()

    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_label("请写一写需要什么帮助")).to_have_value("下周三要去市中心医院复查，想找人陪一下")
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
