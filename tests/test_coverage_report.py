"""覆盖情况: members without a group, members whose group no longer matches their home, households no
group serves and groups outside the policy's sizes, each with its one-click fix."""

import pytest

from loudong.accounts.models import AuditEntry, Grant, Role
from loudong.groups.models import BuildingGroup
from loudong.policy.models import save_rules
from loudong.policy.rules import Rules
from loudong.registry.models import Member, Resident, Stairwell


def url(world, tail=""):
    return f"/c/{world.community.code}/groups/plan/coverage/{tail}"


def section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("persona", ["leader", "volunteer", "resident", "overseer", "outsider"])
def test_only_the_community_admin_sees_coverage(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world, f"members/{world.wang_member.pk}/join/")).status_code == 404
    serve = url(world, f"stairwells/{world.stairwell2.pk}/serve/")
    assert client.post(serve, {"group": world.group.pk}).status_code == 404
    assert Stairwell.objects.get(pk=world.stairwell2.pk).group is None


def test_a_member_without_a_group_joins_the_group_of_their_stairwell_in_one_click(world, login):
    zhang = Member.objects.create(community=world.community, resident=world.zhang)
    client = login(world.admin)
    page = client.get(url(world)).content.decode()
    loose = section(page, "loose-members")
    assert "张建国" in loose and "137****7000" in loose and "13700137000" not in loose
    assert "本单元还没有党小组" in loose  # 学宫巷3号 has no group yet
    Stairwell.objects.filter(pk=world.stairwell2.pk).update(group=world.group)
    loose = section(client.get(url(world)).content.decode(), "loose-members")
    assert "加入本单元所在的党小组（环城北路93号党小组）" in loose
    response = client.post(url(world, f"members/{zhang.pk}/join/"), follow=True)
    assert "张建国已编入环城北路93号党小组" in response.content.decode()
    zhang.refresh_from_db()
    assert zhang.group == world.group
    assert AuditEntry.objects.filter(object_type="member", object_id=str(zhang.pk), action="update").exists()
    assert "所有党员都已编入党小组" in section(client.get(url(world)).content.decode(), "loose-members")


def test_a_member_without_an_address_is_sent_to_register_it(world, login):
    nomad = Resident.objects.create(community=world.community, name="周游", phone="13300133000")
    Member.objects.create(community=world.community, resident=nomad)
    loose = section(login(world.admin).get(url(world)).content.decode(), "loose-members")
    assert "周游" in loose and "先登记住址" in loose and f"/residents/{nomad.pk}/edit/" in loose


def test_a_member_who_moved_transfers_to_the_group_of_their_new_home(world, login):
    g2 = BuildingGroup.objects.create(
        community=world.community, name="学宫巷3号党小组", venue_stairwell=world.stairwell2
    )
    Stairwell.objects.filter(pk=world.stairwell2.pk).update(group=g2)
    Resident.objects.filter(pk=world.wang.pk).update(household=world.household2)  # 王秀英 moved
    client = login(world.admin)
    moved = section(client.get(url(world)).content.decode(), "moved-members")
    assert "王秀英" in moved and "139****9000" in moved and "转入本单元所在的党小组（学宫巷3号党小组）" in moved
    client.post(url(world, f"members/{world.wang_member.pk}/join/"))
    assert Member.objects.get(pk=world.wang_member.pk).group == g2
    assert Grant.objects.get(user=world.volunteer, role=Role.VOLUNTEER).group == g2
    assert 'id="moved-members"' not in client.get(url(world)).content.decode()


def test_households_no_group_serves_are_given_to_the_nearest_group(world, login):
    zhang = Member.objects.create(community=world.community, resident=world.zhang)
    client = login(world.admin)
    unserved = section(client.get(url(world)).content.decode(), "unserved")
    assert "学宫巷3号1单元" in unserved and "1 户" in unserved
    assert "由最近的环城北路93号党小组服务" in unserved and "重新规划" in unserved
    response = client.post(url(world, f"stairwells/{world.stairwell2.pk}/serve/"), {"group": world.group.pk},
                           follow=True)  # fmt: skip
    assert "学宫巷3号1单元已由环城北路93号党小组服务" in response.content.decode()
    assert Stairwell.objects.get(pk=world.stairwell2.pk).group == world.group
    assert Member.objects.get(pk=zhang.pk).group == world.group  # the member living there joins too
    assert "每一户都有党小组服务" in section(client.get(url(world)).content.decode(), "unserved")


def test_a_stairwell_cannot_be_given_to_another_communitys_group(world, login):
    foreign = BuildingGroup.objects.create(community=world.other, name="人民路1号党小组")
    response = login(world.admin).post(url(world, f"stairwells/{world.stairwell2.pk}/serve/"), {"group": foreign.pk},
                                       follow=True)  # fmt: skip
    assert "请选择一个本社区的党小组" in response.content.decode()
    assert Stairwell.objects.get(pk=world.stairwell2.pk).group is None


def test_a_member_of_another_community_cannot_be_moved(world, login):
    stranger = Member.objects.create(community=world.other, resident=world.stranger)
    assert login(world.admin).post(url(world, f"members/{stranger.pk}/join/")).status_code == 404


def test_groups_below_the_minimum_are_listed_with_a_way_to_replan(world, login):
    client = login(world.admin)
    sizes = section(client.get(url(world)).content.decode(), "group-sizes")
    assert "环城北路93号党小组" in sizes and "只有 2 名党员，少于最少 5 人" in sizes
    assert f"/c/{world.community.code}/groups/plan/" in sizes
    save_rules(world.community.pk, Rules(min_members=2, max_members=15))
    assert "每个党小组的人数都符合规定" in section(client.get(url(world)).content.decode(), "group-sizes")


def test_the_figures_count_members_households_and_groups(world, login):
    page = login(world.admin).get(url(world)).content.decode()
    figures = page[page.index('id="coverage-figures"') : page.index('id="loose-members"')]
    assert "2 人已编入党小组" in figures and "1 户有党小组服务" in figures and "0 个人数符合规定" in figures
