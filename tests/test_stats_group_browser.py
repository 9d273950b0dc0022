"""On a phone (390x844, a real browser): a leader reads the group's activities, people covered, visit
coverage, meetings and hours and opens each list behind them; an overseer reads the subdistrict's,
opens the visit coverage per community and downloads the subdistrict's work report."""

import re

import pytest
from helpers.browser import fits_the_phone, log_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NOVEMBER = "from=2026-11-01&to=2026-11-30"


def opens(page: Page, dashboard: str, link: str, heading: str) -> None:
    """Tap a figure's link on the dashboard: its list says the figure's count and fits the phone."""
    page.goto(dashboard)
    page.locator(link).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert fits_the_phone(page), heading


def test_leader_reads_the_groups_service_figures_and_their_lists_on_a_phone(live_server, page: Page, lived):
    base = live_server.url
    log_in(page, base, "leader")
    dashboard = f"{base}/c/xihu/stats/group/{lived.group.pk}/?{NOVEMBER}"
    page.goto(dashboard)
    expect(page.locator("#figure-people_covered .figure")).to_have_text("3")
    expect(page.locator("#rate-visit_coverage .cases")).to_contain_text("走访到的住户 1 户 / 住户 1 户")
    expect(page.locator("#group-note")).to_contain_text("全社区的议事会和没有选党小组的活动不属于任何小组")
    expect(page.locator("#chart-activities svg")).to_have_count(1)
    assert fits_the_phone(page), page.url
    page.screenshot(path="/tmp/ld-statspages/group-dashboard.png", full_page=True)

    opens(page, dashboard, "#rate-visit_coverage .stat-link", "走访到的住户：1 户")
    expect(page.locator("#held tbody tr")).to_have_count(1)
    expect(page.locator("#held tbody tr").first).to_contain_text("环城北路93号1单元301室")
    page.get_by_role("link", name="没有走访到的住户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("没有走访到的住户：0 户")
    opens(page, dashboard, "#figure-people_covered .stat-link", "活动覆盖群众：3 人（2 次活动）")
    opens(page, dashboard, "#figure-meetings_held .stat-link", "召开议事会：1 次")
    opens(page, dashboard, "#figure-activities h3 a", "开展活动：3 次")
    expect(page.locator("#held tbody tr")).to_have_count(3)
    opens(page, dashboard, "#figure-hours_total .stat-link", "志愿服务时长：2.3 小时（2 位志愿者，2 类服务）")
    page.locator("#hours-team").click()
    expect(page).to_have_url(re.compile(r"/c/xihu/hours/team/\?start=2026-11-01&end=2026-11-30$"))


def test_overseer_reads_the_subdistrict_and_downloads_its_report_on_a_phone(live_server, page: Page, lived):
    base = live_server.url
    log_in(page, base, "overseer")
    dashboard = f"{base}/stats/subdistrict/{lived.subdistrict.pk}/?{NOVEMBER}"
    page.goto(dashboard)
    expect(page.locator("#figure-hours_total .figure")).to_have_text("2.7")
    assert fits_the_phone(page), page.url
    page.screenshot(path="/tmp/ld-statspages/subdistrict-dashboard.png", full_page=True)

    opens(
        page,
        dashboard,
        "#rate-visit_coverage .stat-link",
        "入户走访覆盖率：1/2 户（走访到 1 户 / 住户 2 户，1 个社区）",
    )
    expect(page.locator("#held tbody tr").first).to_contain_text("西湖新村社区")
    assert "301" not in page.content() and "王秀英" not in page.content()
    opens(page, dashboard, "#figure-people_covered .stat-link", "活动覆盖群众：4 人（4 次活动）")
    opens(page, dashboard, "#figure-hours_total .stat-link", "志愿服务时长：2.7 小时（3 位志愿者，2 类服务）")
    assert page.locator("#hours-team").count() == 0

    page.goto(dashboard)
    page.locator("#report-link").click()
    expect(page.get_by_role("heading", name="工作简报")).to_be_visible()
    assert fits_the_phone(page), page.url
    with page.expect_download() as download:
        page.locator("form").get_by_role("button", name="下载 Word").click()
    assert download.value.suggested_filename == "青山街道工作简报-20261101-20261130.docx"
