"""双报到's write path: confirming a report-in makes the person a member of their building's group
and a volunteer of it; declining needs a reason; posts are claimed one slot at a time."""

import pytest

from loudong.accounts.models import Grant, Role, User
from loudong.lib.actions import ActionRefused
from loudong.partners import actions
from loudong.partners.models import PartnerUnit, Post, PostClaim, ReportIn
from loudong.registry.models import Member, Resident


@pytest.fixture
def school(world) -> PartnerUnit:
    return PartnerUnit.objects.create(
        community=world.community, name="石鼓区第一实验小学", kind=PartnerUnit.Kind.SCHOOL, party_org="实验小学党支部"
    )


def report(world, school, **fields) -> ReportIn:
    values = {
        "community": world.community,
        "name": "周敏",
        "phone": "13512345678",
        "unit": school,
        "workplace_party_org": "实验小学党支部",
        "household": world.household2,
        "skills": "讲课、写作",
        "available": "周末上午",
    }
    return ReportIn.objects.create(**(values | fields))


def test_confirming_makes_a_member_of_the_group_serving_their_home_and_a_volunteer(world, school):
    world.stairwell2.group = world.group
    world.stairwell2.save()
    pending = report(world, school)
    done = actions.confirm(pending, by=world.admin, account=actions.Account("zhoumin", "Fuwu2026Sheqv"))
    member = done.member
    assert done.resident_created and done.member_created
    assert member.resident.name == "周敏" and member.resident.household == world.household2
    assert member.group == world.group
    assert member.registration == Member.Registration.OTHER and member.registered_org == "实验小学党支部"
    assert member.employment == Member.Employment.WORKING
    user = User.objects.get(username="zhoumin")
    assert user.resident == member.resident and user.check_password("Fuwu2026Sheqv")
    assert Grant.objects.filter(user=user, role=Role.VOLUNTEER, group=world.group).exists()
    pending.refresh_from_db()
    assert pending.status == ReportIn.Status.CONFIRMED and pending.member == member
    assert pending.decided_by == world.admin and pending.decided_at is not None


def test_confirming_someone_already_in_the_registry_reuses_their_record(world, school):
    pending = report(world, school, name="张建国", phone="13700137000")
    done = actions.confirm(pending, by=world.admin)
    assert not done.resident_created and done.member.resident == world.zhang
    assert Resident.objects.filter(name="张建国").count() == 1
    assert any("没有楼栋党小组" in note for note in done.notes)
    assert done.grant is None  # he has an account, but no group to volunteer in yet


def test_only_the_admin_confirms_and_only_once(world, school):
    pending = report(world, school)
    with pytest.raises(ActionRefused):
        actions.confirm(pending, by=world.leader)
    with pytest.raises(ActionRefused):
        actions.confirm(pending, by=world.outsider)
    actions.confirm(pending, by=world.admin)
    with pytest.raises(ActionRefused, match="已经已确认"):
        actions.confirm(pending, by=world.admin)


def test_a_weak_first_password_refuses_the_whole_confirmation(world, school):
    pending = report(world, school)
    with pytest.raises(ActionRefused, match="初始密码不合格"):
        actions.confirm(pending, by=world.admin, account=actions.Account("zhoumin", "123"))
    pending.refresh_from_db()
    assert pending.status == ReportIn.Status.PENDING
    assert not Resident.objects.filter(name="周敏").exists()


def test_declining_needs_a_reason(world, school):
    pending = report(world, school)
    with pytest.raises(ActionRefused, match="原因"):
        actions.decline(pending, by=world.admin, reason=" ")
    actions.decline(pending, by=world.admin, reason="不住在本社区")
    pending.refresh_from_db()
    assert pending.status == ReportIn.Status.DECLINED and pending.decline_reason == "不住在本社区"


def test_a_post_is_claimed_until_its_slots_are_full_and_a_release_frees_one(world):
    post = Post.objects.create(community=world.community, title="周五大扫除", kind=Post.Kind.CLEAN_UP, slots=1)
    first = actions.claim(post, member=world.liu_member)
    with pytest.raises(ActionRefused, match="已经认领"):
        actions.claim(post, member=world.liu_member)
    with pytest.raises(ActionRefused, match="名额已满"):
        actions.claim(post, member=world.wang_member)
    with pytest.raises(ActionRefused, match="自己"):
        actions.release(first, member=world.wang_member)
    actions.release(first, member=world.liu_member)
    actions.claim(post, member=world.wang_member)
    assert list(PostClaim.objects.holding().values_list("member", flat=True)) == [world.wang_member.pk]


def test_a_group_post_is_for_that_group_only(world):
    other_group_post = Post.objects.create(community=world.community, title="文明劝导", group=world.group)
    outsider = Member.objects.create(community=world.community, resident=world.zhang)
    with pytest.raises(ActionRefused, match="只有本小组党员"):
        actions.claim(other_group_post, member=outsider)
    actions.claim(other_group_post, member=world.wang_member)
