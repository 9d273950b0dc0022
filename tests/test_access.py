from loudong.accounts.access import may_reveal
from loudong.registry.models import Resident


def visible_names(user) -> set[str]:
    return set(Resident.objects.visible_to(user).values_list("name", flat=True))


def test_admin_sees_the_whole_community_and_nothing_else(world):
    assert visible_names(world.admin) == {"刘光前", "王秀英", "张建国"}


def test_leader_sees_the_households_of_the_groups_stairwells(world):
    assert visible_names(world.leader) == {"刘光前", "王秀英"}


def test_volunteer_sees_fellow_group_members_only(world):
    assert visible_names(world.volunteer) == {"刘光前", "王秀英"}


def test_resident_sees_their_own_household(world):
    assert visible_names(world.resident) == {"张建国"}


def test_overseer_and_outsider_see_no_person_of_the_community(world):
    assert visible_names(world.overseer) == set()
    assert visible_names(world.outsider) == {"陈外人"}


def test_only_admin_may_reveal_an_id_number_and_leader_a_phone(world):
    assert may_reveal(world.admin, world.zhang, "id_number")
    assert not may_reveal(world.leader, world.wang, "id_number")
    assert may_reveal(world.leader, world.wang, "phone")
    assert not may_reveal(world.volunteer, world.liu, "phone")
    assert may_reveal(world.resident, world.zhang, "phone")
