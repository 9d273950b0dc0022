"""On a phone, in a real browser: the admin opens the community's figures, reads what a figure
means and opens the list of requests behind it."""

import re

import pytest
from helpers.browser import fits_the_phone, log_in
from helpers.stats_history import build_history
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_admin_reads_a_figure_and_its_definition_and_opens_its_list_on_a_phone(live_server, page: Page, world):
    build_history(world)
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}/c/xihu/stats/?from=2026-11-01&to=2026-11-30")
    expect(page.get_by_role("heading", name="西湖新村社区 · 统计")).to_be_visible()
    merged = page.locator("#figure-merged")
    expect(merged.locator(".figure")).to_have_text("1")
    definition = merged.get_by_text("与同一问题的另一件点单合并办理")
    expect(definition).to_be_hidden()
    merged.get_by_text("怎么算").click()  # tap 1: the definition opens next to the figure
    expect(definition).to_be_visible()
    # The charts were drawn (ECharts renders SVG into the containers).
    expect(page.locator("#chart-weekly svg")).to_have_count(1)
    expect(page.locator("#chart-monthly svg")).to_have_count(1)
    assert fits_the_phone(page), page.url
    page.screenshot(path="/tmp/ld-stats-dashboard.png", full_page=True)

    merged.locator(".stat-link").click()  # tap 2: the list behind the figure
    expect(page.get_by_role("heading", name=re.compile("合并：1 件"))).to_be_visible()
    rows = page.locator("#records tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("已合并")
    expect(rows.first).to_contain_text("137****7000")
    assert "13700137000" not in page.content()
    assert fits_the_phone(page), page.url


def test_a_districts_seven_and_eight_digit_figures_stay_inside_their_cards_on_a_phone(live_server, page: Page, world):
    """The type of a figure shrinks with its digits (templates/stats/_figure.html, stats.css): what a
    district counts in a year (4,160,105 in the benchmark) stays whole inside a half-width card."""
    from django.template.loader import render_to_string

    html = render_to_string("stats/_figure.html", {"item": {"figure": {"count": 4160105, "key": "collected"}}})
    assert 'class="figure digits-7"' in html
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/c/xihu/stats/?from=2026-11-01&to=2026-11-30")
    for digits in ("4160105", "41601050", "416010500"):
        page.evaluate(
            """digits => document.querySelectorAll('.stat .figure').forEach(el => {
            el.textContent = digits; el.className = 'figure digits-' + digits.length; })""",
            digits,
        )
        spilled = page.evaluate("""() => [...document.querySelectorAll('.stat .figure')].filter(
            el => el.getBoundingClientRect().right > el.closest('.stat').getBoundingClientRect().right).length""")
        assert spilled == 0, digits
        assert fits_the_phone(page), page.url
