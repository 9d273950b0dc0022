"""Group life on a phone, through a real server: the admin runs an election (a member votes on
their phone, paper ballots are entered) and prints the group's notice board."""

import subprocess

import pytest
from conftest import make_user
from helpers.browser import fits_the_phone, log_in, log_out
from playwright.sync_api import Page, expect

from loudong.accounts.models import Role
from loudong.groups.models import Election
from loudong.registry.models import Member, Resident

pytestmark = pytest.mark.browser


@pytest.fixture
def group_of_five(world):
    """刘光前 leads; 王秀英, 赵敏, 孙强 and 李芳 are members; 赵敏 has an account to vote with."""
    for name, username in (("赵敏", "zhao"), ("孙强", ""), ("李芳", "")):
        resident = Resident.objects.create(community=world.community, household=world.household, name=name,
                                           phone="13512345678")  # fmt: skip
        Member.objects.create(community=world.community, resident=resident, group=world.group,
                              employment="working")  # fmt: skip
        if username:
            user = make_user(username, Role.VOLUNTEER, community=world.community, group=world.group)
            user.resident = resident
            user.save()
    world.liu_member.publish_phone = True
    world.liu_member.save()
    return world


def test_admin_runs_an_election_from_the_phone_and_a_member_votes(live_server, page: Page, group_of_five):
    w = group_of_five
    base = live_server.url
    group_page = f"{base}/c/xihu/groups/elections/g/{w.group.pk}/"

    log_in(page, base, "admin")
    page.goto(group_page)
    assert fits_the_phone(page), page.url
    page.get_by_role("link", name="发起选举").click()
    page.get_by_label("组长", exact=True).check()
    page.get_by_role("button", name="发起选举").click()
    expect(page.locator(".messages")).to_contain_text("平台已给出建议名单")
    expect(page.get_by_role("main")).to_contain_text("建议名单")
    expect(page.get_by_role("main")).to_contain_text("近一年党小组没有记录会议")
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="开始投票").click()
    expect(page.locator("#stage")).to_have_text("投票中")
    election = Election.objects.get(group=w.group)
    names = list(election.candidates.values_list("member__resident__name", flat=True))
    log_out(page)

    # 赵敏 votes on her phone.
    log_in(page, base, "zhao")
    page.goto(f"{base}/c/xihu/groups/elections/{election.pk}/")
    page.get_by_role("radio", name=names[0]).check()
    page.get_by_role("button", name="投票").click()
    expect(page.locator("#ballot")).to_contain_text("您已投票")
    assert fits_the_phone(page), page.url
    log_out(page)

    # The admin enters two paper ballots, both for the same candidate, and closes.
    log_in(page, base, "admin")
    page.goto(f"{base}/c/xihu/groups/elections/{election.pk}/")
    expect(page.locator("#turnout")).to_have_text("1")
    page.get_by_role("link", name="录入纸质选票").click()
    page.get_by_role("checkbox", name="孙强").check()
    page.get_by_role("checkbox", name="李芳").check()
    page.get_by_role("spinbutton", name=f"{names[0]} 得票").fill("2")
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="录入").click()
    expect(page.locator(".messages")).to_contain_text("已录入 2 张纸质选票")
    expect(page.locator("#turnout")).to_have_text("3")
    page.get_by_role("link", name="结束选举").click()
    page.get_by_role("button", name="确认结束并计票").click()
    expect(page.locator("#result")).to_contain_text(f"当选组长：{names[0]}")
    expect(page.locator("#result")).to_contain_text("投票 3 人 / 选民 5 人")
    page.goto(group_page)
    expect(page.get_by_role("main")).to_contain_text(f"当选：{names[0]}")


def test_admin_prints_the_groups_notice_board(live_server, page: Page, group_of_five, tmp_path):
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/c/xihu/groups/elections/g/{group_of_five.group.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="打印公示栏和联系卡").click()
    assert fits_the_phone(page), page.url
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载公示栏（A4）").click()
    download = download_info.value
    assert download.suggested_filename == "环城北路93号党小组公示栏-A4.pdf"
    path = tmp_path / "board.pdf"
    download.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "楼栋党小组公示栏" in text and "环城北路93号党小组" in text
    assert "刘光前" in text and "13800138000" in text  # consented
    assert "139****9000" in text and "13900139000" not in text  # 王秀英 did not
    assert "扫码点单" in text
