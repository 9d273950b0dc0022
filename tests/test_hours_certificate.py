"""志愿服务记录证明 on one A4 page: however long the names and however many kinds of service and hours,
the sheet keeps 经办人, the date, the seal circle and the QR code on the page it certifies."""

import re
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse

from loudong.hours import actions
from loudong.hours.models import Certificate
from loudong.hours.views_certificates import MAX_CONTENT_ROWS, certificate_html, content_rows
from loudong.lib.pdf import html_to_pdf

# As long as the fields allow: a 40-character name, a 50-character community, a 60-character group.
LONG_PERSON = "阿卜杜热西提·艾则孜买买提依明·库尔班江·迪丽热巴·古力娜扎尔·欧阳娜娜热依扎阿依"[:40]
LONG_COMMUNITY = "湖南省衡阳市石鼓区青山街道办事处西湖新村环城北路学宫巷船山路西湖广场小西门综合楼社区居民委员会"[:50]
LONG_GROUP = "船山路63号西湖广场综合楼与船山路39号小西门综合楼及环城北路93号学宫巷3号相邻楼栋联合党小组第一小组"[:60]
LONG_CLERK = "欧阳·热依扎·迪丽热巴·买买提依明·古力娜扎尔·阿卜杜热西提·艾则孜"[:40]


def pdf_facts(pdf: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1)), text


@pytest.fixture
def long_named(world):
    """The longest names the registry holds, for 王秀英 (renamed), her group, community and leader."""
    world.community.name = LONG_COMMUNITY
    world.community.save()
    world.group.name = LONG_GROUP
    world.group.save()
    world.wang.name = LONG_PERSON
    world.wang.id_number = "430407195307090027"
    world.wang.save()
    world.leader.display_name = LONG_CLERK
    world.leader.save()
    return world


def test_a_year_of_many_kinds_of_service_under_long_names_prints_on_one_page(long_named, login, tmp_path):
    w = long_named
    year_ago = date.today() - timedelta(days=360)
    for i in range(24):  # 24 kinds of service, each described in the full 100 characters allowed
        content = f"第{i + 1:02d}项：陪同独居老人到市中心医院复诊取药并代办医保异地备案手续，"
        content += "帮助整理药品和病历" * 9
        ask = actions.ask_missing(
            w.wang_member,
            by=w.volunteer,
            served_on=year_ago + timedelta(days=i * 14),
            minutes=1440 - i,
            content=content[:100],
            reason="当时忘记登记",
        )
        actions.decide(ask, by=w.leader, approve=True)
    certificate, _ = actions.issue_certificate(w.wang_member, by=w.leader, start=year_ago, end=date.today())
    assert len(certificate.contents) == 24

    response = login(w.leader).get(reverse("hours:certificate", args=["xihu", certificate.pk]))
    pages, text = pdf_facts(response.content, tmp_path)
    assert pages == 1
    flat = "".join(text.split())
    for needed in (
        "经办人",
        "出具日期",
        "（盖章）",
        "扫码查验真伪",
        certificate.number,
        "其他17项服务",
        LONG_CLERK[:8],
        LONG_PERSON[:8],
    ):
        assert needed in flat
    assert f"{(sum(1440 - i for i in range(24))) / 60:.1f}" in flat  # the total, every kind counted


@pytest.mark.parametrize("kinds", [1, MAX_CONTENT_ROWS, MAX_CONTENT_ROWS + 1, 60])
def test_the_largest_totals_and_longest_fields_stay_on_one_page(world, tmp_path, kinds):
    """A certificate row as long as its columns allow (the snapshot the PDF is printed from)."""
    certificate = Certificate.objects.create(
        community=world.community, member=world.wang_member, year=2026, serial=9999, number="XHXC-2026-9999",
        period_start=date(2000, 1, 1), period_end=date(2026, 12, 6), minutes=99_999 * 60 + 54,
        record_count=99_999, contents=[["陪同就医" * 25, 9_999, 9_999 * 60] for _ in range(kinds)],
        person_name="买" * 40, id_number_masked="430407**********27", group_name="组" * 60,
        issuer=f"{'社' * 50}党组织", issued_on=date(2026, 12, 7), issued_by_name="经" * 40,
    )  # fmt: skip
    pages, text = pdf_facts(html_to_pdf(certificate_html(certificate)), tmp_path)
    assert pages == 1
    assert "99999.9" in text and "经办人" in text and "出具日期" in text


def test_the_table_keeps_the_largest_kinds_and_sums_the_rest_on_one_row():
    contents = [[f"服务{i}", 2, 600 - i * 10] for i in range(12)]
    rows = content_rows(contents)
    assert len(rows) == MAX_CONTENT_ROWS
    assert rows[0] == ("服务0", 2, "10.0")
    rest = contents[MAX_CONTENT_ROWS - 1 :]
    assert rows[-1] == (f"其他 {len(rest)} 项服务", 2 * len(rest), f"{sum(r[2] for r in rest) / 60:.1f}")
    assert content_rows(contents[:MAX_CONTENT_ROWS]) == [
        (c, t, f"{m / 60:.1f}") for c, t, m in contents[:MAX_CONTENT_ROWS]
    ]
    long = content_rows([["陪" * 100, 1, 60]])[0][0]
    assert len(long) == 28 and long.endswith("…")
