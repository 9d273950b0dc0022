"""包户: the proposal covers every household once, balances totals and care-tagged households,
prefers the volunteer's own stairwell, and the leader's changes are audited."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loudong.accounts.models import AuditEntry
from loudong.lib.actions import ActionRefused
from loudong.outreach import actions
from loudong.outreach.assign import HouseholdSpot, Place, VolunteerSpot, cost, propose, spread
from loudong.outreach.models import Assignment, AssignmentDraft
from loudong.registry.models import Household, Member, Resident, Stairwell


def place(stairwell: int, building: int, x: float = 0.0, y: float = 0.0) -> Place:
    return Place(stairwell, building, x, y)


def households_in(p: Place, count: int, start: int, care: int = 0) -> list[HouseholdSpot]:
    return [HouseholdSpot(start + i, p, care=i < care) for i in range(count)]


def spread_of(mapping: dict[int, int], households: list[HouseholdSpot], volunteers: list[VolunteerSpot]):
    counts = spread(mapping, households, volunteers)
    totals = [n for n, _ in counts.values()]
    cares = [c for _, c in counts.values()]
    return max(totals) - min(totals), max(cares) - min(cares)


def test_every_household_gets_exactly_one_volunteer_and_counts_differ_by_at_most_one():
    a, b = place(1, 1), place(2, 1, 20)
    households = households_in(a, 7, 100) + households_in(b, 4, 200)
    volunteers = [VolunteerSpot(1, a), VolunteerSpot(2, a), VolunteerSpot(3, b)]
    mapping = propose(households, volunteers)
    assert set(mapping) == {h.id for h in households}
    assert set(mapping.values()) <= {1, 2, 3}
    assert sorted(Counter(mapping.values()).values()) == [3, 4, 4]


def test_volunteers_get_the_households_of_their_own_stairwell_first():
    a, b = place(1, 1, 0), place(2, 2, 100)
    households = households_in(a, 5, 100) + households_in(b, 5, 200)
    mapping = propose(households, [VolunteerSpot(1, b), VolunteerSpot(2, a)])
    assert {h for h, v in mapping.items() if v == 1} == set(range(200, 205))
    assert {h for h, v in mapping.items() if v == 2} == set(range(100, 105))


def test_another_stairwell_of_the_own_building_comes_before_a_nearer_building():
    home, same_building, nearer = place(1, 1, 0), place(2, 1, 60), place(3, 2, 10)
    households = [HouseholdSpot(1, same_building), HouseholdSpot(2, nearer)]
    here, far = VolunteerSpot(1, home), VolunteerSpot(2, place(9, 9, 500))
    assert cost(households[0], here) < cost(households[1], here)
    assert propose(households, [here, far])[1] == 1


def test_care_tagged_households_are_shared_even_when_they_all_live_beside_one_volunteer():
    a, b = place(1, 1, 0), place(2, 2, 200)
    households = households_in(a, 6, 100, care=4) + households_in(b, 6, 200)
    mapping = propose(households, [VolunteerSpot(1, a), VolunteerSpot(2, b)])
    care_of = Counter(mapping[h.id] for h in households if h.care)
    assert care_of == {1: 2, 2: 2}
    assert Counter(mapping.values()) == {1: 6, 2: 6}


def test_a_new_proposal_keeps_households_with_whoever_has_them_when_distance_ties():
    a = place(1, 1)
    households = [HouseholdSpot(i, a, current=2 if i < 3 else 1) for i in range(6)]
    mapping = propose(households, [VolunteerSpot(1, a), VolunteerSpot(2, a)])
    assert all(mapping[h.id] == h.current for h in households)


def test_a_group_without_members_cannot_be_proposed_for():
    with pytest.raises(ActionRefused, match="还没有党员"):
        propose([HouseholdSpot(1, place(1, 1))], [])


places = st.builds(place, st.integers(1, 6), st.integers(1, 3), st.floats(0, 300), st.floats(0, 300))


@st.composite
def group_shapes(draw):
    stairwells = draw(st.lists(places, min_size=1, max_size=6))
    count = draw(st.integers(1, 60))
    households = [
        HouseholdSpot(
            i,
            draw(st.sampled_from(stairwells)),
            care=draw(st.booleans()),
            current=draw(st.one_of(st.none(), st.integers(0, 8))),
        )
        for i in range(count)
    ]
    volunteers = [
        VolunteerSpot(v, draw(st.one_of(st.none(), st.sampled_from(stairwells))))
        for v in range(draw(st.integers(1, 9)))
    ]
    return households, volunteers


@settings(max_examples=150, deadline=None)
@given(group_shapes())
def test_any_group_shape_is_covered_once_balanced_and_no_swap_would_shorten_the_walks(shape):
    households, volunteers = shape
    mapping = propose(households, volunteers)
    assert set(mapping) == {h.id for h in households}
    assert set(mapping.values()) <= {v.id for v in volunteers}
    total_gap, care_gap = spread_of(mapping, households, volunteers)
    assert total_gap <= 1
    assert care_gap <= 1
    by_id = {v.id: v for v in volunteers}
    for first in households:
        for second in households:
            a, b = mapping[first.id], mapping[second.id]
            if first.care == second.care and a != b:
                kept = cost(first, by_id[a]) + cost(second, by_id[b])
                swapped = cost(first, by_id[b]) + cost(second, by_id[a])
                assert kept <= swapped + 1e-6


# ---- the leader's adjustments, in the database -------------------------------------------------


@pytest.fixture
def group_of_three(world):
    """The group serves two stairwells with 9 households; 刘光前, 王秀英 and 赵敏 are its members."""
    w = world
    w.stairwell_b = Stairwell.objects.create(
        community=w.community, building=w.building, name="2单元", x=20, group=w.group
    )
    for room in ("101", "102", "201", "202"):
        Household.objects.create(community=w.community, stairwell=w.stairwell, room=room)
    for room in ("101", "102", "201", "202"):
        Household.objects.create(community=w.community, stairwell=w.stairwell_b, room=room)
    zhao = Resident.objects.create(
        community=w.community, household=Household.objects.get(stairwell=w.stairwell_b, room="101"), name="赵敏"
    )
    w.zhao_member = Member.objects.create(community=w.community, resident=zhao, group=w.group)
    return w


def test_a_proposal_confirmed_gives_every_household_of_the_group_one_volunteer(group_of_three):
    w = group_of_three
    actions.propose_for(w.group, by=w.leader)
    changed = actions.confirm(w.group, by=w.leader)
    households = Household.objects.filter(stairwell__group=w.group)
    assert changed == households.count() == 9
    assert Assignment.objects.filter(household__in=households).count() == 9
    per_member = Counter(Assignment.objects.values_list("volunteer_id", flat=True))
    assert sorted(per_member.values()) == [3, 3, 3]
    assert not AssignmentDraft.objects.exists()
    entry = AuditEntry.objects.filter(action="update", object_type="buildinggroup").get()
    assert entry.detail["变动户数"] == 9 and entry.actor == w.leader


def test_moving_a_household_in_the_draft_changes_nothing_until_confirmed(group_of_three):
    w = group_of_three
    draft = actions.propose_for(w.group, by=w.leader)
    household = Household.objects.get(stairwell=w.stairwell_b, room="202")
    target = next(m for m in (w.liu_member, w.wang_member) if m.pk != draft.as_ids()[household.pk])
    assert actions.move(w.group, household, target, by=w.leader) is True
    assert not Assignment.objects.exists()
    actions.confirm(w.group, by=w.leader)
    assert Assignment.objects.get(household=household).volunteer == target


def test_moving_a_household_after_confirmation_takes_effect_at_once_and_is_audited(group_of_three):
    w = group_of_three
    actions.propose_for(w.group, by=w.leader)
    actions.confirm(w.group, by=w.leader)
    household = Household.objects.get(stairwell=w.stairwell, room="101")
    before = Assignment.objects.get(household=household).volunteer
    target = w.zhao_member if before != w.zhao_member else w.wang_member
    assert actions.move(w.group, household, target, by=w.leader) is False
    assert Assignment.objects.get(household=household).volunteer == target
    entry = AuditEntry.objects.filter(object_type="assignment").latest("id")
    assert entry.detail == {"住户": str(household), "改前": str(before), "改后": str(target)}


def test_a_household_cannot_go_to_a_member_of_another_group_or_come_from_outside(group_of_three, world):
    w = group_of_three
    outsider = Member.objects.create(community=w.community, resident=w.zhang)
    with pytest.raises(ActionRefused, match="只能交给本党小组的党员"):
        actions.move(w.group, w.household, outsider, by=w.leader)
    with pytest.raises(ActionRefused, match="不在本党小组负责的单元"):
        actions.move(w.group, w.household2, w.wang_member, by=w.leader)


def test_confirming_a_stale_draft_asks_for_a_new_proposal(group_of_three):
    w = group_of_three
    actions.propose_for(w.group, by=w.leader)
    Household.objects.create(community=w.community, stairwell=w.stairwell, room="999")
    with pytest.raises(ActionRefused, match="请重新生成建议"):
        actions.confirm(w.group, by=w.leader)
    assert not Assignment.objects.exists()


def test_a_member_leaving_the_group_leaves_their_households_without_anyone(group_of_three):
    w = group_of_three
    actions.propose_for(w.group, by=w.leader)
    actions.confirm(w.group, by=w.leader)
    w.zhao_member.group = None
    w.zhao_member.save()
    current = actions.current_mapping(w.group)
    assert list(current.values()).count(None) == 3
    actions.propose_for(w.group, by=w.leader)
    actions.confirm(w.group, by=w.leader)
    assert None not in actions.current_mapping(w.group).values()
