"""三联单: one A4 page, three parts with cut lines and QR codes, real Chinese text; staff only."""

import re
import subprocess

import pytest
from conftest import make_user

from loudong.accounts.models import AuditEntry, Role
from loudong.tickets import actions
from loudong.tickets.slip import sees_contact, slip_pdf


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def resolved(world):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        room="301",
        category_code="hardship",
        description="独居老人需要买药，腿脚不方便下楼",
        contact_name="王阿姨",
        contact_phone="13512345678",
    )
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    actions.resolve(req, by=world.volunteer, resolution="offline", reply="已到药店买好降压药送到家", minutes=40)
    actions.confirm(req, "satisfied", "谢谢王老师")
    req.refresh_from_db()
    return req


def test_slip_has_three_parts_on_one_a4_page_with_the_whole_story(resolved, tmp_path, settings):
    pdf = slip_pdf(resolved)
    info = pdf_pages(pdf, tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info
    text = pdf_text(pdf, tmp_path)
    for part in ["问题单", "责任单", "服务单"]:
        assert part in text
    assert text.count(resolved.number) == 3  # each part carries the number
    assert "沿虚线剪开" in text
    # 问题单: what was asked, by whom (masked phone), where, when, how
    assert "独居老人需要买药" in text and "困难需求" in text and "求助" in text and "扫码点单" in text
    assert "王阿姨" in text and "135****5678" in text and "13512345678" not in text
    assert "环城北路93号1单元301室" in text
    # 责任单: who, dispatched by whom, by when
    assert "环城北路93号党小组" in text and "王秀英" in text and "leader" in text
    assert "12 小时内接单" in text and "5 个工作日内办结" in text
    assert "24:00" in text  # a deadline at midnight reads as the end of its last day
    # 服务单: what was done and the resident's word
    assert "线下跑腿" in text and "已到药店买好降压药送到家" in text and "40 分钟" in text
    assert "■满意" in text and "谢谢王老师" in text and "居民确认签字" in text


def test_slip_times_are_shanghai_times(resolved, tmp_path):
    from zoneinfo import ZoneInfo

    text = pdf_text(slip_pdf(resolved), tmp_path)
    local = resolved.created_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y}年{local.month}月{local.day}日 {local:%H:%M}" in text


def test_slip_of_a_new_request_leaves_the_later_parts_blank_for_paper_use(world, tmp_path):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        category_code="policy",
        description="医保报销怎么办",
        contact_phone="13512345678",
    )
    text = pdf_text(slip_pdf(req), tmp_path)
    assert "尚未派单" in text and "□满意" in text and "□不满意" in text and "承办人签字" in text


def test_anonymous_resident_is_hidden_from_the_volunteer_but_not_from_the_leader(world, tmp_path):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        category_code="policy",
        description="医保报销怎么办",
        contact_name="王阿姨",
        contact_phone="13512345678",
        anonymous=True,
    )
    actions.dispatch(req, world.wang_member, by=world.leader)
    assert not sees_contact(world.volunteer, req) and sees_contact(world.leader, req) and sees_contact(world.admin, req)
    text = pdf_text(slip_pdf(req, world.volunteer), tmp_path)
    assert "王阿姨" not in text and "135****5678" not in text and "匿名" in text


def test_staff_who_see_the_request_download_the_slip_and_it_is_logged(resolved, login, world):
    response = login(world.leader).get(f"/c/xihu/requests/{resolved.pk}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "inline" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", object_type="request").exists()


def test_the_slip_is_404_for_anyone_who_cannot_see_the_request(resolved, login, world, client):
    other_volunteer = make_user("other-volunteer", Role.VOLUNTEER, community=world.community, group=world.group)
    for user in [world.outsider, world.overseer, world.resident, other_volunteer]:
        client.logout()
        assert login(user).get(f"/c/xihu/requests/{resolved.pk}/slip.pdf").status_code == 404, user
    client.logout()
    assert client.get(f"/c/xihu/requests/{resolved.pk}/slip.pdf").status_code == 302  # to the login page
