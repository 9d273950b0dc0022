"""复制链接 on the receipt and the joiner's page, in a real browser: it copies where the Clipboard API
works, and where it is missing (older WeChat browsers, plain-http sites) or refuses, it selects the
link and asks the resident to long-press it, without a script error."""

import pytest
from playwright.sync_api import Page, expect

from loudong.tickets import actions

pytestmark = pytest.mark.browser


@pytest.fixture(params=["receipt", "joiner"])
def receipt(request, live_server, world) -> str:
    """The page with a link to keep: the receipt after placing, or the page of a neighbour who joined."""
    req = actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="楼道灯坏了一个星期了",
    )
    if request.param == "joiner":
        return f"{live_server.url}/ask/s/{actions.support(req, '13512345678').tracking_token}/"
    return f"{live_server.url}/ask/t/{req.tracking_token}/receipt/"


def open_receipt(page: Page, url: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return errors


def selected_text(page: Page) -> str:
    return page.evaluate("window.getSelection().toString()").strip()


def test_without_navigator_clipboard_the_link_is_selected_for_a_long_press(page: Page, receipt):
    page.add_init_script("delete Navigator.prototype.clipboard;")
    errors = open_receipt(page, receipt)
    assert page.evaluate("navigator.clipboard === undefined")
    link = page.locator("#tracking-link").inner_text().strip()
    page.get_by_role("button", name="复制链接").click()
    expect(page.locator("#copy-link")).to_contain_text("请长按复制")
    assert selected_text(page) == link and "/ask/" in link
    assert errors == []


def test_when_the_browser_refuses_to_write_the_link_is_selected_too(page: Page, receipt):
    refuse = "navigator.clipboard.writeText = () => Promise.reject(new DOMException('', 'NotAllowedError'));"
    page.add_init_script(refuse)
    errors = open_receipt(page, receipt)
    page.get_by_role("button", name="复制链接").click()
    expect(page.locator("#copy-link")).to_contain_text("请长按复制")
    assert selected_text(page) == page.locator("#tracking-link").inner_text().strip()
    assert errors == []


def test_where_the_clipboard_works_the_link_is_copied(page: Page, receipt):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    errors = open_receipt(page, receipt)
    page.get_by_role("button", name="复制链接").click()
    expect(page.locator("#copy-link")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#tracking-link").inner_text().strip()
    assert errors == []
