"""Recommended volunteers for a request, best fit first, each with its reasons in Chinese."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from loudong.registry.models import Member, ServiceItem
from loudong.tickets import actions
from loudong.tickets.suggest.rank import recommend

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY_MORNING = datetime(2025, 11, 26, 10, 0, tzinfo=SHANGHAI)
WEDNESDAY_EVENING = datetime(2025, 11, 26, 20, 0, tzinfo=SHANGHAI)


@pytest.fixture
def zhang_member(world):
    """张建国: a working member of the group who lives in the other building."""
    return Member.objects.create(
        community=world.community, resident=world.zhang, group=world.group, employment="working"
    )


def place(world, text="独居老人需要买药，腿脚不方便下楼", category="hardship", **extra):
    return actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code=category,
        description=text,
        **extra,
    )


def by_member(ranking):
    return {r.member.resident.name: r for r in ranking}


def test_neighbours_in_the_same_stairwell_come_before_members_in_other_buildings(world, zhang_member):
    ranking = recommend(place(world), now=WEDNESDAY_EVENING)
    names = [r.member.resident.name for r in ranking]
    assert set(names) == {"刘光前", "王秀英", "张建国"}
    assert names[-1] == "张建国"
    assert "同住1单元" in by_member(ranking)["王秀英"].reasons
    assert not any("同住" in reason for reason in by_member(ranking)["张建国"].reasons)


def test_a_matching_service_item_is_a_reason(world):
    ranking = by_member(recommend(place(world), now=WEDNESDAY_EVENING))
    assert "服务项目「代买代办」对口" in ranking["王秀英"].reasons
    assert not any("服务项目" in reason for reason in ranking["刘光前"].reasons)
    assert ranking["王秀英"].score > ranking["刘光前"].score - 1  # the item outweighs being retired


def test_a_service_item_an_admin_added_matches_by_its_words(world):
    cleaning = ServiceItem.objects.create(community=world.community, name="卫生清洁")
    world.liu_member.service_items.add(cleaning)
    ranking = by_member(recommend(place(world, "楼道需要清洁打扫", category="environment"), now=WEDNESDAY_EVENING))
    assert "服务项目「卫生清洁」对口" in ranking["刘光前"].reasons


def test_volunteers_with_work_in_hand_are_ranked_lower(world):
    for _ in range(2):
        actions.dispatch(place(world, "帮忙代缴水费"), world.wang_member, by=world.leader)
    ranking = by_member(recommend(place(world), now=WEDNESDAY_EVENING))
    assert "手头在办 2 件" in ranking["王秀英"].reasons
    assert "手头没有在办的单子" in ranking["刘光前"].reasons
    assert ranking["刘光前"].score > ranking["王秀英"].score


def test_availability_depends_on_retirement_and_the_hour_on_chinas_calendar(world, zhang_member):
    req = place(world)
    morning = by_member(recommend(req, now=WEDNESDAY_MORNING))
    evening = by_member(recommend(req, now=WEDNESDAY_EVENING))
    assert "已退休，时间较充裕" in morning["刘光前"].reasons
    assert "在职，现在是上班时间" in morning["张建国"].reasons
    assert "在职，现在是下班时间" in evening["张建国"].reasons
    assert morning["张建国"].score < evening["张建国"].score
    national_day = datetime(2025, 10, 2, 10, 0, tzinfo=SHANGHAI)  # a Thursday, a holiday
    assert "在职，现在是下班时间" in by_member(recommend(req, now=national_day))["张建国"].reasons


def test_past_ratings_count(world):
    for rating in ["satisfied", "satisfied", "basic"]:
        req = place(world, "帮忙买菜")
        actions.dispatch(req, world.wang_member, by=world.leader)
        actions.accept(req, by=world.volunteer)
        actions.resolve(req, by=world.volunteer, resolution="offline", reply="买好了", minutes=20)
        actions.confirm(req, rating)
    ranking = by_member(recommend(place(world), now=WEDNESDAY_EVENING))
    assert "以往评价：满意2次，基本满意1次" in ranking["王秀英"].reasons


def test_a_volunteer_who_sent_it_back_goes_last(world):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.decline(req, by=world.volunteer, reason="这周出差")
    ranking = recommend(req, now=WEDNESDAY_EVENING)
    assert ranking[-1].member == world.wang_member and "曾退回此单" in ranking[-1].reasons


def test_the_volunteer_whose_contact_card_was_scanned_is_recommended_first(client, world):
    from helpers.public_request import hidden, send, submit_and_read_receipt

    page = client.get(f"/ask/m/{world.liu_member.public_token}/")
    page = send(client, {**hidden(page), "step": "1", "category": "hardship"})
    # The receipt makes the request from the submission.
    req = submit_and_read_receipt(client, page, description="想请人帮忙买点米和油")
    ranking = recommend(req, now=WEDNESDAY_EVENING)
    assert ranking[0].member == world.liu_member and "居民扫的是TA的便民联系卡" in ranking[0].reasons


def test_a_building_without_a_group_is_served_by_members_living_there(world):
    req = actions.place_request(
        community=world.community, building=world.building2, category_code="policy", description="医保报销怎么办"
    )
    assert req.group is None
    assert recommend(req, now=WEDNESDAY_EVENING) == []
    Member.objects.create(community=world.community, resident=world.zhang, group=world.group)
    assert [r.member.resident.name for r in recommend(req, now=WEDNESDAY_EVENING)] == ["张建国"]


def test_ranking_a_large_group_reads_each_members_ratings_once_then_a_few_queries(world, django_assert_max_num_queries):
    from loudong.registry.models import Resident

    for i in range(30):
        resident = Resident.objects.create(community=world.community, household=world.household, name=f"党员{i}")
        member = Member.objects.create(community=world.community, resident=resident, group=world.group)
        member.service_items.add(world.errands)
    req = place(world)
    with django_assert_max_num_queries(32 + 6):
        recommend(req, now=WEDNESDAY_EVENING)
    with django_assert_max_num_queries(6):  # members, their items, load, history, neighbours
        ranking = recommend(req, now=WEDNESDAY_EVENING, limit=5)
    assert len(ranking) == 5 and all(r.reasons for r in ranking)


def test_a_queue_page_of_requests_is_ranked_in_the_same_few_queries(world, zhang_member, django_assert_max_num_queries):
    from loudong.tickets.suggest.rank import recommend_many

    requests = [place(world, f"帮忙买药{i}") for i in range(10)]
    other = actions.place_request(
        community=world.community, building=world.building2, category_code="policy", description="医保报销怎么办"
    )
    recommend_many(requests, now=WEDNESDAY_EVENING)  # each member's ratings read once
    with django_assert_max_num_queries(6):
        ranked = recommend_many([*requests, other], now=WEDNESDAY_EVENING, limit=2)
    assert all(len(ranked[r.pk]) == 2 for r in requests)
    assert [r.member for r in ranked[other.pk]] == [zhang_member]  # building2 has no group: who lives there
