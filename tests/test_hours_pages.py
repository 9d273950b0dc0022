"""Hours pages: 我的服务时长 shows only one's own records; leaders and admins see their volunteers'
totals (sorted by name, no positions) and decide corrections; outsiders get 404; the certificate
PDF carries the required fields in real Chinese glyphs with a stable number; the public
verification page shows nothing personal beyond the masked name."""

import re
import subprocess
import tempfile
from datetime import date, datetime, timedelta

import pytest
from conftest import make_user
from django.urls import reverse
from helpers.hours import MARCH, errand

from loudong.accounts.models import AuditEntry, Role
from loudong.hours import actions
from loudong.hours.models import Certificate, Correction
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident

MARCH_Q = "?start=2026-03-01&end=2026-03-31"


@pytest.fixture
def w(world):
    """The world plus 赵敏, a member of the same group with an account, and one errand each."""
    w = world
    w.zhao = Resident.objects.create(
        community=w.community, household=w.household2, name="赵敏", id_number="430407198805060021"
    )
    w.zhao_member = Member.objects.create(community=w.community, resident=w.zhao, group=w.group)
    w.zhao_user = make_user("zhao", Role.VOLUNTEER, community=w.community, group=w.group)
    w.zhao_user.resident = w.zhao
    w.zhao_user.save()
    w.wang_errand = errand(w, 90, MARCH)
    w.zhao_errand = errand(
        w, 25, MARCH + timedelta(days=1), member=w.zhao_member, user=w.zhao_user, category="environment"
    )
    return w


def pdf_text(pdf: bytes) -> tuple[str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True).stdout
    return text, fonts


def test_a_volunteer_sees_only_their_own_records(w, login):
    page = login(w.volunteer).get(reverse("hours:mine", args=["xihu"]) + MARCH_Q).content.decode()
    assert "1.5 小时" in page and "为民服务：政策咨询" in page
    assert "环境卫生" not in page and "赵敏" not in page
    assert login(w.volunteer).get(reverse("hours:team", args=["xihu"])).status_code == 404
    assert login(w.volunteer).get(reverse("hours:member", args=["xihu", w.zhao_member.pk])).status_code == 404
    assert login(w.volunteer).get(reverse("hours:queue", args=["xihu"])).status_code == 404


def test_outsiders_and_residents_get_404(w, login):
    for user in (w.outsider, w.resident, w.overseer):
        client = login(user)
        assert client.get(reverse("hours:mine", args=["xihu"])).status_code == 404
        assert client.get(reverse("hours:team", args=["xihu"])).status_code == 404


def test_the_leader_sees_totals_sorted_by_name_without_positions(w, login):
    page = login(w.leader).get(reverse("hours:team", args=["xihu"]) + MARCH_Q).content.decode()
    names = re.findall(r">(刘光前|王秀英|赵敏)</a>", page)
    assert names == ["刘光前", "王秀英", "赵敏"]  # by pinyin: liu, wang, zhao — not by hours
    assert "1.5" in page and "0.4" in page
    table = page.split("<table", 1)[1]
    assert "名次" not in table and "排名" not in table and "第1" not in table


def test_a_volunteer_asks_for_a_correction_and_the_leader_approves_it(w, login):
    day = w.wang_errand.resolved_at.astimezone(SHANGHAI).date()
    url = reverse("hours:ask_change", args=["xihu"]) + f"?source=errand&id={w.wang_errand.pk}&on={day}"
    client = login(w.volunteer)
    assert "现在记录的是 <strong>90 分钟</strong>" in client.get(url).content.decode()
    bad = client.post(url, {"minutes": "abc", "reason": "少填了"}).content.decode()
    assert "请填写整数分钟" in bad
    client.post(url, {"minutes": "150", "reason": "来回陪同就医"})
    correction = Correction.objects.get()
    assert (correction.original_minutes, correction.minutes, correction.status) == (90, 150, "pending")
    other = reverse("hours:ask_change", args=["xihu"]) + f"?source=errand&id={w.zhao_errand.pk}&on={day}"
    assert client.get(other).status_code == 404  # 赵敏's record is not hers

    leader = login(w.leader)
    queue = leader.get(reverse("hours:queue", args=["xihu"])).content.decode()
    assert "来回陪同就医" in queue
    leader.post(reverse("hours:decide", args=["xihu", correction.pk]), {"decision": "approve", "note": ""})
    assert Correction.objects.get().status == "approved"
    assert AuditEntry.objects.filter(object_type="correction", action="update").exists()
    page = login(w.volunteer).get(reverse("hours:mine", args=["xihu"]) + MARCH_Q).content.decode()
    assert "2.5 小时" in page and "已更正" in page
    # read aloud as the screen shows it: "原为 90 分钟，更正为 150 分钟", not "90150 分钟"
    spoken = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'<span class="mins">(.*?分钟)</span>\n', page)]
    assert "原为 90分钟，更正为 150 分钟" in spoken


def test_the_outsider_cannot_decide_a_correction(w, login):
    line = next(iter(actions.ledger([w.community.pk], date(2026, 3, 1), date(2026, 3, 31), [w.wang_member.pk])))
    correction = actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=100, reason="少填了")
    response = login(w.outsider).post(reverse("hours:decide", args=["xihu", correction.pk]), {"decision": "approve"})
    assert response.status_code == 404
    login(w.zhao_user).post(reverse("hours:decide", args=["xihu", correction.pk]), {"decision": "approve"})
    assert Correction.objects.get().status == "pending"


def test_a_volunteer_asks_for_a_missing_record_with_clear_errors(w, login):
    client = login(w.volunteer)
    url = reverse("hours:ask_missing", args=["xihu"])
    page = client.post(url, {"served_on": "2026-03-05", "content": "", "minutes": "0", "reason": ""}).content.decode()
    assert "请写明做了什么服务" in page and "用时至少 1 分钟" in page and "请写明理由" in page
    client.post(url, {"served_on": "2026-03-05", "content": "帮独居老人买药", "minutes": "40", "reason": "电话求助"})
    assert Correction.objects.get().kind == "missing"


def test_the_certificate_has_the_required_fields_in_chinese_and_a_stable_number(w, login):
    leader = login(w.leader)
    issue = reverse("hours:issue", args=["xihu", w.zhao_member.pk])
    leader.post(issue, {"start": "2026-03-01", "end": "2026-03-31"})
    certificate = Certificate.objects.get()
    assert certificate.number == f"XHXC-{date.today().year}-0001"
    pdf = leader.get(reverse("hours:certificate", args=["xihu", certificate.pk])).content
    text, fonts = pdf_text(pdf)
    flat = re.sub(r"\s+", "", text)
    for needed in (
        "志愿服务记录证明",
        certificate.number,
        "赵敏",
        "430407**********21",
        "为民服务：环境卫生",
        "0.4",
        "2026年3月1日至2026年3月31日",
        "西湖新村社区党组织",
        "出具日期",
        "经办人",
    ):
        assert needed in flat, needed
    assert "430407198805060021" not in flat
    assert "Loudong" in fonts or "WenQuanYi" in fonts or "wqy" in fonts.lower()

    # More hours later do not change an issued certificate; issuing again gives the same one.
    errand(w, 60, MARCH + timedelta(days=3), member=w.zhao_member, user=w.zhao_user)
    leader.post(issue, {"start": "2026-03-01", "end": "2026-03-31"})
    assert Certificate.objects.count() == 1
    again, _ = pdf_text(login(w.zhao_user).get(reverse("hours:certificate", args=["xihu", certificate.pk])).content)
    assert certificate.number in again and "0.4" in again
    # The next certificate of the community takes the next number.
    second, _ = actions.issue_certificate(w.wang_member, by=w.admin, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert second.number.endswith("-0002")


def test_only_the_owner_and_their_leaders_download_a_certificate(w, login):
    certificate, _ = actions.issue_certificate(
        w.zhao_member, by=w.leader, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    url = reverse("hours:certificate", args=["xihu", certificate.pk])
    assert login(w.volunteer).get(url).status_code == 404
    assert login(w.outsider).get(url).status_code == 404
    assert login(w.zhao_user).get(url).status_code == 200
    assert AuditEntry.objects.filter(action="export", object_type="certificate").count() == 1


def test_issuing_refuses_empty_periods_volunteers_and_the_future(w, login):
    with pytest.raises(ActionRefused, match="没有服务时长"):
        actions.issue_certificate(w.zhao_member, by=w.leader, start=date(2026, 5, 1), end=date(2026, 5, 31))
    with pytest.raises(ActionRefused, match="组长或社区管理员"):
        actions.issue_certificate(w.zhao_member, by=w.volunteer, start=date(2026, 3, 1), end=date(2026, 3, 31))
    with pytest.raises(ActionRefused, match="晚于今天"):
        actions.issue_certificate(
            w.zhao_member, by=w.leader, start=date(2026, 3, 1), end=date.today() + timedelta(days=1)
        )
    response = login(w.volunteer).post(
        reverse("hours:issue", args=["xihu", w.zhao_member.pk]), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 404


def test_the_public_verification_page_shows_only_the_masked_name_period_hours_and_issuer(w, client):
    certificate, _ = actions.issue_certificate(
        w.zhao_member, by=w.leader, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    page = client.get(reverse("hours:verify", args=["xihu", certificate.token])).content.decode()
    assert "赵*" in page and "0.4 小时" in page and "西湖新村社区党组织" in page and "2026年3月1日" in page
    for private in ("赵敏", "430407", "环城北路", "学宫巷", "环境卫生", w.group.name, certificate.number):
        assert private not in page, private
    assert client.get(reverse("hours:verify", args=["xihu", "not-a-token"])).status_code == 404
    assert client.get(reverse("hours:verify", args=["other", certificate.token])).status_code == 404


def test_periods_in_the_address_are_checked(w, login):
    client = login(w.volunteer)
    page = client.get(reverse("hours:mine", args=["xihu"]) + "?start=2026-04-01&end=2026-03-01").content.decode()
    assert "起始日期不能晚于截止日期" in page
    page = client.get(reverse("hours:mine", args=["xihu"]) + "?p=last_month").content.decode()
    assert 'aria-current="true">上月' in page
    late = errand(w, 10, datetime(2026, 3, 31, 23, 50, tzinfo=SHANGHAI))
    assert late.resolved_at.astimezone(SHANGHAI).date() == date(2026, 3, 31)
    page = client.get(reverse("hours:mine", args=["xihu"]) + "?start=2026-04-01&end=2026-04-30").content.decode()
    assert "0.0 小时" in page


def test_the_leader_opens_a_volunteers_records_and_issues_from_there(w, login):
    leader = login(w.leader)
    url = reverse("hours:member", args=["xihu", w.zhao_member.pk]) + MARCH_Q
    page = leader.get(url).content.decode()
    assert "为民服务：环境卫生" in page and "出具志愿服务记录证明" in page
    assert AuditEntry.objects.filter(action="view", object_type="member").exists()
    leader.post(reverse("hours:issue", args=["xihu", w.zhao_member.pk]), {"start": "2026-03-01", "end": "2026-03-31"})
    page = leader.get(url).content.decode()
    number = Certificate.objects.get().number
    assert f"这段时间的证明已出具：<strong>{number}</strong>" in page
    assert number in login(w.zhao_user).get(reverse("hours:mine", args=["xihu"])).content.decode()
    bad = login(w.leader).post(
        reverse("hours:issue", args=["xihu", w.zhao_member.pk]),
        {"start": "2026-03-31", "end": "2026-03-01"},
        follow=True,
    )
    assert "起始日期不能晚于截止日期" in bad.content.decode()
