import pytest
from django.http import Http404

from loudong.accounts.access import STAFF_ROLES
from loudong.accounts.models import Grant, Role
from loudong.registry.access import community_for, may_reveal
from loudong.registry.models import Resident
from loudong.tickets.access import staff_community_id


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


@pytest.mark.parametrize("persona", ["admin", "leader", "volunteer", "resident", "overseer", "outsider"])
def test_the_intakes_sql_staff_check_agrees_with_the_access_rule_for_every_role(world, persona):
    user = getattr(world, persona)
    for code in ("xihu", "other", "nowhere"):
        try:
            expected = community_for(user, code, STAFF_ROLES).pk
        except Http404:
            expected = None
        assert staff_community_id(user.pk, code) == expected, (persona, code)


def test_every_role_is_checked_by_the_sql_staff_check(world):
    """A role added later is either staff or not, in both rules: one grant of each role in turn."""
    user = world.resident
    for role in Role.values:
        Grant.objects.filter(user=user).delete()
        scope = {"community": world.community}
        if role in (Role.LEADER, Role.VOLUNTEER):
            scope["group"] = world.group
        elif role == Role.OVERSEER:
            scope = {"subdistrict": world.subdistrict}
        Grant.objects.create(user=user, role=role, **scope)
        user = type(user).objects.get(pk=user.pk)  # grants are cached per object
        assert (staff_community_id(user.pk, "xihu") is not None) == (role in STAFF_ROLES), role
