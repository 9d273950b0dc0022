"""The demo's 包户 and 敲门问需: every group household has one member, visits follow the policy
intervals, some are overdue, and needs found on visits are requests of channel visit.

The demo is built once for this module (inside a transaction rolled back at the end).
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from helpers.demo import built_demo

from loudong.accounts.models import User
from loudong.outreach.models import Assignment, Visit
from loudong.outreach.schedule import DueState, schedule
from loudong.policy.models import current_rules
from loudong.registry.models import Community, Household
from loudong.tickets.models import Request

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with built_demo(django_db_blocker):
        yield


def test_every_household_of_every_group_has_one_member_of_that_group(demo):
    for community in Community.objects.filter(code__in=["xihu-xincun", "dongfeng"]):
        grouped = Household.objects.filter(community=community, stairwell__group__isnull=False)
        assert grouped.exists()
        assert Assignment.objects.filter(household__in=grouped).count() == grouped.count()
        for group_id in set(grouped.values_list("stairwell__group_id", flat=True)):
            loads = Counter(
                Assignment.objects.filter(household__stairwell__group_id=group_id).values_list(
                    "volunteer_id", flat=True
                )
            )
            assert max(loads.values()) - min(loads.values()) <= 1
        assert (
            not Assignment.objects.filter(community=community)
            .exclude(volunteer__group_id=F("household__stairwell__group_id"))
            .exists()
        )


def test_the_demo_volunteer_has_households_and_has_visited_them(demo):
    volunteer = User.objects.get(username="demo-volunteer")
    member = volunteer.resident.member
    households = Household.objects.filter(assignment__volunteer=member)
    assert 10 <= households.count() <= 20
    assert Visit.objects.filter(volunteer=member, created_by=volunteer).count() > households.count()


def test_visits_follow_the_policy_and_some_households_are_overdue(demo):
    xihu = Community.objects.get(code="xihu-xincun")
    rows = schedule(Household.objects.filter(community=xihu, assignment__isnull=False), current_rules(xihu.pk))
    states = Counter(r.state for r in rows)
    assert states[DueState.OVERDUE] > 0 and states[DueState.DONE] > len(rows) / 2
    weekly = [r for r in rows if r.visit_days == 7]
    monthly = [r for r in rows if r.visit_days == 30]
    since = timezone.now() - timedelta(days=60)

    def per_household(group: list) -> float:
        ids = [r.household.pk for r in group]
        return Visit.objects.filter(household_id__in=ids, visited_at__gte=since).count() / len(ids)

    assert per_household(weekly) > 2.5 * per_household(monthly)
    assert Visit.objects.filter(community=xihu, someone_home=Visit.Home.AWAY).exists()
    assert not Visit.objects.filter(visited_at__gt=timezone.now()).exists()


def test_needs_found_on_visits_are_requests_of_channel_visit(demo):
    linked = Request.objects.filter(visit__isnull=False)
    assert linked.count() >= 3
    assert set(linked.values_list("channel", flat=True)) == {Request.Channel.VISIT}
    fresh = linked.filter(status=Request.Status.SUBMITTED, created_at__gte=timezone.now() - timedelta(hours=12))
    assert fresh.count() == 3
    for req in fresh:
        assert req.visit.household_id == req.household_id and req.visit.needs == req.description
