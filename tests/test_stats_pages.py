"""Dashboard pages for each level, the lists behind the figures and the Excel exports: who sees
what (a leader their group, an admin their community, an overseer their area without personal
data, an outsider nothing), the numbers on the page equal to the figures, exports equal to counts."""

import io
import re

import pytest
from helpers.stats_history import NOV, build_history
from openpyxl import load_workbook

from loudong.accounts.models import AuditEntry
from loudong.stats.compute import figures
from loudong.stats.definitions import RECORD_SETS
from loudong.stats.records import records_behind
from loudong.stats.scope import Scope

NOVEMBER = "from=2026-11-01&to=2026-11-30"
IN_HTML = NOVEMBER.replace("&", "&amp;")


@pytest.fixture
def history(world):
    return build_history(world)


def rows_of(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def heading_count(response) -> int:
    return int(re.search(r"：(\d+) 件</h1>", response.content.decode()).group(1))


def test_admin_sees_the_community_funnel_with_definitions_and_links_to_lists(history, login):
    page = login(history.admin).get(f"/c/xihu/stats/?{NOVEMBER}")
    assert page.status_code == 200
    html = page.content.decode()
    f = figures(Scope.for_community("xihu"), NOV)
    assert re.search(r'id="figure-collected".*?<span class="figure[^"]*">12</span>', html, re.S)
    assert f.figure("resolved").count == 5 and re.search(r'id="figure-resolved".*?"figure[^"]*">5<', html, re.S)
    assert "统计期间内收集的全部点单" in html  # the definition next to the figure
    assert f"/c/xihu/stats/list/collected/?{IN_HTML}" in html
    assert f"/c/xihu/stats/list/satisfaction_rate.den/?{IN_HTML}" in html
    assert "满意和基本满意 4 件" in html and "已评价 5 件" in html
    assert "环城北路93号党小组" in html and "王秀英" in html  # groups and the volunteer table
    assert "2026年11月1日至11月30日" in html
    assert "echarts-5.6.0.min.js" in html and 'id="stats-charts"' in html


def test_a_rate_on_few_cases_shows_cases_on_the_page(history, login):
    page = login(history.leader).get(f"/c/xihu/stats/group/{history.group.pk}/?from=2026-11-02&to=2026-11-04")
    html = page.content.decode()
    # two requests, both confirmed: 2/2, never "100%"
    assert re.search(r'id="rate-satisfaction_rate".*?"figure[^"]*">2/2 件<', html, re.S)
    assert 'id="rate-satisfaction_rate"' in html and "100%" not in html.split('id="rate-satisfaction_rate"')[1][:300]


def test_leader_is_sent_to_their_group_and_sees_only_its_requests(history, login):
    client = login(history.leader)
    sent = client.get(f"/c/xihu/stats/?{NOVEMBER}")
    assert sent.status_code == 302 and sent.url.startswith(f"/c/xihu/stats/group/{history.group.pk}/")
    page = client.get(sent.url)
    assert re.search(r'id="figure-collected".*?"figure[^"]*">11<', page.content.decode(), re.S)
    assert client.get(f"/c/xihu/stats/list/collected/?{NOVEMBER}").status_code == 404
    assert client.get(f"/c/xihu/stats/export/category/?{NOVEMBER}").status_code == 404
    listed = client.get(f"/c/xihu/stats/group/{history.group.pk}/list/collected/?{NOVEMBER}")
    assert heading_count(listed) == 11 and "学宫巷3号" not in listed.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/c/xihu/stats/",
        "/c/xihu/stats/list/collected/",
        "/c/xihu/stats/export/category/",
        "/c/xihu/stats/list/collected/export/",
        "/stats/",
        "/stats/district/{district}/",
        "/stats/subdistrict/{subdistrict}/",
        "/c/xihu/stats/group/{group}/",
        "/stats/subdistrict/{subdistrict}/list/collected/",
    ],
)
def test_outsiders_volunteers_and_residents_get_not_found(history, login, client, url):
    url = url.format(district=history.district.pk, subdistrict=history.subdistrict.pk, group=history.group.pk)
    for user in (history.outsider, history.volunteer, history.resident):
        assert login(user).get(url).status_code == 404, (user, url)
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_overseer_sees_roll_ups_and_lists_without_personal_data(history, login):
    client = login(history.overseer)
    assert client.get("/stats/").url == f"/stats/subdistrict/{history.subdistrict.pk}/"
    area = client.get(f"/stats/subdistrict/{history.subdistrict.pk}/?{NOVEMBER}")
    html = area.content.decode()
    assert area.status_code == 200 and "按社区" in html and "西湖新村社区" in html
    assert "王秀英" not in html and "按志愿者" not in html
    assert client.get(f"/stats/district/{history.district.pk}/").status_code == 404  # not their level
    community = client.get(f"/c/xihu/stats/?{NOVEMBER}").content.decode()
    assert "环城北路93号党小组" in community and "王秀英" not in community
    for url in (
        f"/stats/subdistrict/{history.subdistrict.pk}/list/collected/?{NOVEMBER}",
        f"/c/xihu/stats/list/collected/?{NOVEMBER}",
    ):
        listed = client.get(url)
        body = listed.content.decode()
        assert heading_count(listed) == 12
        for personal in ("张建国", "137****7000", "13700137000", "王秀英", "联系电话", "1单元"):
            assert personal not in body, personal
        exported = rows_of(client.get(url.replace("/?", "/export/?")))
        assert len(exported) == 13 and "联系电话" not in exported[0] and "张建国" not in str(exported)
    assert (
        client.get(f"/c/xihu/stats/list/collected/?{NOVEMBER}&dim=volunteer&value={history.wang_member.pk}").status_code
        == 404
    )
    assert client.get(f"/c/xihu/stats/export/volunteer/?{NOVEMBER}").status_code == 404
    assert not AuditEntry.objects.filter(object_type="stats_list").exists()


def test_admin_list_masks_phones_and_is_audited(history, login):
    client = login(history.admin)
    listed = client.get(f"/c/xihu/stats/list/merged/?{NOVEMBER}")
    body = listed.content.decode()
    assert heading_count(listed) == 1 and "137****7000" in body and "13700137000" not in body
    assert "与同一问题的另一件点单合并办理" in body  # the definition on the list
    assert f"/c/xihu/requests/{history.h['merged'].pk}/" in body
    entry = AuditEntry.objects.get(object_type="stats_list")
    assert entry.action == "view" and entry.detail["count"] == 1 and entry.community_id == history.community.pk
    client.get(f"/c/xihu/stats/list/merged/export/?{NOVEMBER}")
    assert AuditEntry.objects.filter(object_type="stats_list", action="export").count() == 1


def test_every_list_and_its_export_have_as_many_requests_as_the_figure(history, login):
    client = login(history.admin)
    scope = Scope.for_community("xihu")
    for key in RECORD_SETS:
        count = records_behind(scope, NOV, key).count()
        assert heading_count(client.get(f"/c/xihu/stats/list/{key}/?{NOVEMBER}")) == count, key
        exported = rows_of(client.get(f"/c/xihu/stats/list/{key}/export/?{NOVEMBER}"))
        assert len(exported) - 1 == count, key


def test_a_breakdown_row_opens_its_own_list(history, login):
    client = login(history.admin)
    listed = client.get(f"/c/xihu/stats/list/collected/?{NOVEMBER}&dim=building&value={history.building2.pk}")
    assert heading_count(listed) == 1 and "学宫巷3号" in listed.content.decode()
    listed = client.get(f"/c/xihu/stats/list/collected/?{NOVEMBER}&dim=group&value=")
    assert heading_count(listed) == 1 and "未划入党小组" in listed.content.decode()
    listed = client.get(f"/c/xihu/stats/list/resolved/?{NOVEMBER}&dim=category&value=policy")
    assert heading_count(listed) == 5 and "政策咨询" in listed.content.decode()
    assert client.get(f"/c/xihu/stats/list/collected/?{NOVEMBER}&dim=nonsense&value=1").status_code == 404
    assert client.get(f"/c/xihu/stats/list/nonsense/?{NOVEMBER}").status_code == 404


def test_breakdown_and_figure_exports_hold_the_tables_of_the_page(history, login):
    client = login(history.admin)
    f = figures(Scope.for_community("xihu"), NOV)
    for table in f.breakdowns():
        sheet = rows_of(client.get(f"/c/xihu/stats/export/{table.key}/?{NOVEMBER}"))
        assert len(sheet) - 1 == len(table.rows), table.key
        assert sum(row[1] for row in sheet[1:]) == (f.figure("collected").count if table.key != "volunteer" else 7)
    category = rows_of(client.get(f"/c/xihu/stats/export/category/?{NOVEMBER}"))
    assert category[0][:4] == ("类别", "收集", "办结", "超期")
    policy = next(row for row in category if row[0] == "政策咨询")
    counted = next(row for row in f.by_category.rows if row.key == "policy").counts
    assert policy[1:4] == (11, 5, counted["overdue"]) and counted["overdue"] >= 3
    summary = rows_of(client.get(f"/c/xihu/stats/export/figures/?{NOVEMBER}"))
    by_label = {row[0]: row for row in summary[1:]}
    assert by_label["收集"][1] == 12 and by_label["满意率"][1:5] == (4, 5, 80.0, "80%")
    assert client.get(f"/c/xihu/stats/export/nonsense/?{NOVEMBER}").status_code == 404


def test_a_bad_period_says_what_is_wrong_in_chinese_and_keeps_the_entry(history, login):
    page = login(history.admin).get("/c/xihu/stats/?from=2026-11-31&to=2026-11-01")
    html = page.content.decode()
    assert page.status_code == 200 and "开始日期“2026-11-31”不是有效日期" in html and 'value="2026-11-31"' in html
    assert login(history.admin).get("/c/xihu/stats/list/collected/?from=x&to=y").status_code == 404


def test_overseer_of_the_district_moves_down_to_a_subdistrict(history, login):
    from conftest import make_user

    from loudong.accounts.models import Role

    boss = make_user("boss", Role.OVERSEER, district=history.district)
    client = login(boss)
    district = client.get(f"/stats/district/{history.district.pk}/?{NOVEMBER}").content.decode()
    assert "青山街道" in district and "人民街道" in district
    assert re.search(r'id="figure-collected".*?"figure[^"]*">12<', district, re.S)
    sub = client.get(f"/stats/subdistrict/{history.subdistrict.pk}/?{NOVEMBER}").content.decode()
    assert f"/stats/district/{history.district.pk}/" in sub  # the way back up


def test_activities_and_meetings_behind_the_dashboard_open_as_lists_without_names(world, login):
    from datetime import datetime, timedelta

    from loudong.community_life.activities.models import Activity
    from loudong.community_life.meetings.actions import create_meeting
    from loudong.lib.shanghai import SHANGHAI

    w = world
    start = datetime(2026, 11, 10, 9, tzinfo=SHANGHAI)
    Activity.objects.create(
        community=w.community,
        group=w.group,
        type=Activity.Type.CLEANUP,
        title="清洁家园",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="3栋楼下",
        organiser=w.liu_member,
    )
    Activity.objects.create(
        community=w.community,
        type=Activity.Type.TALK,
        title="十月的讲座",
        starts_at=start - timedelta(days=30),
        ends_at=start,
        place="活动室",
    )
    create_meeting(w.community, by=w.admin, title="加装电梯议事会", held_at=start, now=start)
    for user in (w.admin, w.overseer):
        client = login(user)
        page = client.get(f"/c/xihu/stats/?{NOVEMBER}").content.decode()
        assert f"/c/xihu/stats/held/activities/?{IN_HTML}" in page and "开展活动 1 次" in page
        listed = client.get(f"/c/xihu/stats/held/activities/?{NOVEMBER}").content.decode()
        assert "开展活动：1 次" in listed and "清洁家园" in listed and "十月的讲座" not in listed
        assert "刘光前" not in listed  # the organiser is not shown
        meetings = client.get(f"/c/xihu/stats/held/meetings/?{NOVEMBER}").content.decode()
        assert "召开议事会：1 次" in meetings and "加装电梯议事会" in meetings
        assert len(rows_of(client.get(f"/c/xihu/stats/held/activities/export/?{NOVEMBER}"))) == 2
    area = login(w.overseer).get(f"/stats/subdistrict/{w.subdistrict.pk}/held/meetings/?{NOVEMBER}")
    assert "召开议事会：1 次" in area.content.decode()
    assert login(w.leader).get(f"/c/xihu/stats/group/{w.group.pk}/").status_code == 200
    assert login(w.outsider).get(f"/c/xihu/stats/held/meetings/?{NOVEMBER}").status_code == 404
