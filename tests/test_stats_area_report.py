"""The work report (工作简报) of a subdistrict or a district, downloaded from its dashboard by the
overseers of that area only, with the figures of the area's dashboard."""

import io

import pytest
from conftest import make_user
from docx import Document
from helpers.stats_history import build_history

from loudong.accounts.models import Role
from loudong.registry.models import Subdistrict

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def history(world):
    return build_history(world)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_overseer_downloads_the_subdistricts_report_from_its_dashboard(history, login):
    client = login(history.overseer)
    url = f"/stats/subdistrict/{history.subdistrict.pk}/report/"
    dashboard = client.get(f"/stats/subdistrict/{history.subdistrict.pk}/", NOVEMBER).content.decode()
    assert f'href="{url}?from=2026-11-01&amp;to=2026-11-30"' in dashboard
    page = client.get(url).content.decode()
    assert "青山街道：按选定期间生成工作简报" in page and "下载 Word" in page and "下载 PDF" in page
    assert f'href="/stats/subdistrict/{history.subdistrict.pk}/"' in page  # back to the dashboard
    response = client.get(url, {**NOVEMBER, "format": "docx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        response["Content-Disposition"].startswith("attachment")
        and "20261101-20261130.docx" in response["Content-Disposition"]
    )
    text = docx_text(response.content)
    assert "青山街道楼栋党小组工作简报" in text and "共收集各类问题12件" in text
    for personal in ("王秀英", "张建国", "13700137000"):
        assert personal not in text


def test_the_district_overseer_gets_the_districts_pdf(history, login):
    boss = make_user("boss", Role.OVERSEER, district=history.district)
    response = login(boss).get(f"/stats/district/{history.district.pk}/report/", {**NOVEMBER, "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_bad_format_or_date_is_explained_in_chinese(history, login):
    client = login(history.overseer)
    url = f"/stats/subdistrict/{history.subdistrict.pk}/report/"
    bad = client.get(url, {**NOVEMBER, "format": "xls"})
    assert bad.status_code == 400 and "格式只能是 Word（docx）或 PDF" in bad.content.decode()
    bad = client.get(url, {"from": "2026-11-30", "to": "2026-11-01", "format": "pdf"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert 'value="2026-11-30"' in bad.content.decode()  # the entry is kept


def test_nobody_else_gets_an_areas_report(history, login):
    other = Subdistrict.objects.get(code="renmin")
    overseer = login(history.overseer)
    for url in (
        f"/stats/subdistrict/{other.pk}/report/",
        f"/stats/district/{history.district.pk}/report/",
        f"/stats/community/{history.community.pk}/report/",
        "/stats/subdistrict/999999/report/",
    ):
        assert overseer.get(url, {**NOVEMBER, "format": "docx"}).status_code == 404, url
    for user in (history.admin, history.leader, history.outsider, history.resident):
        url = f"/stats/subdistrict/{history.subdistrict.pk}/report/"
        assert login(user).get(url, {**NOVEMBER, "format": "docx"}).status_code == 404, user
