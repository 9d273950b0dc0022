"""The work report (工作简报): its figures are `figures()`'s and the API's for the same period, the
Word file holds the sentences, the category table and the charts, the PDF carries Chinese text and
the chart images, the command line refuses bad input in Chinese with exit code 2, and the download
page answers only those who may see the community's figures."""

import subprocess
import warnings
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from helpers.work_report import MARCH, build_history, docx_text

from loudong.accounts.models import ApiToken
from loudong.stats.compute import figures
from loudong.stats.report.build import build_report
from loudong.stats.report.pdf import report_pdf
from loudong.stats.report.word import report_docx
from loudong.stats.scope import Scope


@pytest.fixture
def history(world):
    build_history(world)
    return world


def test_report_figures_are_the_figures_of_the_dashboard(history):
    scope = Scope.for_community("xihu")
    report = build_report(scope, MARCH)
    direct = figures(scope, MARCH)
    assert [(x.key, x.count) for x in report.figures.funnel] == [(x.key, x.count) for x in direct.funnel]
    assert [(r.key, r.numerator, r.denominator) for r in report.figures.rates] == [
        (r.key, r.numerator, r.denominator) for r in direct.rates
    ]
    assert direct.figure("collected").count == 5
    assert direct.figure("rejected").count == 1
    assert direct.figure("dispatched").count == 3


def test_report_api_and_figures_agree_exactly(history, client):
    scope = Scope.for_community("xihu")
    report = build_report(scope, MARCH)
    token = ApiToken.issue(history.admin)
    body = client.get(
        "/api/v1/stats",
        {"community": "xihu", "from": "2025-03-01", "to": "2025-03-31"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    direct = figures(scope, MARCH)
    api_funnel = {x["key"]: x["count"] for x in body["funnel"]}
    assert api_funnel == {x.key: x.count for x in report.figures.funnel} == {x.key: x.count for x in direct.funnel}
    api_rates = {r["key"]: (r["numerator"], r["denominator"]) for r in body["rates"]}
    assert api_rates == {r.key: (r.numerator, r.denominator) for r in report.figures.rates}
    api_categories = {row["label"]: row["counts"]["collected"] for row in body["by_category"]["rows"]}
    assert api_categories == {row.label: row.counts["collected"] for row in report.figures.by_category.rows}
    assert api_categories == {"政策咨询": 3, "环境卫生": 1, "困难需求": 1} or sum(api_categories.values()) == 5


def test_word_file_holds_the_sentences_the_table_and_the_charts(history):
    report = build_report(Scope.for_community("xihu"), MARCH)
    f = report.figures
    text, document = docx_text(report_docx(report))
    assert "西湖新村社区楼栋党小组工作简报" in text
    assert "2025年3月1日至3月31日" in text
    assert f"共收集各类问题{f.figure('collected').count}件" in text
    assert f"受理{f.figure('accepted').count}件，派单{f.figure('dispatched').count}份" in text
    assert f"办结{f.figure('resolved').count}件" in text
    assert "不予受理1件" in text
    satisfaction = f.rate("satisfaction_rate")
    # Fewer than 5 rated: the rate is given as cases, never as a bare percentage.
    assert satisfaction.denominator < 5
    assert f"满意率为{satisfaction.numerator}/{satisfaction.denominator} 件" in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "类别")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    for row in f.by_category.rows:
        assert rows[row.label][0] == str(row.counts["collected"])
        assert rows[row.label][1] == str(row.counts["resolved"])
    assert len(document.inline_shapes) == 2  # the monthly trend and the categories


def test_highlights_tell_the_honours_of_the_period(history):
    from loudong.community_life.honours.models import Honour

    for day, name in ((3, "刘光前"), (20, "王秀英")):
        Honour.objects.create(
            community=history.community,
            title="湖南好人",
            awarded_on=date(2025, 3, day),
            awarded_by="湖南省文明办",
            person_name=name,
        )
    Honour.objects.create(
        community=history.community,
        title="衡阳市优秀衡阳群众",
        awarded_on=date(2025, 4, 2),
        awarded_by="衡阳市",
        person_name="张建国",
    )
    text, _ = docx_text(report_docx(build_report(Scope.for_community("xihu"), MARCH)))
    assert "新涌现出“湖南好人”2名。" in text
    assert "衡阳市优秀衡阳群众" not in text  # April's honour is not March's


def test_pdf_has_chinese_text_and_the_chart_images(history, tmp_path):
    report = build_report(Scope.for_community("xihu"), MARCH)
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf(report))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "西湖新村社区楼栋党小组工作简报" in flat
    assert f"共收集各类问题{report.figures.figure('collected').count}件" in flat
    assert "各类问题办理情况" in flat
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert [line.split()[2] for line in images.splitlines()[2:]].count("image") == 2
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Loudong-CJK" in fonts


def glyph_warnings(draw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_chart_images_draw_chinese_glyphs_not_boxes(history):
    import matplotlib
    from matplotlib import font_manager

    from loudong.lib.pdf import FONT_FILE
    from loudong.stats.report import charts

    f = figures(Scope.for_community("xihu"), MARCH)
    assert glyph_warnings(lambda: charts.category_png(f)) == []
    assert glyph_warnings(lambda: charts.monthly_trend_png(f)) == []
    assert any(entry.fname == str(FONT_FILE) for entry in font_manager.fontManager.ttflist)
    # The same drawing in matplotlib's default font would lose every Chinese character.
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        figure = charts._figure(1.0)
        figure.subplots().set_title("各类问题")
        assert glyph_warnings(lambda: charts._png(figure))
    png = charts.category_png(f)
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_command_writes_the_report_and_prints_the_headline(history, tmp_path, capsys):
    path = tmp_path / "简报.docx"
    call_command(
        "work_report",
        "--community",
        "xihu",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--format",
        "docx",
        "-o",
        str(path),
    )
    out = capsys.readouterr().out
    assert str(path) in out
    assert "收集 5 件" in out
    text, _ = docx_text(path.read_bytes())
    assert "共收集各类问题5件" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "nowhere", "--from", "2025-03-01", "--to", "2025-03-31"], "没有代码为“nowhere”的社区"),
        (["--community", "xihu", "--from", "2025-02-30", "--to", "2025-03-31"], "不是有效日期"),
        (["--community", "xihu", "--from", "2025-04-01", "--to", "2025-03-31"], "结束日期不能早于开始日期"),
        (["--community", "xihu", "--from", "2025-03-01", "--to", "2025-03-31", "--format", "odt"], "格式只能是"),
    ],
)
def test_command_refuses_bad_input_in_chinese_with_exit_code_2(history, tmp_path, args, message):
    with pytest.raises(CommandError) as raised:
        call_command("work_report", *args, "-o", str(tmp_path / "out.docx"))
    assert message in str(raised.value)
    assert raised.value.returncode == 2
    assert not (tmp_path / "out.docx").exists()


def test_command_refuses_a_path_it_cannot_write(history, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command(
            "work_report",
            "--community",
            "xihu",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "-o",
            str(tmp_path / "missing" / "out.pdf"),
        )
    assert "不存在" in str(raised.value) and raised.value.returncode == 2
    with pytest.raises(CommandError) as raised:
        call_command(
            "work_report",
            "--community",
            "xihu",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--format",
            "pdf",
            "-o",
            str(tmp_path),
        )
    assert "文件夹" in str(raised.value) and raised.value.returncode == 2


def test_admin_downloads_the_report_from_the_community(history, login):
    client = login(history.admin)
    response = client.get("/c/xihu/stats/report/", {"from": "2025-03-01", "to": "2025-03-31", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    text, _ = docx_text(response.content)
    assert "共收集各类问题5件" in text


def test_overseer_downloads_the_pdf_and_the_page_offers_both_formats(history, login):
    client = login(history.overseer)
    page = client.get("/c/xihu/stats/report/")
    assert page.status_code == 200
    assert "下载 Word" in page.content.decode() and "下载 PDF" in page.content.decode()
    response = client.get("/c/xihu/stats/report/", {"from": "2025-03-01", "to": "2025-03-31", "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_bad_dates_on_the_download_page_are_explained(history, login):
    response = login(history.admin).get(
        "/c/xihu/stats/report/", {"from": "2025-04-01", "to": "2025-03-01", "format": "pdf"}
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "resident", "volunteer"])
def test_others_cannot_download_the_community_report(history, login, persona):
    response = login(getattr(history, persona)).get("/c/xihu/stats/report/", {"format": "pdf"})
    assert response.status_code == 404
