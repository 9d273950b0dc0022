"""资源清单 and the suggested matches: partner units' offers and in-post members' skills listed once,
and for each need the resources that fit, with their reasons in Chinese (kind, words, distance on
the site plan, load), in a fixed order and never as a ranking of people or units."""

import pytest
from conftest import make_user

from loudong.accounts.models import Role
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.partners.models import PartnerUnit, ReportIn
from loudong.projects import actions
from loudong.projects.kinds import guess_kind
from loudong.projects.matching import suggest
from loudong.projects.models import Resource
from loudong.registry.models import Building, Member, Resident


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("楼道灯总跳闸，电线老化", "repair"),
        ("老人想请医生上门量血压", "medical"),
        ("邻里为遗产起了纠纷，想咨询律师", "legal"),
        ("想借个活动室办书法班", "venue"),
        ("独居老人每周需要有人陪伴买菜", "volunteers"),
        ("楼下想添几把休闲座椅", "other"),
    ],
)
def test_the_kind_of_help_is_guessed_from_the_words_of_the_need(text, kind):
    assert guess_kind(text) == kind


@pytest.fixture
def hospital(world) -> PartnerUnit:
    return PartnerUnit.objects.create(
        community=world.community,
        name="市第一人民医院",
        kind=PartnerUnit.Kind.HOSPITAL,
        address="船山大道10号",
        offers=["medical", "volunteers"],
        offers_note="每月一次义诊，量血压、测血糖",
    )


@pytest.fixture
def electrician(world) -> ReportIn:
    """An in-post member living in 学宫巷3号 who reported in with the skills of an electrician."""
    resident = Resident.objects.create(community=world.community, household=world.household2, name="赵建军")
    member = Member.objects.create(community=world.community, resident=resident)
    return ReportIn.objects.create(
        community=world.community,
        name="赵建军",
        phone="13500135000",
        workplace="国网衡阳供电公司",
        workplace_party_org="国网衡阳供电公司党委",
        household=world.household2,
        skills="水电维修、电路检修",
        available="周末",
        status=ReportIn.Status.CONFIRMED,
        member=member,
    )


def test_admin_lists_the_units_offers_and_the_members_skills_once(world, hospital, electrician):
    PartnerUnit.objects.create(community=world.community, name="已停止共建的银行", offers=["funds"], active=False)
    ReportIn.objects.create(
        community=world.community, name="待确认", phone="13400134000", workplace_party_org="某单位党委", skills="理发"
    )
    made = actions.list_partner_offers(world.community, by=world.admin)
    assert sorted((r.source, r.kind, r.owner_label) for r in made) == [
        ("member", "repair", "赵建军"),
        ("unit", "medical", "市第一人民医院"),
        ("unit", "volunteers", "市第一人民医院"),
    ]
    member_resource = Resource.objects.get(source="member")
    assert (member_resource.title, member_resource.capacity, member_resource.building) == (
        "水电维修、电路检修", "周末", world.building2,
    )  # fmt: skip
    assert actions.list_partner_offers(world.community, by=world.admin) == []
    assert Resource.objects.count() == 3
    with pytest.raises(ActionRefused):
        actions.list_partner_offers(world.community, by=world.leader)


def test_the_resources_page_offers_the_unlisted_ones_to_the_admin_in_one_tap(world, login, hospital):
    client = login(world.admin)
    page = client.get("/c/xihu/lists/resources/").content.decode()
    assert "还有 <strong>2</strong> 项资源没有列入清单" in page
    client.post("/c/xihu/lists/resources/list-offers/")
    page = client.get("/c/xihu/lists/resources/").content.decode()
    assert "没有列入清单" not in page and page.count("市第一人民医院") == 2
    assert "没有列入清单" not in login(world.leader).get("/c/xihu/lists/resources/").content.decode()


def test_a_need_is_suggested_the_resources_that_fit_with_their_reasons(world, hospital, electrician):
    actions.list_partner_offers(world.community, by=world.admin)
    actions.enter_resource(world.community, by=world.admin, kind="venue", title="社区活动室", owner_name="社区")
    need = actions.enter_need(
        world.community,
        by=world.admin,
        title="楼道电路老化，灯总跳闸",
        description="请懂电路检修的党员来看看",
        category="repair",
        building=world.building,
        group=world.group,
    )
    found = suggest(need, Resource.objects.all())
    assert [s.resource.owner_label for s in found] == ["赵建军"]  # the hospital and the room do not fit
    reasons = found[0].reasons
    assert reasons[0] == "类型对口：都是维修服务"
    assert reasons[1].startswith("说到同样的事：") and "电路" in reasons[1] and "检修" in reasons[1]
    assert reasons[2] == "在学宫巷3号，相距约 80 米"
    assert reasons[3] == "手上没有在办的项目"


def test_distance_load_and_a_unit_outside_the_community_are_said_in_words(world, hospital):
    actions.list_partner_offers(world.community, by=world.admin)
    far = Building.objects.create(community=world.community, name="船山路63号", x=400, y=300)
    world.building.adjacent.add(world.building2)
    need = actions.enter_need(
        world.community, by=world.admin, title="老人想请医生上门量血压", category="medical", building=world.building
    )
    for name, building in (("邻楼张医生", world.building2), ("远处李医生", far), ("同楼王医生", world.building)):
        actions.enter_resource(
            world.community, by=world.admin, kind="medical", title="上门量血压", owner_name=name, building=building
        )
    busy = Resource.objects.get(owner_name="同楼王医生")
    other_need = actions.enter_need(world.community, by=world.admin, title="体检", category="medical")
    actions.start_project(other_need, busy, by=world.admin)

    found = {s.resource.owner_label: s.reasons for s in suggest(need, Resource.objects.all())}
    assert "就在同一栋楼" in found["同楼王医生"] and "手上已有 1 个在办项目" in found["同楼王医生"]
    assert "在相邻的学宫巷3号" in found["邻楼张医生"]
    assert "同一社区，在船山路63号，相距约 500 米" in found["远处李医生"]
    assert "共建单位，在社区外（船山大道10号）" in found["市第一人民医院"]


def test_suggestions_come_in_the_same_order_every_time_best_fit_first(world, hospital):
    actions.list_partner_offers(world.community, by=world.admin)
    for name in ("乙诊所", "甲诊所"):
        actions.enter_resource(world.community, by=world.admin, kind="medical", title="义诊", owner_name=name)
    need = actions.enter_need(world.community, by=world.admin, title="想请医生来社区义诊", category="medical")
    orders = {tuple(s.resource.pk for s in suggest(need, Resource.objects.all())) for _ in range(3)}
    assert len(orders) == 1
    labels = [s.resource.owner_label for s in suggest(need, Resource.objects.all())]
    # the two clinics share the words 义诊 and score alike: then by name, never at random
    assert labels.index("甲诊所") < labels.index("乙诊所")


def test_a_stopped_resource_is_not_suggested_and_cannot_be_used(world):
    resource = actions.enter_resource(
        world.community, by=world.admin, kind="funds", title="慰问金", owner_name="某银行"
    )
    need = actions.enter_need(world.community, by=world.admin, title="困难户慰问资金", category="funds")
    actions.set_resource_active(resource, False, by=world.admin)
    assert suggest(need, Resource.objects.all()) == []
    with pytest.raises(ActionRefused, match="已停用"):
        actions.start_project(need, resource, by=world.admin)


def test_a_leader_is_suggested_no_member_of_another_group(world, login, electrician):
    actions.list_partner_offers(world.community, by=world.admin)
    other = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    electrician.member.group = other
    electrician.member.save()
    need = actions.enter_need(
        world.community, by=world.admin, title="楼道电路老化", category="repair", group=world.group
    )
    leader_page = login(world.leader).get(f"/c/xihu/lists/needs/{need.pk}/")
    assert leader_page.context["suggestions"] == [] and "赵建军" not in leader_page.content.decode()
    admin_page = login(world.admin).get(f"/c/xihu/lists/needs/{need.pk}/")
    assert [s.resource.owner_label for s in admin_page.context["suggestions"]] == ["赵建军"]
    assert "赵建军" not in login(world.leader).get("/c/xihu/lists/resources/").content.decode()
    leader2 = make_user("leader2", Role.LEADER, community=world.community, group=other)
    assert "赵建军" in login(leader2).get("/c/xihu/lists/resources/").content.decode()


def test_the_need_page_shows_each_suggestion_with_its_reasons_and_a_one_tap_start(world, login, hospital):
    actions.list_partner_offers(world.community, by=world.admin)
    need = actions.enter_need(world.community, by=world.admin, title="老人想请医生上门量血压", category="medical")
    page = login(world.admin).get(f"/c/xihu/lists/needs/{need.pk}/").content.decode()
    assert "类型对口：都是医疗服务" in page and "这不是排名" in page
    assert page.count('name="resource"') >= 1 and ">立项</button>" in page
    for word in ("第一名", "排名第", "得分", "分数"):
        assert word not in page
