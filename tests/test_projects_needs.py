"""需求清单: a need raised in one tap from a request (once only), from a meeting's decision and from a
visit, or entered by the admin; and who sees the lists (admins the community, leaders their groups,
nobody else)."""

from datetime import datetime

import pytest
from conftest import make_user
from django.urls import reverse

from loudong.accounts.models import AuditEntry, Role
from loudong.community_life.meetings import actions as meetings
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.outreach import actions as outreach
from loudong.privacy.copy import sheets
from loudong.privacy.erasure import erase_person
from loudong.privacy.people import of_resident
from loudong.projects import actions
from loudong.projects.models import Need
from loudong.registry.models import Member
from loudong.tickets import actions as tickets

NOW = datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)


def url(name: str, *args: object) -> str:
    return reverse(f"projects:{name}", args=["xihu", *args])


def place(w, description: str = "楼道照明线路老化，灯总是跳闸，组里修不了", **extra):
    values = {
        "community": w.community,
        "building": w.building,
        "stairwell": w.stairwell,
        "category_code": "environment",
        "description": description,
        "now": NOW,
    }
    return tickets.place_request(**{**values, **extra})


@pytest.fixture
def second(world):
    """Another group of the community (学宫巷3号), its leader and a member."""
    group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    world.stairwell2.group = group
    world.stairwell2.save()
    Member.objects.create(community=world.community, resident=world.zhang, group=group)
    return group, make_user("leader2", Role.LEADER, community=world.community, group=group)


def test_leader_raises_a_need_from_a_request_in_one_tap_and_only_once(world, login):
    req = place(world)
    client = login(world.leader)
    page = client.get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    assert "需要资源" in page and url("need_from_request", req.pk) in page

    response = client.post(url("need_from_request", req.pk))
    need = Need.objects.get(request=req)
    assert response.status_code == 302 and response.url == url("need", need.pk)
    assert (need.source, need.group, need.building, need.category) == ("request", world.group, world.building, "repair")
    assert need.status == "open" and need.raised_by == world.leader and need.description == req.description
    assert AuditEntry.objects.filter(object_type="need", object_id=str(need.pk), action="create").exists()

    again = client.post(url("need_from_request", req.pk), follow=True)
    assert Need.objects.filter(request=req).count() == 1
    assert "这件点单已经列入需求清单了" in again.content.decode()
    page = client.get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    assert url("need_from_request", req.pk) not in page and "需求清单：待对接" in page


def test_people_who_hear_others_also_met_it_count_among_the_beneficiaries(world):
    req = place(world)
    req.support_count = 4
    req.save(update_fields=["support_count"])
    assert actions.need_from_request(req, by=world.admin).beneficiaries == 5


def test_a_volunteer_gets_no_button_and_cannot_raise_a_need(world, login):
    req = place(world, by=world.volunteer)
    client = login(world.volunteer)
    page = client.get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    assert "需要资源" not in page
    client.post(url("need_from_request", req.pk))
    assert not Need.objects.exists()
    with pytest.raises(ActionRefused):
        actions.need_from_request(req, by=world.volunteer)


def test_a_merged_request_raises_no_need(world):
    first, second_req = place(world), place(world, description="楼道灯又跳闸了")
    tickets.merge(second_req, first, by=world.leader, now=NOW)
    with pytest.raises(ActionRefused, match="已合并"):
        actions.need_from_request(second_req, by=world.leader)


def test_a_meeting_decision_goes_on_the_needs_list_once(world, login):
    meeting = meetings.create_meeting(
        world.community, by=world.leader, title="楼道照明", held_at=NOW, group=world.group, place="刘光前家"
    )
    decision = meetings.add_decision(meeting, "请共建单位帮忙改造楼道照明线路", by=world.leader)
    volunteer_page = login(world.volunteer).get(reverse("meetings:detail", args=["xihu", meeting.pk]))
    assert "列入需求清单" not in volunteer_page.content.decode()
    client = login(world.leader)
    page = client.get(reverse("meetings:detail", args=["xihu", meeting.pk])).content.decode()
    assert url("need_from_decision", decision.pk) in page and "列入需求清单" in page
    client.post(url("need_from_decision", decision.pk))
    need = Need.objects.get(decision=decision)
    assert (need.source, need.group, need.category) == ("meeting", world.group, "repair")
    assert "议事会决定" in need.description
    with pytest.raises(ActionRefused, match="已经列入"):
        actions.need_from_decision(decision, by=world.leader)


def test_a_need_found_on_a_visit_goes_on_the_list_with_its_group_and_building(world, login):
    visit = outreach.log_visit(
        world.household,
        volunteer=world.wang_member,
        by=world.volunteer,
        visited_at=NOW,
        needs="老人腿脚不便，想请医生上门量血压、做体检",
        now=NOW,
    )
    visit_page = reverse("outreach:visit", args=["xihu", visit.pk])
    assert "需要资源" not in login(world.volunteer).get(visit_page).content.decode()
    client = login(world.leader)
    assert url("need_from_visit", visit.pk) in client.get(visit_page).content.decode()
    client.post(url("need_from_visit", visit.pk))
    need = Need.objects.get(visit=visit)
    assert (need.source, need.group, need.building, need.category) == ("visit", world.group, world.building, "medical")
    with pytest.raises(ActionRefused, match="已经列入"):
        actions.need_from_visit(visit, by=world.admin)


def test_admin_enters_a_need_and_bad_input_is_refused_in_chinese_keeping_what_was_typed(world, login):
    client = login(world.admin)
    bad = client.post(url("need_new"), {"title": "", "category": "funds", "beneficiaries": "很多", "description": "x"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "请用一句话写下需求" in body and "受益人数请填数字" in body and "x</textarea>" in body
    assert not Need.objects.exists()
    good = client.post(
        url("need_new"),
        {"title": "社区老年活动室缺桌椅", "category": "funds", "beneficiaries": "60", "group": "", "building": ""},
    )
    need = Need.objects.get()
    assert good.url == url("need", need.pk) and need.source == "entered" and need.group is None
    assert login(world.leader).get(url("need_new")).status_code == 404


def test_admin_sees_every_need_and_a_leader_only_their_groups(world, login, second):
    group2, leader2 = second
    mine = actions.need_from_request(place(world), by=world.leader)
    theirs = actions.enter_need(
        world.community, by=world.admin, title="学宫巷3号屋顶漏水", category="repair", group=group2
    )
    everyone = actions.enter_need(world.community, by=world.admin, title="社区活动室缺桌椅", category="funds")
    admin_list = login(world.admin).get(url("needs"), {"status": "all"}).content.decode()
    assert all(n.title in admin_list for n in (mine, theirs, everyone))
    leader = login(world.leader)
    listed = leader.get(url("needs"), {"status": "all"}).content.decode()
    assert mine.title in listed and theirs.title not in listed and everyone.title not in listed
    assert leader.get(url("need", theirs.pk)).status_code == 404
    assert login(leader2).get(url("need", mine.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer", "resident", "overseer", "outsider"])
def test_anyone_but_admins_and_leaders_finds_the_lists_not_found(world, login, persona):
    need = actions.need_from_request(place(world), by=world.leader)
    client = login(getattr(world, persona))
    for name, args in (("needs", ()), ("resources", ()), ("projects", ()), ("need", (need.pk,))):
        assert client.get(url(name, *args)).status_code == 404, name


def test_the_status_tabs_count_and_filter_the_needs(world, login):
    open_need = actions.enter_need(world.community, by=world.admin, title="缺桌椅", category="funds")
    closed = actions.enter_need(world.community, by=world.admin, title="想办书法班", category="volunteers")
    actions.close_need(closed, by=world.admin, reason="居民已报名老年大学")
    client = login(world.admin)
    first = client.get(url("needs"))
    assert [(t["key"], t["count"]) for t in first.context["tabs"]] == [
        ("open", 1), ("matched", 0), ("met", 0), ("closed", 1), ("all", 2)
    ]  # fmt: skip
    assert list(first.context["page"]) == [open_need]
    assert list(client.get(url("needs"), {"status": "closed"}).context["page"]) == [closed]
    assert client.get(url("needs"), {"status": "nonsense"}).status_code == 404


def test_a_need_is_closed_with_a_reason_and_reopened(world, login):
    need = actions.enter_need(world.community, by=world.admin, title="缺桌椅", category="funds")
    client = login(world.admin)
    refused = client.post(url("need_close", need.pk), {"reason": ""}, follow=True)
    assert "请写明原因" in refused.content.decode()
    client.post(url("need_close", need.pk), {"reason": "已由街道配齐"})
    need.refresh_from_db()
    assert (need.status, need.close_reason) == ("closed", "已由街道配齐") and need.closed_at
    client.post(url("need_reopen", need.pk))
    need.refresh_from_db()
    assert (need.status, need.close_reason, need.closed_at) == ("open", "", None)


def test_a_residents_copy_holds_the_needs_of_their_requests_and_erasure_scrubs_their_texts(world):
    req = place(world, description="张建国家里水管老化漏水，电话13700137000", resident=world.zhang)
    need = actions.need_from_request(req, by=world.admin)
    other = actions.enter_need(world.community, by=world.admin, title="社区活动室缺桌椅", category="funds")
    person = of_resident(world.zhang)
    (sheet,) = [s for s in sheets(person) if s.title == "列入需求清单的需求"]
    assert [row[1] for row in sheet.rows] == [need.title]
    erase_person(person, by=world.admin)
    need.refresh_from_db()
    assert "张建国" not in need.title + need.description and "13700137000" not in need.description
    assert need.status == "open" and Need.objects.get(pk=other.pk).title == "社区活动室缺桌椅"
