"""The demo's three lists: needs from every source in every state, resources of the partner units and
the in-post members who reported in, projects in every state with dated steps, the figures on the
dashboard, and the demo leader's share of them.

The demo is built once for this module (inside a transaction rolled back at the end).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from helpers.demo import built_demo

from loudong.accounts.models import User
from loudong.projects.models import Need, Project, Resource
from loudong.registry.models import Community
from loudong.stats.compute import figures
from loudong.stats.period import Period
from loudong.stats.scope import Scope

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with built_demo(django_db_blocker):
        yield Community.objects.get(code="xihu-xincun")


def test_needs_come_from_every_source_and_stand_in_every_state(demo):
    needs = Need.objects.filter(community=demo)
    assert set(needs.values_list("source", flat=True)) == set(Need.Source.values)
    assert set(needs.values_list("status", flat=True)) == set(Need.Status.values)
    for need in needs.filter(source="request"):
        assert need.request.community_id == demo.pk and need.raised_at > need.request.created_at


def test_resources_are_the_partner_units_offers_and_the_in_post_members_skills(demo):
    resources = Resource.objects.filter(community=demo)
    assert set(resources.values_list("source", flat=True)) == set(Resource.Source.values)
    units = resources.filter(source="unit")
    assert units.values("unit").distinct().count() >= 3
    for resource in resources.filter(source="member"):
        assert resource.report_in.status == "confirmed" and resource.member == resource.report_in.member


def test_projects_stand_in_every_state_with_their_steps_dated_in_order(demo):
    projects = Project.objects.filter(community=demo)
    assert set(projects.values_list("status", flat=True)) == set(Project.Status.values)
    for project in projects:
        done = [s.done_on for s in project.steps.all() if s.done_on]
        assert done == sorted(done) and all(timezone.localdate(project.created_at) <= d for d in done)
        if project.status == "done":
            assert len(done) == project.steps.count() and max(done) <= project.done_on
            assert project.need.status == "met"
    assert projects.filter(resource__source="unit", status="done").exists()
    assert projects.filter(resource__source="member", status="done").exists()


def test_the_last_quarter_shows_on_the_dashboard(demo):
    today = timezone.localdate()
    lists = figures(Scope.for_community(demo.code), Period(today - timedelta(days=92), today))
    assert lists.lists.needs_raised >= 9 and lists.lists.projects_done == 3
    assert lists.lists.units >= 1 and lists.lists.members >= 1


def test_the_demo_leader_sees_their_groups_needs_and_projects(demo, client):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    needs = client.get(f"/c/{demo.code}/lists/needs/", {"status": "all"})
    assert needs.status_code == 200 and needs.context["page"].paginator.count >= 3
    projects = client.get(f"/c/{demo.code}/lists/projects/", {"status": "all"})
    assert projects.context["page"].paginator.count >= 2
