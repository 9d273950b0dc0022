"""Activities, people covered, visit coverage, meetings and volunteer hours at every level, a group's
included, and the lists behind them: each list holds what its figure counted, a group's only its own
records, an overseer sees counts per building or community instead of rooms and names."""

import io
import re
from datetime import date

import pytest
from helpers.group_life import NOV, at
from helpers.hours import errand
from openpyxl import load_workbook

from loudong.accounts.models import AuditEntry
from loudong.community_life.activities.models import Activity
from loudong.hours import actions
from loudong.hours.ledger import ledger
from loudong.outreach.models import Visit
from loudong.stats.compute import figures
from loudong.stats.domains import hours_lines, hours_of
from loudong.stats.scope import Scope

NOVEMBER = "from=2026-11-01&to=2026-11-30"


def rows_of(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))


def heading(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1)


def test_a_group_counts_its_own_activities_people_visits_meetings_and_hours(lived):
    w = lived
    community = figures(Scope.for_community("xihu"), NOV)
    group = figures(Scope.for_group(w.group), NOV)
    by_type = {value: n for value, _, n in group.activities_by_type}
    assert (by_type["cleanup"], by_type["talk"], by_type["flag"], by_type["welfare"]) == (1, 2, 0, 0)
    assert sum(n for _, _, n in community.activities_by_type) == 5
    assert (group.people_covered, community.people_covered) == (3, 4)  # liu, wang, 李四 (+ zhang)
    assert (group.meetings_held, community.meetings_held) == (1, 3)
    assert (group.visit_coverage.numerator, group.visit_coverage.denominator) == (1, 1)
    assert (community.visit_coverage.numerator, community.visit_coverage.denominator) == (1, 2)
    assert group.hours_total == (140, 2)  # liu 120 at the cleanup, wang 20 on her visit
    assert community.hours_total == (160, 3)  # and zhang's knock on a closed door
    other = figures(Scope.for_group(w.group2), NOV)
    assert (other.people_covered, other.meetings_held, other.visit_coverage.numerator, other.hours_total) == (
        1,
        1,
        0,
        (20, 1),
    )


def test_a_groups_hours_are_its_members_now_after_corrections_as_in_the_ledger(lived):
    """The group's hours figure (summed in the database, loudong.hours.figures) equals the ledger's
    lines of its members (the hours list) with corrections, manual entries and a member who left."""
    w = lived
    cleanup = Activity.objects.get(title="清洁家园")
    errand(w, 60, at(15))  # wang's offline errand

    def line(member, source: str, source_id: int):  # noqa: ANN001
        lines = ledger([w.community.pk], NOV.start, NOV.end, [member.pk])
        return next(x for x in lines if (x.source, x.source_id) == (source, source_id))

    actions.decide(
        actions.ask_change(
            w.liu_member, by=w.leader, line=line(w.liu_member, "activity", cleanup.pk), minutes=90, reason="提前结束了"
        ),
        by=w.admin,
        approve=True,
    )
    actions.decide(
        actions.ask_missing(
            w.wang_member,
            by=w.volunteer,
            served_on=date(2026, 11, 20),
            minutes=30,
            content="帮独居老人买药",
            reason="电话里找的我",
        ),
        by=w.leader,
        approve=True,
    )
    knock = Visit.objects.get(volunteer=w.zhang_member, visited_at=at(9))
    actions.decide(
        actions.ask_change(
            w.zhang_member,
            by=w.resident,
            line=line(w.zhang_member, "visit", knock.pk),
            minutes=25,
            reason="多等了一会儿",
        ),
        by=w.admin,
        approve=True,
    )

    def both(group):  # noqa: ANN001
        scope = Scope.for_group(group)
        return figures(scope, NOV).hours_total, hours_of(hours_lines(scope, NOV))

    assert both(w.group) == ((200, 2), (200, 2))  # liu 90 corrected; wang 20 visit + 60 errand + 30 manual
    assert both(w.group2) == ((25, 1), (25, 1))  # zhang's corrected knock, no one else's
    w.wang_member.group = None
    w.wang_member.save()
    assert both(w.group) == ((90, 1), (90, 1))  # wang left: none of her hours, nor her manual entry
    assert figures(Scope.for_community("xihu"), NOV).hours_total == (225, 3)


def test_the_group_dashboard_shows_them_with_their_definitions_and_links(lived, login):
    w = lived
    base = f"/c/xihu/stats/group/{w.group.pk}/"
    html = login(w.leader).get(f"{base}?{NOVEMBER}").content.decode()
    assert re.search(r'id="figure-people_covered".*?"figure[^"]*">3<', html, re.S)
    assert re.search(r'id="figure-meetings_held".*?"figure[^"]*">1<', html, re.S)
    assert re.search(r'id="figure-hours_total".*?"figure[^"]*">2.3<.*?2 位志愿者', html, re.S)
    assert re.search(r'id="rate-visit_coverage".*?走访到的住户 1 户 / 住户 1 户', html, re.S)
    assert "开展活动 3 次" in html
    assert "本党小组组织的活动参加的不同居民人数" in html and "全社区的议事会不算在小组里" in html
    assert "本党小组现有党员" in html and "本党小组服务的单元里的住户" in html
    assert "全社区的议事会和没有选党小组的活动不属于任何小组" in html  # said, not hidden
    for key in ("activities", "people_covered", "visit_coverage", "meetings", "hours"):
        assert f"{base}held/{key}/?{NOVEMBER.replace('&', '&amp;')}" in html, key


@pytest.mark.parametrize("level", ["community", "group"])
def test_every_list_and_its_export_hold_what_the_figure_counted(lived, login, level):
    w = lived
    scope, base = (
        (Scope.for_community("xihu"), "/c/xihu/stats/")
        if level == "community"
        else (Scope.for_group(w.group), f"/c/xihu/stats/group/{w.group.pk}/")
    )
    f = figures(scope, NOV)
    client = login(w.admin)

    def listed(key: str, extra: str = "") -> tuple[str, list[tuple]]:
        page = client.get(f"{base}held/{key}/?{NOVEMBER}{extra}")
        assert page.status_code == 200, key
        return heading(page), rows_of(client.get(f"{base}held/{key}/export/?{NOVEMBER}{extra}"))

    title, sheet = listed("activities")
    assert title == f"开展活动：{sum(n for _, _, n in f.activities_by_type)} 次" and len(sheet) - 1 == int(title[5:-2])
    title, sheet = listed("meetings")
    assert title == f"召开议事会：{f.meetings_held} 次" and len(sheet) - 1 == f.meetings_held
    title, sheet = listed("people_covered")
    assert title.startswith(f"活动覆盖群众：{f.people_covered} 人")
    assert "政策宣讲" in str(sheet) and "没人来的宣讲" not in str(sheet)  # only activities that reached someone
    reached = {row[4]: row[6] for row in sheet[1:]}
    assert reached["清洁家园"] == 3 and reached["政策宣讲"] == 1
    title, sheet = listed("visit_coverage")
    assert title == f"走访到的住户：{f.visit_coverage.numerator} 户" and len(sheet) - 1 == f.visit_coverage.numerator
    assert sheet[1][0] == "环城北路93号1单元301室" and sheet[1][2] == "王秀英"
    title, sheet = listed("visit_coverage", "&show=unvisited")
    unvisited = f.visit_coverage.denominator - f.visit_coverage.numerator
    assert title == f"没有走访到的住户：{unvisited} 户" and len(sheet) - 1 == unvisited
    if level == "community":  # 学宫巷: met in October only, so its last visit is shown
        assert sheet[1][:3] == ("学宫巷3号1单元502室", "2026-10-01 09:00", "张建国")
    title, sheet = listed("hours")
    minutes, volunteers = f.hours_total
    assert title.startswith(f"志愿服务时长：{minutes / 60:.1f} 小时（{volunteers} 位志愿者")
    assert sum(float(row[3]) for row in sheet[1:]) == pytest.approx(minutes / 60, abs=0.05 * len(sheet))
    by_source = {row[0]: row[1:] for row in sheet[1:]}
    assert by_source["活动"] == (1, 1, "2.0")
    shown = 2 if level == "community" else 1  # an empty page of households shows no one, audits nothing
    assert AuditEntry.objects.filter(object_type="stats_list", action="view").count() == shown
    assert AuditEntry.objects.filter(object_type="stats_list", action="export").count() == 2
    assert client.get(f"{base}held/nonsense/?{NOVEMBER}").status_code == 404


def test_the_hours_list_sends_staff_to_the_hours_team_page(lived, login):
    page = login(lived.admin).get(f"/c/xihu/stats/held/hours/?{NOVEMBER}").content.decode()
    team = "/c/xihu/hours/team/?start=2026-11-01&amp;end=2026-11-30"
    assert team in page
    assert login(lived.admin).get(team.replace("&amp;", "&")).status_code == 200
    assert "/hours/team/" not in login(lived.overseer).get(f"/c/xihu/stats/held/hours/?{NOVEMBER}").content.decode()


def test_a_leader_sees_only_the_groups_households_and_no_other_groups_lists(lived, login):
    w = lived
    client = login(w.leader)
    page = client.get(f"/c/xihu/stats/group/{w.group.pk}/held/visit_coverage/?{NOVEMBER}&show=unvisited")
    assert heading(page) == "没有走访到的住户：0 户" and "502" not in page.content.decode()
    assert client.get(f"/c/xihu/stats/group/{w.group2.pk}/held/visit_coverage/?{NOVEMBER}").status_code == 404
    assert client.get(f"/c/xihu/stats/held/visit_coverage/?{NOVEMBER}").status_code == 404
    meetings = client.get(f"/c/xihu/stats/group/{w.group.pk}/held/meetings/?{NOVEMBER}").content.decode()
    assert "小组议事会" in meetings and "全社区议事会" not in meetings and "学宫巷议事会" not in meetings


def test_an_overseer_sees_households_counted_per_building_or_community_never_rooms_or_names(lived, login):
    w = lived
    client = login(w.overseer)
    for url, label in (
        (f"/c/xihu/stats/held/visit_coverage/?{NOVEMBER}", "楼栋"),
        (f"/c/xihu/stats/group/{w.group.pk}/held/visit_coverage/?{NOVEMBER}", "楼栋"),
        (f"/stats/subdistrict/{w.subdistrict.pk}/held/visit_coverage/?{NOVEMBER}", "社区"),
    ):
        page = client.get(url)
        body = page.content.decode()
        for personal in ("301", "502", "王秀英", "张建国", "刘光前", "1单元"):
            assert personal not in body, (url, personal)
        assert "没有走访到的住户" not in body  # counts per place: nothing to split into households
        sheet = rows_of(client.get(url.replace("/?", "/export/?")))
        assert sheet[0] == (label, "住户", "走访到的住户", "覆盖率")
        assert "王秀英" not in str(sheet) and "301" not in str(sheet)
    area = client.get(f"/stats/subdistrict/{w.subdistrict.pk}/held/visit_coverage/?{NOVEMBER}")
    assert heading(area) == "入户走访覆盖率：1/2 户（走访到 1 户 / 住户 2 户，1 个社区）"
    assert rows_of(client.get(f"/stats/subdistrict/{w.subdistrict.pk}/held/visit_coverage/export/?{NOVEMBER}"))[1] == (
        "西湖新村社区",
        2,
        1,
        "1/2 户",
    )
    per_building = rows_of(client.get(f"/c/xihu/stats/held/visit_coverage/export/?{NOVEMBER}"))
    assert per_building[1:] == [("学宫巷3号", 1, 0, "0/1 户"), ("环城北路93号", 1, 1, "1/1 户")]
    people = client.get(f"/stats/subdistrict/{w.subdistrict.pk}/held/people_covered/?{NOVEMBER}")
    assert heading(people).startswith("活动覆盖群众：4 人") and "李四" not in people.content.decode()
    assert not AuditEntry.objects.filter(object_type="stats_list").exists()
    assert login(w.outsider).get(f"/c/xihu/stats/held/visit_coverage/?{NOVEMBER}").status_code == 404


def test_a_long_household_list_is_paged_and_its_export_has_every_row(lived, login):
    from loudong.registry.models import Household

    w = lived
    Household.objects.bulk_create(
        Household(community=w.community, stairwell=w.stairwell, room=f"{n}") for n in range(1001, 1061)
    )
    client = login(w.leader)
    url = f"/c/xihu/stats/group/{w.group.pk}/held/visit_coverage/?{NOVEMBER}&show=unvisited"
    first = client.get(url)
    assert heading(first) == "没有走访到的住户：60 户" and "第 1 / 2 页" in first.content.decode()
    assert "&amp;show=unvisited&page=2" in first.content.decode()  # the next page keeps the split
    second = client.get(f"{url}&page=2").content.decode()
    assert second.count('data-label="住户"') == 10
    assert len(rows_of(client.get(url.replace("/?", "/export/?")))) == 61
