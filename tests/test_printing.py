"""Notice boards (公示栏) and contact cards (便民联系卡) as PDFs: names, roles, the venue, QR codes,
phones in full only with consent, batch prints of a whole community, and who may print."""

import re
import subprocess
from datetime import date

import pytest
from conftest import make_user
from django.urls import reverse

from loudong.accounts.audit import shown_text
from loudong.accounts.models import AuditEntry, Role
from loudong.groups.models import BuildingGroup, Venue, VenueConsent
from loudong.registry.models import Member, Resident, Stairwell


def url(name: str, *args) -> str:
    return reverse(f"printing:{name}", args=["xihu", *args])


def save(pdf: bytes, tmp_path, name: str = "out.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = save(pdf, tmp_path)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: bytes, tmp_path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(save(pdf, tmp_path))], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return pages, f"{round(float(size.group(1)) / 72 * 25.4)}x{round(float(size.group(2)) / 72 * 25.4)}"


def pdf_images(pdf: bytes, tmp_path) -> int:
    listed = subprocess.run(["pdfimages", "-list", str(save(pdf, tmp_path))], capture_output=True, text=True,
                            check=True).stdout  # fmt: skip
    return len(listed.strip().splitlines()) - 2  # two header lines


def pdf_font_sizes(pdf: bytes, tmp_path) -> list[int]:
    """The size in whole points (poppler drops the fraction: 10.5 pt reads 10) of each piece of text."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", str(save(pdf, tmp_path))],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    sizes = dict(re.findall(r'<fontspec id="(\d+)" size="(\d+)"', xml))
    return [int(sizes[font]) for font in re.findall(r'<text [^>]*font="(\d+)"', xml)]


def download(client, address: str) -> bytes:
    response = client.get(address)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    return response.content


@pytest.fixture
def board_world(world):
    """刘光前 (leader) consented to publish his phone; 王秀英 did not. A venue at his home."""
    world.liu_member.publish_phone = True
    world.liu_member.save()
    venue = Venue.objects.create(community=world.community, group=world.group, host=world.liu_member,
                                 household=world.household, opening_times="每周二、五 下午 3:00–5:00")  # fmt: skip
    VenueConsent.objects.create(community=world.community, venue=venue, given_on=date(2021, 6, 20), others="刘光前")
    return world


def test_board_lists_names_roles_phones_services_venue_and_a_qr_code(board_world, login, tmp_path, settings):
    settings.PUBLIC_URL = "https://loudong.example.cn"
    w = board_world
    pdf = download(login(w.admin), url("board", w.group.pk) + "?size=A4")
    text = pdf_text(pdf, tmp_path)
    assert "楼栋党小组公示栏" in text and "环城北路93号党小组" in text
    assert re.search(r"刘光前\s+组长\s+13800138000", text)
    assert re.search(r"王秀英\s+党员\s+139\*\*\*\*9000\s+代买代办", text)
    assert "13900139000" not in text
    assert "红色议事厅：环城北路93号1单元301室" in text and "每周二、五 下午 3:00–5:00" in text
    assert "扫码点单" in text
    assert f"https://loudong.example.cn/ask/g/{w.group.public_token}/" in text
    assert pdf_images(pdf, tmp_path) == 1  # the QR code
    assert pdf_pages(pdf, tmp_path) == (1, "210x297")


def test_board_prints_on_a3(board_world, login, tmp_path):
    pdf = download(login(board_world.admin), url("board", board_world.group.pk) + "?size=A3")
    assert pdf_pages(pdf, tmp_path) == (1, "297x420")


def test_withdrawing_consent_masks_the_phone_on_the_next_print(board_world, login, tmp_path):
    w = board_world
    client = login(w.leader)  # 刘光前 withdraws his own consent from his phone
    response = client.post(url("my_consent"), {"publish": "0"}, follow=True)
    assert "您已撤回同意" in response.content.decode()
    w.liu_member.refresh_from_db()
    assert not w.liu_member.publish_phone and w.liu_member.publish_phone_consented_at is None
    text = pdf_text(download(client, url("board", w.group.pk)), tmp_path)
    assert "13800138000" not in text and "138****8000" in text
    # The log holds the name as a pseudonym (loudong.accounts.audit) and shows it back.
    entries = AuditEntry.objects.filter(object_type="member")
    assert "刘光前 的电话公示" in [shown_text(e.object_repr) for e in entries]


def test_a_member_consents_from_their_phone_and_the_time_is_kept(board_world, login, tmp_path):
    w = board_world
    client = login(w.volunteer)  # 王秀英
    client.post(url("my_consent"), {"publish": "1"})
    w.wang_member.refresh_from_db()
    assert w.wang_member.publish_phone and w.wang_member.publish_phone_consented_at is not None
    text = pdf_text(download(login(w.admin), url("board", w.group.pk)), tmp_path)
    assert "13900139000" in text


def test_admin_records_consents_collected_on_paper(board_world, login):
    w = board_world
    client = login(w.admin)
    response = client.post(url("consent", w.group.pk), {"publish": [w.wang_member.pk]}, follow=True)
    assert "2 人有变化" in response.content.decode()
    w.liu_member.refresh_from_db()
    w.wang_member.refresh_from_db()
    assert w.wang_member.publish_phone and not w.liu_member.publish_phone


def test_cards_come_ten_to_a_sheet_with_masked_or_full_phones_and_qr_codes(board_world, login, tmp_path):
    w = board_world
    for i in range(9):  # eleven members: two sheets
        r = Resident.objects.create(community=w.community, household=w.household, name=f"志愿者{i}",
                                    phone=f"1370000000{i}")  # fmt: skip
        Member.objects.create(community=w.community, resident=r, group=w.group)
    pdf = download(login(w.admin), url("cards", w.group.pk))
    text = pdf_text(pdf, tmp_path)
    assert text.count("党员便民联系卡") == 11
    assert "刘光前" in text and "13800138000" in text
    assert "139****9000" in text and "13900139000" not in text
    assert "137****0003" in text
    assert "服务：代买代办" in text and "住址：环城北路93号" in text
    assert pdf_pages(pdf, tmp_path) == (2, "210x297")
    assert pdf_images(pdf, tmp_path) == 11


def test_printed_text_is_large_enough_for_old_eyes(board_world, login, tmp_path):
    """The notice board's text is 12 pt or more on A4, the small print too; a contact card's 10.5 pt or
    more (11 pt), its name 17 pt."""
    client = login(board_world.admin)
    board = pdf_font_sizes(download(client, url("board", board_world.group.pk)), tmp_path)
    assert len(board) > 20 and min(board) >= 12
    assert pdf_pages(download(client, url("board", board_world.group.pk)), tmp_path) == (1, "210x297")
    cards = pdf_font_sizes(download(client, url("cards", board_world.group.pk)), tmp_path)
    assert len(cards) > 10 and min(cards) >= 11 and max(cards) >= 17


def test_batch_print_puts_every_groups_board_in_one_pdf(board_world, login, tmp_path):
    w = board_world
    second = BuildingGroup.objects.create(community=w.community, name="学宫巷3号党小组")
    Stairwell.objects.filter(pk=w.stairwell2.pk).update(group=second)
    zhang = Member.objects.create(community=w.community, resident=w.zhang, group=second)
    second.leader = zhang
    second.save()
    pdf = download(login(w.admin), url("all_boards") + "?size=A4")
    text = pdf_text(pdf, tmp_path)
    assert pdf_pages(pdf, tmp_path) == (2, "210x297")
    assert "环城北路93号党小组" in text and "学宫巷3号党小组" in text and "张建国" in text
    assert pdf_images(pdf, tmp_path) == 2
    cards = download(login(w.admin), url("all_cards"))
    assert pdf_pages(cards, tmp_path) == (1, "210x297")
    assert pdf_text(cards, tmp_path).count("党员便民联系卡") == 3
    exports = AuditEntry.objects.filter(action="export", object_type="buildinggroup")
    assert set(exports.values_list("object_repr", flat=True)) == {"全社区公示栏（A4）", "全社区便民联系卡"}


def test_leader_prints_their_own_group_only(board_world, login):
    w = board_world
    other = BuildingGroup.objects.create(community=w.community, name="学宫巷3号党小组")
    client = login(w.leader)
    assert client.get(url("board", w.group.pk)).status_code == 200
    assert client.get(url("board", other.pk)).status_code == 404
    assert client.get(url("cards", other.pk)).status_code == 404
    assert client.get(url("all_boards")).status_code == 404
    assert client.get(url("all_cards")).status_code == 404
    assert client.post(url("consent", w.group.pk), {"publish": []}).status_code == 404


def test_a_leaders_printed_leader_grant_does_not_reach_another_community(board_world, login):
    stranger_leader = make_user("elsewhere", Role.ADMIN, community=board_world.other)
    client = login(stranger_leader)
    assert client.get(url("board", board_world.group.pk)).status_code == 404
    assert client.get(url("all_boards")).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer", "resident", "overseer", "outsider"])
def test_others_cannot_print(board_world, login, persona):
    client = login(getattr(board_world, persona))
    assert client.get(url("board", board_world.group.pk)).status_code == 404
    assert client.get(url("cards", board_world.group.pk)).status_code == 404
    assert client.get(url("all_cards")).status_code == 404


def test_each_print_is_written_to_the_audit_log(board_world, login):
    download(login(board_world.leader), url("cards", board_world.group.pk))
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_repr == "便民联系卡" and entry.detail["张数"] == 2 and entry.detail["完整电话"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_demo_community_prints_whole_in_one_batch(login, tmp_path, capsys):
    """The demo's first groups: an election that made each named leader, an open venue with its kit,
    most phones published; the whole community's boards and cards each in one PDF, timed."""
    import math
    import time

    from django.core.management import call_command

    from loudong.accounts.models import User
    from loudong.groups.models import Election

    call_command("demo", verbosity=0)
    for name in ("肖伯群", "刘光前", "郭旭中", "杨学成"):
        election = Election.objects.get(elected__resident__name=name)
        assert election.outcome == "elected" and election.stage == "closed"
        assert election.electors.filter(voted=True).count() * 2 > election.electors.count()
        assert sum(election.candidates.values_list("votes", flat=True)) + election.blank_votes == (
            election.electors.filter(voted=True).count()
        )
        venue = Venue.objects.get(host__resident__name=name)
        assert venue.consents.filter(withdrawn_on__isnull=True).exists() and venue.kit.count() >= 6
    members = Member.objects.filter(community__code="xihu-xincun", group__isnull=False)
    assert members.filter(publish_phone=True).count() > members.count() * 0.7

    client = login(User.objects.get(username="demo-admin"))
    groups = BuildingGroup.objects.filter(community__code="xihu-xincun").count()
    assert client.get("/c/xihu-xincun/groups/print/").status_code == 200  # loads the URLconf: not timed
    started = time.monotonic()
    boards = client.get("/c/xihu-xincun/groups/print/boards.pdf?size=A4").content
    boards_time = time.monotonic() - started
    started = time.monotonic()
    cards = client.get("/c/xihu-xincun/groups/print/cards.pdf").content
    cards_time = time.monotonic() - started
    assert pdf_pages(boards, tmp_path) == (groups, "210x297")
    assert pdf_pages(cards, tmp_path) == (math.ceil(members.count() / 10), "210x297")
    assert pdf_images(cards, tmp_path) == members.count()
    with capsys.disabled():
        print(
            f"\n批量打印演示社区：公示栏 {groups} 页 {boards_time:.1f} 秒；"
            f"联系卡 {members.count()} 张 {math.ceil(members.count() / 10)} 页 {cards_time:.1f} 秒"
        )


def test_a_venue_whose_consent_was_withdrawn_is_left_off_the_board(board_world, login, tmp_path):
    VenueConsent.objects.update(withdrawn_on=date(2024, 3, 1))
    text = pdf_text(download(login(board_world.admin), url("board", board_world.group.pk)), tmp_path)
    assert "红色议事厅" not in text and "刘光前" in text
