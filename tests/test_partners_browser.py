"""双报到 on a 390 px phone, through a real server: an in-post member scans the community's poster
(its printed link), reports in, in 长辈版; the admin confirms and opens a login; the member signs in,
opens 岗位 from the menu and claims a post in two taps."""

import re
import subprocess

import pytest
from helpers.browser import fits_the_phone, log_in, log_out
from playwright.sync_api import Page, expect

from loudong.partners.models import PartnerUnit, Post, PostClaim, ReportIn
from loudong.registry.models import Household

pytestmark = pytest.mark.browser


def poster_link(client, world, tmp_path) -> str:
    """The link printed under the poster's QR code (the code carries the same address)."""
    client.force_login(world.admin)
    pdf = client.get("/c/xihu/partners/poster.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "在职党员到社区报到" in text and "西湖新村社区" in text
    return re.search(r"(http://\S+/baodao/xihu/)", text).group(1)


def test_a_member_goes_from_the_poster_to_a_claimed_post(live_server, page: Page, world, client, settings, tmp_path):
    w = world
    base = live_server.url
    settings.PUBLIC_URL = base
    settings.REQUEST_MIN_FILL_SECONDS = 0
    page.set_default_timeout(90_000)  # the live server's first page can be slow on a busy machine
    PartnerUnit.objects.create(community=w.community, name="市第一人民医院", party_org="市第一人民医院内科党支部")
    Household.objects.create(community=w.community, stairwell=w.stairwell, room="302")
    post = Post.objects.create(
        community=w.community, title="周五大扫除", kind=Post.Kind.CLEAN_UP, slots=2, time="每周五下午 4:00"
    )

    link = poster_link(client, w, tmp_path)
    assert link == f"{base}/baodao/xihu/"
    page.goto(link + "?elder=1")
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    assert fits_the_phone(page), page.url
    page.get_by_label("姓名").fill("李卫东")
    page.get_by_label("手机号").fill("13512345678")
    page.get_by_label("工作单位").select_option(label="市第一人民医院")
    page.get_by_role("button", name="提交报到").click()
    expect(page.get_by_role("alert")).to_contain_text("有几处需要改一下")
    expect(page.get_by_label("姓名")).to_have_value("李卫东")  # nothing typed is lost
    page.get_by_label("单位党组织").fill("市第一人民医院内科党支部")
    page.get_by_label("您住的楼栋").select_option(label="环城北路93号")
    page.get_by_label("房号").fill("302")
    page.get_by_label("特长", exact=True).fill("量血压、健康讲座")
    page.get_by_role("button", name="提交报到").click()
    expect(page.get_by_role("status")).to_contain_text("已提交报到")
    assert fits_the_phone(page), page.url

    log_in(page, base, "admin")
    page.goto(f"{base}/c/xihu/partners/reports/")
    assert fits_the_phone(page), page.url
    page.get_by_role("link", name="李卫东").click()
    page.get_by_label("登录用户名").fill("liweidong")
    page.get_by_label("初始密码").fill("Fuwu2026Jiankang")
    page.get_by_role("button", name="确认报到").click()
    expect(page.locator(".messages")).to_contain_text("已确认 李卫东 的报到，编入环城北路93号党小组")
    assert ReportIn.objects.get().member.group == w.group
    log_out(page)

    log_in(page, base, "liweidong", "Fuwu2026Jiankang")
    page.goto(f"{base}/c/xihu/")
    expect(page.locator("html")).to_have_class(re.compile("elder"))  # this phone chose 长辈版 at the poster
    page.get_by_role("link", name="全部功能").click()
    page.get_by_role("link", name="岗位", exact=True).click()
    assert fits_the_phone(page), page.url
    page.get_by_role("link", name=re.compile("周五大扫除")).click()  # tap one
    page.get_by_role("button", name="认领这个岗位").click()  # tap two
    expect(page.locator(".messages")).to_contain_text("已认领“周五大扫除”")
    expect(page.locator("#claim")).to_contain_text("您已认领这个岗位")
    assert fits_the_phone(page), page.url
    assert PostClaim.objects.holding().get(post=post).member.resident.name == "李卫东"
