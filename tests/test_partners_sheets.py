"""反馈单: one sheet per workplace party organisation per quarter, its hours the hours ledger's for
that quarter, printed with real Chinese glyphs and a QR code that verifies it; the command writes
them all and explains mistakes in Chinese."""

import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from helpers.hours import MARCH, errand

from loudong.hours.ledger import ledger, total_by_member
from loudong.hours.models import Correction
from loudong.lib.identity import InvalidValue
from loudong.lib.shanghai import SHANGHAI
from loudong.partners.models import Evaluation, FeedbackSheet, PartnerUnit, Post, PostClaim, ReportIn
from loudong.partners.sheets import Quarter, render, sheets_for

Q1 = Quarter(2026, 1)


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Loudong-CJK" in fonts  # the bundled font, embedded
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def in_post(world):
    """王秀英 and 刘光前 reported in from the hospital (one party organisation), 张建国 from a school."""
    hospital = PartnerUnit.objects.create(community=world.community, name="市第一人民医院", party_org="医院内科党支部")
    from loudong.registry.models import Member

    zhang = Member.objects.create(community=world.community, resident=world.zhang)
    for member, unit, org in [
        (world.wang_member, hospital, "医院内科党支部"),
        (world.liu_member, hospital, "医院内科党支部"),
        (zhang, None, "实验小学党支部"),
    ]:
        ReportIn.objects.create(
            community=world.community,
            name=member.resident.name,
            phone=member.resident.phone,
            unit=unit,
            workplace="" if unit else "实验小学",
            workplace_party_org=org,
            status=ReportIn.Status.CONFIRMED,
            member=member,
            decided_at=datetime(2026, 1, 5, tzinfo=SHANGHAI),
        )
    post = Post.objects.create(community=world.community, title="周五大扫除", kind=Post.Kind.CLEAN_UP, slots=5)
    PostClaim.objects.create(post=post, member=world.wang_member, claimed_at=datetime(2026, 1, 10, tzinfo=SHANGHAI))
    # Released before the quarter: not on the sheet.
    old = Post.objects.create(community=world.community, title="旧岗位", slots=5)
    PostClaim.objects.create(
        post=old,
        member=world.wang_member,
        claimed_at=datetime(2025, 10, 1, tzinfo=SHANGHAI),
        released_at=datetime(2025, 12, 1, tzinfo=SHANGHAI),
    )
    errand(world, 90, MARCH)
    errand(world, 30, MARCH + timedelta(days=1))
    errand(world, 45, datetime(2026, 4, 2, 10, tzinfo=SHANGHAI))  # next quarter
    Correction.objects.create(
        community=world.community,
        member=world.liu_member,
        kind=Correction.Kind.MISSING,
        served_on=date(2026, 2, 20),
        content="周五大扫除",
        minutes=120,
        reason="漏记",
        status=Correction.Status.APPROVED,
    )
    Evaluation.objects.create(
        community=world.community,
        member=world.wang_member,
        quarter="2026Q1",
        grade="good",
        comment="热心负责，随叫随到",
    )
    return world


def test_the_sheet_figures_equal_the_hours_ledger_for_that_quarter(in_post):
    w = in_post
    sheets = sheets_for(w.community, Q1)
    assert [s.party_org for s in sheets] == ["医院内科党支部", "实验小学党支部"]
    hospital = sheets[0]
    ledger_minutes = total_by_member(ledger([w.community.pk], Q1.start, Q1.end))
    by_member = {row.member.pk: row for row in hospital.rows}
    assert by_member[w.wang_member.pk].minutes == ledger_minutes[w.wang_member.pk] == 120
    assert by_member[w.liu_member.pk].minutes == ledger_minutes[w.liu_member.pk] == 120
    assert hospital.minutes == 240 and hospital.hours == "4.0"
    wang = by_member[w.wang_member.pk]
    assert wang.times == 2 and wang.posts == ["周五大扫除"] and wang.evaluation.comment == "热心负责，随叫随到"
    assert sheets[1].rows[0].minutes == 0 and sheets[1].rows[0].workplace == "实验小学"
    # The next quarter has the April errand only.
    q2 = {r.member.pk: r.minutes for s in sheets_for(w.community, Quarter(2026, 2)) for r in s.rows}
    assert (
        q2[w.wang_member.pk]
        == 45
        == total_by_member(ledger([w.community.pk], date(2026, 4, 1), date(2026, 6, 30)))[w.wang_member.pk]
    )


def test_the_sheet_prints_real_chinese_and_its_qr_code_verifies_it(in_post, client, tmp_path):
    sheet = sheets_for(in_post.community, Q1)[0]
    text = text_of(render(sheet), tmp_path)
    for words in [
        "在职党员到社区报到服务情况反馈单",
        "医院内科党支部",
        "王秀英",
        "刘光前",
        "周五大扫除",
        "热心负责",
        "4.0",
        "2026年第一季度",
    ]:
        assert words in text, words
    record = FeedbackSheet.objects.get(party_org="医院内科党支部", quarter="2026Q1")
    assert record.minutes == 240 and record.members == 2
    page = client.get(reverse("feedback_sheet_verify", args=[record.token]))
    assert page.status_code == 200 and "真实有效" in page.text and "4.0 小时" in page.text
    assert "王秀英" not in page.text
    assert client.get(reverse("feedback_sheet_verify", args=["not-a-token"])).status_code == 404


def test_the_admin_evaluates_and_downloads_the_sheet_and_nobody_else_can(in_post, client, login, tmp_path):
    w = in_post
    login(w.admin)
    url = reverse("partners:sheets", args=["xihu"])
    page = client.get(url, {"quarter": "2026Q1"})
    assert "医院内科党支部" in page.text and "张建国" in page.text
    bad = client.post(
        reverse("partners:evaluate", args=["xihu", w.liu_member.pk]), {"quarter": "2026Q1", "comment": ""}, follow=True
    )
    assert "请选择评价" in bad.text and "请写一句评语" in bad.text
    client.post(
        reverse("partners:evaluate", args=["xihu", w.liu_member.pk]),
        {"quarter": "2026Q1", "grade": "fairly_good", "comment": "按时参加大扫除"},
    )
    assert Evaluation.objects.get(member=w.liu_member, quarter="2026Q1").get_grade_display() == "较好"
    pdf = client.get(reverse("partners:sheet_pdf", args=["xihu"]), {"quarter": "2026Q1", "org": "医院内科党支部"})
    assert pdf.status_code == 200 and "按时参加大扫除" in text_of(pdf.content, tmp_path)
    assert "年份加 Q" in client.get(url, {"quarter": "2026Q5"}).text
    login(w.leader)
    assert client.get(url).status_code == 404
    login(w.outsider)
    assert (
        client.get(
            reverse("partners:sheet_pdf", args=["xihu"]), {"quarter": "2026Q1", "org": "医院内科党支部"}
        ).status_code
        == 404
    )


def test_the_command_writes_one_sheet_per_party_organisation(in_post, tmp_path, capsys):
    call_command("feedback_sheets", community="xihu", quarter="2026Q1", output=str(tmp_path / "out"))
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["反馈单-2026Q1-医院内科党支部.pdf", "反馈单-2026Q1-实验小学党支部.pdf"]
    assert "已生成 2 张反馈单" in capsys.readouterr().out
    assert "张建国" in text_of((tmp_path / "out" / files[1]).read_bytes(), tmp_path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"community": "nowhere", "quarter": "2026Q4"}, "找不到社区代码 nowhere"),
        ({"community": "xihu", "quarter": "2026Q5"}, "季度写法不对"),
        ({"community": "xihu", "quarter": "四季度"}, "季度写法不对"),
        ({"quarter": "2026Q4"}, "请用 --community 写明社区代码"),
        ({"community": "xihu", "quarter": "2026Q4"}, "请用 -o 写明"),
    ],
)
def test_the_command_explains_mistakes_in_chinese(world, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("feedback_sheets", **options)


def test_quarters_read_and_span_their_months():
    assert Quarter.parse("2026Q4").start == date(2026, 10, 1) and Quarter.parse("2026q4").end == date(2026, 12, 31)
    assert Quarter.parse("2024Q1").end == date(2024, 3, 31) and Quarter(2026, 1).previous == Quarter(2025, 4)
    with pytest.raises(InvalidValue):
        Quarter.parse("2026-10")
