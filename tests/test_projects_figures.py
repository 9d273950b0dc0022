"""The three lists on the dashboards and in the work report: needs raised and met, projects done,
units and members who took part, each equal to the list behind it, each defined where it is shown."""

import subprocess
from datetime import date, datetime

import pytest
from helpers.work_report import docx_text

from loudong.accounts.models import ApiToken
from loudong.lib.shanghai import SHANGHAI
from loudong.partners.models import PartnerUnit, ReportIn
from loudong.projects import actions
from loudong.registry.models import Member, Resident
from loudong.stats.compute import figures
from loudong.stats.period import Period
from loudong.stats.report.build import build_report
from loudong.stats.report.pdf import report_pdf
from loudong.stats.report.word import report_docx
from loudong.stats.scope import Scope

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
QUERY = "from=2026-03-01&to=2026-03-31"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def run(w, need, resource, made: datetime, done: datetime | None) -> None:
    project = actions.start_project(need, resource, by=w.admin, now=made)
    for step in project.steps.all():
        actions.mark_step(step, by=w.admin, done_on=(done or made).date(), now=done or made)
    if done is not None:
        actions.finish(project, by=w.admin, done_on=done.date(), beneficiaries=need.beneficiaries, now=done)


@pytest.fixture
def history(world):
    """March 2026: four needs raised (one on 31 March late at night), two met by projects done in
    March (a bank's and an in-post member's), one project still running; a need met in April and one
    raised in February."""
    w = world
    bank = PartnerUnit.objects.create(community=w.community, name="工商银行石鼓支行", kind="company", offers=["funds"])
    teacher = Member.objects.create(
        community=w.community, resident=Resident.objects.create(community=w.community, name="陈老师")
    )
    ReportIn.objects.create(
        community=w.community,
        name="陈老师",
        phone="13300133000",
        workplace="船山实验中学",
        workplace_party_org="船山实验中学党支部",
        skills="作业辅导、志愿服务",
        status=ReportIn.Status.CONFIRMED,
        member=teacher,
    )
    actions.list_partner_offers(w.community, by=w.admin, now=at(2, 1))
    funds = w.funds = bank.resources.get()
    tutor = w.tutor = teacher.resources.get()

    def need(title: str, category: str, when: datetime, beneficiaries: int = 1, group=None):
        return actions.enter_need(
            w.community, by=w.admin, title=title, category=category, beneficiaries=beneficiaries, group=group, now=when
        )

    february = need("慰问困难党员", "funds", at(2, 20), 8)
    run(w, february, funds, at(2, 21), at(3, 2))  # raised in February, met in March
    run(w, need("小学生作业辅导", "volunteers", at(3, 3), 6, w.group), tutor, at(3, 4), at(3, 20))
    run(w, need("老年活动室添桌椅", "funds", at(3, 10), 30), funds, at(3, 11), None)  # still running
    run(w, need("楼道照明改造", "funds", at(3, 12), 12), funds, at(3, 13), at(4, 2))  # met in April
    need("想办书法班", "venue", datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI))  # still March in Shanghai
    need("四月的需求", "venue", datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI))
    return w


def test_the_figures_count_the_records_behind_them(history, login):
    f = figures(Scope.for_community("xihu"), MARCH)
    n = f.lists
    assert (n.needs_raised, n.needs_met, n.projects_done, n.beneficiaries, n.units, n.members) == (4, 2, 2, 14, 1, 1)
    client = login(history.admin)
    for key, count in (
        ("needs_raised", n.needs_raised),
        ("needs_met", n.needs_met),
        ("projects_done", n.projects_done),
        ("units_took_part", n.units),
        ("members_took_part", n.members),
    ):
        listed = client.get(f"/c/xihu/stats/held/{key}/?{QUERY}")
        assert listed.status_code == 200 and listed.context["page"].paginator.count == count, key
        exported = client.get(f"/c/xihu/stats/held/{key}/export/?{QUERY}")
        assert exported.status_code == 200
    members = client.get(f"/c/xihu/stats/held/members_took_part/?{QUERY}").content.decode()
    assert "陈老师" in members and "不排名次" in members
    units = client.get(f"/c/xihu/stats/held/units_took_part/?{QUERY}").context["rows"]
    assert units == [[("共建单位", "工商银行石鼓支行"), ("单位类型", "企业"), ("完成的项目", 1)]]


def test_the_stats_api_gives_the_same_figures(history, client):
    token = ApiToken.issue(history.admin)
    body = client.get(
        "/api/v1/stats", {"community": "xihu", "from": "2026-03-01", "to": "2026-03-31"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()  # fmt: skip
    assert body["lists"] == {
        "needs_raised": 4, "needs_met": 2, "projects_done": 2, "beneficiaries": 14, "units": 1, "members": 1,
    }  # fmt: skip


def test_a_group_counts_only_its_own_needs_and_projects(history):
    group = figures(Scope.for_group(history.group), MARCH).lists
    assert (group.needs_raised, group.needs_met, group.projects_done, group.units, group.members) == (1, 1, 1, 0, 1)


def test_the_community_dashboard_shows_the_figures_with_their_definitions(history, login):
    page = login(history.admin).get(f"/c/xihu/stats/?{QUERY}").content.decode()
    section = page.split('id="lists"')[1].split("</section>")[0]
    for label in ("提出需求", "满足需求", "完成项目", "参与项目的共建单位", "参与项目的在职党员"):
        assert label in section
    assert "受益 14 人" in section and "按社区实时清点" in section
    assert "/c/xihu/stats/held/projects_done/?from=2026-03-01&amp;to=2026-03-31" in section


def test_an_overseer_reads_the_lists_without_names_and_an_area_has_none(history, login):
    client = login(history.overseer)
    projects = client.get(f"/c/xihu/stats/held/projects_done/?{QUERY}")
    assert projects.status_code == 200
    body = projects.content.decode()
    assert "在职党员" in body and "陈老师" not in body and "小学生作业辅导" not in body
    members = client.get(f"/c/xihu/stats/held/members_took_part/?{QUERY}").content.decode()
    assert "船山实验中学" in members and "陈老师" not in members
    area = client.get(f"/stats/subdistrict/{history.subdistrict.pk}/?{QUERY}").content.decode()
    assert 'id="lists"' not in area
    assert client.get(f"/stats/subdistrict/{history.subdistrict.pk}/held/needs_raised/?{QUERY}").status_code == 404


def test_the_work_report_tells_the_three_lists_in_word_and_pdf(history, tmp_path):
    report = build_report(Scope.for_community("xihu"), MARCH)
    text, document = docx_text(report_docx(report))
    assert "需求清单、资源清单和项目清单" in text
    assert "列入需求清单的居民需求4项（来自社区录入4项）" in text
    assert "满足需求2项；完成项目2个，受益群众14人，1家共建单位、1名在职党员以自己的资源参与项目。" in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "完成日期")
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
        ["3月2日", "资金", "工商银行石鼓支行", "全社区", "8"],
        ["3月20日", "志愿者", "在职党员", history.group.name, "6"],
    ]
    assert "小学生作业辅导" not in text and "陈老师" not in text  # no names in a report overseers read
    assert "参与项目的在职党员：" in text  # its definition, with the others
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf(report))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "需求清单、资源清单和项目清单" in flat and "完成项目2个，受益群众14人" in flat
