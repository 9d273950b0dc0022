"""The pages as people meet them: Debian's chromium on a phone-sized screen, through a real server."""

import re

import pytest
from conftest import PASSWORD
from django.core.management import call_command
from helpers.browser import fits_the_phone, log_in, log_out
from openpyxl import Workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "loudong-demo"


@pytest.mark.django_db(transaction=True)
def test_each_demo_role_logs_in_and_lands_on_its_own_page(live_server, page: Page):
    call_command("demo", verbosity=0)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    demo_table = page.locator("#demo-logins")
    for username in ["demo-admin", "demo-leader", "demo-volunteer", "demo-resident", "demo-overseer"]:
        expect(demo_table).to_contain_text(username)

    landings = {
        "demo-admin": "西湖新村社区",
        "demo-leader": "环城北路93号",
        "demo-volunteer": "我的党小组",
        "demo-resident": "我的家",
        "demo-overseer": "辖区概览",
    }
    for username, text in landings.items():
        log_in(page, base, username, DEMO_PASSWORD)
        expect(page.locator("main")).to_contain_text(text)
        # Nothing on a phone screen is wider than the screen.
        assert fits_the_phone(page), username
        log_out(page)


def test_admin_finds_a_resident_by_initials(live_server, page: Page, world):
    log_in(page, live_server.url, "admin", PASSWORD)
    page.get_by_role("link", name="居民", exact=True).first.click()
    page.get_by_role("searchbox").fill("lgq")
    results = page.locator("#results")
    expect(results).to_contain_text("刘光前")
    expect(results).not_to_contain_text("王秀英")
    expect(results).not_to_contain_text("13800138000")  # phones are masked in lists
    expect(results).to_contain_text("138****8000")


def test_leader_searching_sees_only_their_groups_residents(live_server, page: Page, world):
    log_in(page, live_server.url, "leader", PASSWORD)
    page.goto(f"{live_server.url}/c/xihu/residents/")
    page.get_by_role("searchbox").fill("zjg")  # 张建国 lives outside the leader's group
    expect(page.locator("#results")).not_to_contain_text("张建国")
    page.get_by_role("searchbox").fill("wxy")
    expect(page.locator("#results")).to_contain_text("王秀英")


def messy_roster(path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["西湖新村社区居民花名册"])
    sheet.append(["姓名", "性别", "出生年月", "身份证号码", "手机号码", "家庭住址"])
    sheet.append(["赵一鸣", "男", "1958年4月3日", None, "+86 139 0734 0001", "环城北路93号1单元402"])
    sheet.append(["钱  二", "女", "1961/5/6", None, "１３９０７３４０００２", "学宫巷3号1单元502室"])
    sheet.append(["孙三", "女", "1962-7-8", None, "12345", "环城北路93号1单元402"])  # bad phone
    sheet.append([None, None, None, None, None, None])
    sheet.append(["合计", "3人"])
    workbook.save(path)


def test_admin_imports_a_roster_through_the_web_page(live_server, page: Page, world, tmp_path):
    roster = tmp_path / "花名册.xlsx"
    messy_roster(roster)
    log_in(page, live_server.url, "admin", PASSWORD)
    page.get_by_role("link", name="导入名册", exact=True).click()
    page.locator("input[type=file]").set_input_files(str(roster))
    page.get_by_role("button", name="上传并检查").click()
    main = page.locator("main")
    expect(page.locator("#preview-created")).to_have_text("2", timeout=30_000)  # checked, not saved yet
    expect(page.get_by_label(re.compile("第 1 列（姓名）读作"))).to_have_value("name")
    expect(main).to_contain_text("第 5 行：不导入")
    page.get_by_role("button", name="确认导入").first.click()
    expect(page.locator("#count-created")).to_have_text("2", timeout=30_000)
    expect(main).to_contain_text("第 5 行")
    expect(main).to_contain_text("电话")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载")).first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
