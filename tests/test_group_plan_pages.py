"""党小组规划 pages: who may open them, the proposal on the site plan, live re-costing of a plan
adjusted by hand, the confirm page, and applying a plan to the registry."""

import re

import pytest
from conftest import make_user

from loudong.accounts.models import AuditEntry, Grant, Role
from loudong.groups.models import BuildingGroup
from loudong.policy.models import save_rules
from loudong.policy.rules import Rules
from loudong.registry.models import Building, Household, Member, Resident, Stairwell


@pytest.fixture
def estate(world):
    """world plus a third building far away: 5 members in 3 stairwells, groups of 2-4 members.

    1单元 of 环城北路93号 (刘光前 and 王秀英, the existing group's venue), 学宫巷3号1单元 (孙, a member,
    no group yet) and 船山路63号1单元 (赵 and 钱), 300 m east and 200 m south.
    """
    w = world
    save_rules(w.community.pk, Rules(min_members=2, max_members=4, group_cost=1000))
    Stairwell.objects.filter(pk=w.stairwell.pk).update(x=15, y=12)  # its door, mid lower side
    w.sun = Resident.objects.create(community=w.community, household=w.household2, name="孙红梅", phone="13500135000")
    w.sun_member = Member.objects.create(community=w.community, resident=w.sun)
    w.building3 = Building.objects.create(community=w.community, name="船山路63号", x=300, y=200)
    w.stairwell3 = Stairwell.objects.create(community=w.community, building=w.building3, name="1单元", x=315, y=212)
    w.household3 = Household.objects.create(community=w.community, stairwell=w.stairwell3, room="101")
    for name in ("赵建军", "钱立新"):
        resident = Resident.objects.create(community=w.community, household=w.household3, name=name)
        Member.objects.create(community=w.community, resident=resident)
    return w


def plan_url(world, name="plan"):
    return f"/c/{world.community.code}/groups/plan/" + {"plan": "", "check": "check/", "confirm": "confirm/",
                                                          "apply": "apply/"}[name]  # fmt: skip


def state(*pairs) -> dict:
    return {f"s{s.pk}": str(v.pk) for s, v in pairs}


@pytest.mark.parametrize("persona", ["leader", "volunteer", "resident", "overseer", "outsider"])
def test_only_the_community_admin_may_plan(estate, login, persona):
    client = login(getattr(estate, persona))
    assert client.get(plan_url(estate)).status_code == 404
    posted = state((estate.stairwell, estate.stairwell))
    for name in ("check", "confirm", "apply"):
        assert client.post(plan_url(estate, name), posted).status_code == 404
    assert BuildingGroup.objects.count() == 1


def test_admin_sees_the_proposal_on_the_site_plan_beside_the_current_groups(estate, login):
    page = login(estate.admin).get(plan_url(estate)).content.decode()
    assert "已证明是成本最低的方案" in page
    # Two groups: 93号 with 学宫巷 (the existing group, adjusted) and a new one at 船山路63号.
    assert page.count('class="venue-star"') == 2
    assert page.count('class="stairwell-dot"') == 3
    assert "船山路63号党小组" in page and "新建" in page and "环城北路93号党小组" in page
    table = page[page.index('id="plan-groups"') : page.index("</table>", page.index('id="plan-groups"'))]
    assert "3 人" in table and "2 人" in table
    # Cost: 2 groups × 1000 + 1 household × 80 m from 学宫巷3号 to 93号 (doors at the buildings' lower middle).
    assert re.search(r'id="plan-cost">2,?080<', page)
    assert 'id="current-groups"' in page and "另有 2 个单元" in page


def test_a_community_too_small_for_the_policy_gets_an_explanation_and_alternatives(world, login):
    page = login(world.admin).get(plan_url(world)).content.decode()
    assert 'id="infeasible"' in page and "只有 2 名党员" in page
    assert "把每组最少党员人数降到 2 人" in page and "与相邻社区的党小组联合" in page
    assert f"/c/{world.community.code}/policy/edit/" in page


def test_moving_a_stairwell_by_hand_recomputes_the_cost_and_the_rules(estate, login):
    client = login(estate.admin)
    w = estate
    moved_plan = state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell3), (w.stairwell3, w.stairwell3))
    proposal = {"proposal_objective": "2080", "proposal_gap": "0", "proposal_optimal": "1"}
    moved = client.post(plan_url(w, "check"), {**moved_plan, **proposal}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in moved and 'id="plan-editor"' in moved
    cost = int(re.search(r'id="plan-cost">([\d,]+)<', moved).group(1).replace(",", ""))
    assert cost > 2080
    assert "手动调整后比建议方案多花" in moved and "方案符合各项规定" in moved
    too_big = client.post(plan_url(w, "check"), state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell),
                                                      (w.stairwell3, w.stairwell)),
                          HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert "有 5 名党员，超过最多 4 人" in too_big
    lonely = client.post(plan_url(w, "check"), state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell2),
                                                     (w.stairwell3, w.stairwell3)),
                         HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert "只有 1 名党员，少于最少 2 人" in lonely


def test_a_plan_with_an_unknown_venue_shows_the_stairwell_without_a_group(estate, login):
    w = estate
    page = login(w.admin).post(plan_url(w, "check"), {**state((w.stairwell, w.stairwell), (w.stairwell3, w.stairwell3)),
                                                      f"s{w.stairwell2.pk}": "999999"}).content.decode()  # fmt: skip
    assert "还没有分到党小组的单元" in page and "1 个单元没有分到党小组" in page
    assert "<html" in page  # without htmx the whole page comes back


def test_confirming_lists_what_will_change_and_applying_creates_and_updates_groups(estate, login):
    w = estate
    client = login(w.admin)
    chosen = state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell), (w.stairwell3, w.stairwell3))
    confirm = client.post(plan_url(w, "confirm"), chosen).content.decode()
    assert "新建党小组（1 个）" in confirm and "船山路63号党小组" in confirm
    assert "新增单元 学宫巷3号1单元" in confirm and "孙红梅" in confirm
    assert BuildingGroup.objects.count() == 1  # nothing changes before the admin confirms
    response = client.post(plan_url(w, "apply"), chosen)
    assert response.status_code == 302 and response["Location"].endswith("/groups/plan/coverage/")
    w.group.refresh_from_db()
    new = BuildingGroup.objects.get(name="船山路63号党小组")
    assert new.venue_stairwell == w.stairwell3 and new.leader is None
    assert w.group.venue_stairwell == w.stairwell and w.group.leader == w.liu_member  # venue kept, leader kept
    assert set(w.group.stairwells.all()) == {w.stairwell, w.stairwell2}
    assert set(new.stairwells.all()) == {w.stairwell3}
    assert Member.objects.get(pk=w.sun_member.pk).group == w.group
    assert set(Member.objects.filter(group=new).values_list("resident__name", flat=True)) == {"赵建军", "钱立新"}
    assert AuditEntry.objects.filter(action="create", object_type="buildinggroup", object_id=str(new.pk)).exists()
    assert AuditEntry.objects.filter(action="update", object_type="buildinggroup", object_id=str(w.group.pk)).exists()
    summary = AuditEntry.objects.get(object_type="community", action="update")
    assert summary.detail["新建"] == 1 and summary.detail["操作"] == "应用党小组规划"


def test_applying_the_same_plan_again_changes_nothing(estate, login):
    w = estate
    client = login(w.admin)
    chosen = state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell), (w.stairwell3, w.stairwell3))
    client.post(plan_url(w, "apply"), chosen)
    again = client.post(plan_url(w, "confirm"), chosen).content.decode()
    assert "方案与现有党小组完全相同" in again
    client.post(plan_url(w, "apply"), chosen)
    assert BuildingGroup.objects.count() == 2


def test_a_dissolved_group_keeps_its_record_and_roles_follow_the_members(estate, login):
    w = estate
    g2 = BuildingGroup.objects.create(community=w.community, name="船山路63号党小组", venue_stairwell=w.stairwell3)
    Stairwell.objects.filter(pk=w.stairwell3.pk).update(group=g2)
    # 1单元 joins 船山路63号's group; 学宫巷3号 gets a group of its own; 环城北路93号's group serves nothing.
    chosen = state((w.stairwell, w.stairwell3), (w.stairwell2, w.stairwell2), (w.stairwell3, w.stairwell3))
    client = login(w.admin)
    confirm = client.post(plan_url(w, "confirm"), chosen).content.decode()
    assert "不再服务任何单元的党小组（1 个，记录保留）" in confirm and "组长刘光前卸任" in confirm
    assert "少于最少 2 人" in confirm and "仍然应用" in confirm  # 学宫巷3号 alone has one member
    client.post(plan_url(w, "apply"), chosen)
    w.group.refresh_from_db()
    assert w.group.leader is None and not w.group.stairwells.exists()
    assert Member.objects.get(pk=w.wang_member.pk).group == g2
    assert Grant.objects.get(user=w.volunteer, role=Role.VOLUNTEER).group == g2  # the volunteer's role moved
    assert not Grant.objects.filter(user=w.leader, role=Role.LEADER).exists()  # the old leader's role ended
    assert BuildingGroup.objects.get(name="学宫巷3号党小组").venue_stairwell == w.stairwell2


def test_a_leader_whose_home_moves_to_another_group_stops_leading_it(estate, login):
    w = estate
    w.group.leader = w.sun_member
    w.group.save()
    Stairwell.objects.filter(pk=w.stairwell2.pk).update(group=w.group)
    sun_user = make_user("sun", Role.LEADER, community=w.community, group=w.group)
    sun_user.resident = w.sun
    sun_user.save()
    chosen = state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell3), (w.stairwell3, w.stairwell3))
    client = login(w.admin)
    assert "组长孙红梅不再住在本组服务的单元" in client.post(plan_url(w, "confirm"), chosen).content.decode()
    client.post(plan_url(w, "apply"), chosen)
    w.group.refresh_from_db()
    assert w.group.leader is None and w.group.venue_stairwell == w.stairwell
    assert not Grant.objects.filter(user=sun_user, role=Role.LEADER).exists()


def test_an_incomplete_plan_is_not_applied(estate, login):
    w = estate
    client = login(w.admin)
    response = client.post(plan_url(w, "apply"), state((w.stairwell, w.stairwell)), follow=True)
    assert "有单元没有分到党小组" in response.content.decode()
    assert (
        BuildingGroup.objects.count() == 1
        and not Stairwell.objects.filter(group__isnull=False).exclude(pk=w.stairwell.pk).exists()
    )


def test_editor_pages_only_accept_posts(estate, login):
    client = login(estate.admin)
    for name in ("check", "confirm", "apply"):
        assert client.get(plan_url(estate, name)).status_code == 405


def test_new_group_names_do_not_clash_with_existing_ones(estate, login):
    w = estate
    BuildingGroup.objects.create(community=w.community, name="船山路63号党小组")
    chosen = state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell), (w.stairwell3, w.stairwell3))
    login(w.admin).post(plan_url(w, "apply"), chosen)
    assert BuildingGroup.objects.get(venue_stairwell=w.stairwell3).name == "船山路63号1单元党小组"


def test_a_group_that_served_no_stairwell_is_left_alone(estate, login):
    w = estate
    waiting = BuildingGroup.objects.create(community=w.community, name="待组建党小组", leader=w.sun_member)
    chosen = state((w.stairwell, w.stairwell), (w.stairwell2, w.stairwell), (w.stairwell3, w.stairwell3))
    client = login(w.admin)
    assert "待组建党小组" not in client.post(plan_url(w, "confirm"), chosen).content.decode()
    client.post(plan_url(w, "apply"), chosen)
    waiting.refresh_from_db()
    assert waiting.leader == w.sun_member
