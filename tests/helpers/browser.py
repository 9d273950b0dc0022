"""A person on a phone, through a real server: logging in and out, and whether the page fits."""

from conftest import PASSWORD
from playwright.sync_api import Page, expect

PHONE_WIDTH = 390


def log_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def fits_the_phone(page: Page) -> bool:
    """No sideways scrolling on a 390 px wide screen (assert it with the page's URL as the message)."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + 1
