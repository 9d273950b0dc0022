"""项目清单: a need and a resource made a project in one tap (立项), run step by step to done (the need
is then met) or cancelled (the need is open again), every change in the project's history."""

from datetime import date, datetime, timedelta

import pytest
from conftest import make_user
from django.urls import reverse
from django.utils import timezone

from loudong.accounts.models import Role
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.projects import actions
from loudong.projects.models import Need, Project


def url(name: str, *args: object) -> str:
    return reverse(f"projects:{name}", args=["xihu", *args])


def other_leader(world) -> object:
    """The leader of another group of the community."""
    group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    return make_user("leader2", Role.LEADER, community=world.community, group=group)


@pytest.fixture
def need(world) -> Need:
    return actions.enter_need(
        world.community, by=world.admin, title="楼道电路老化", category="repair", group=world.group, beneficiaries=12
    )


@pytest.fixture
def resource(world):
    return actions.enter_resource(
        world.community, by=world.admin, kind="repair", title="电路检修", owner_name="社区物业维修班"
    )


def test_a_leader_starts_a_project_in_one_tap_from_a_suggestion(world, login, need, resource):
    client = login(world.leader)
    response = client.post(url("need_start", need.pk), {"resource": resource.pk})
    project = Project.objects.get()
    assert response.url == url("project", project.pk)
    need.refresh_from_db()
    assert need.status == "matched"
    assert (project.owner, project.status, project.beneficiaries, project.title) == (
        world.leader, "planned", 12, "楼道电路老化",
    )  # fmt: skip
    assert [s.text for s in project.steps.all()] == list(actions.FIRST_STEPS)
    page = client.get(url("need", need.pk)).content.decode()
    assert "已立项" in page and ">立项</button>" not in page
    with pytest.raises(ActionRefused, match="已立项"):
        actions.start_project(need, resource, by=world.admin)


def test_the_start_form_names_an_owner_and_a_due_date_and_refuses_a_past_one(world, login, need, resource):
    client = login(world.admin)
    yesterday = timezone.localdate() - timedelta(days=1)
    refused = client.post(
        url("need_start", need.pk),
        {"resource": resource.pk, "owner": world.leader.pk, "due_on": yesterday},
        follow=True,
    )
    assert "计划完成日期不能早于今天" in refused.content.decode() and not Project.objects.exists()
    due = timezone.localdate() + timedelta(days=30)
    client.post(url("need_start", need.pk), {"resource": resource.pk, "owner": world.leader.pk, "due_on": due})
    project = Project.objects.get()
    assert (project.owner, project.due_on, project.created_by) == (world.leader, due, world.admin)


def test_only_an_admin_or_the_groups_leader_may_own_a_project(world, need, resource):
    with pytest.raises(ActionRefused, match="不能做项目负责人"):
        actions.start_project(need, resource, by=world.admin, owner=world.volunteer)
    with pytest.raises(ActionRefused, match="不能做项目负责人"):
        actions.start_project(need, resource, by=world.admin, owner=other_leader(world))


def test_steps_are_done_in_order_with_dates_and_the_project_is_then_done_and_the_need_met(world, login, need, resource):
    project = actions.start_project(need, resource, by=world.leader)
    client = login(world.leader)
    today = timezone.localdate()
    first, second, third = project.steps.all()
    client.post(url("step_mark", project.pk, first.pk), {"done_on": today})
    project.refresh_from_db()
    assert project.status == "in_progress"
    refused = client.post(url("project_finish", project.pk), {"done_on": today, "beneficiaries": 12}, follow=True)
    assert "还有 2 个步骤没有完成" in refused.content.decode()
    tomorrow = client.post(url("step_mark", project.pk, second.pk), {"done_on": today + timedelta(days=1)}, follow=True)
    assert "完成日期不能晚于今天" in tomorrow.content.decode()
    client.post(url("step_mark", project.pk, second.pk), {"done_on": today})
    client.post(url("step_remove", project.pk, third.pk))
    client.post(url("step_add", project.pk), {"text": "回访三户老人", "due_on": ""})
    added = project.steps.last()
    assert [s.text for s in project.steps.all()] == [first.text, second.text, "回访三户老人"]
    client.post(url("step_mark", project.pk, added.pk), {"done_on": today})
    client.post(url("project_finish", project.pk), {"done_on": today, "beneficiaries": 15})
    project.refresh_from_db()
    need.refresh_from_db()
    assert (project.status, project.done_on, project.beneficiaries) == ("done", today, 15)
    assert need.status == "met" and need.met_at is not None
    with pytest.raises(ActionRefused, match="已完成"):
        actions.add_step(project, by=world.leader, text="再加一步")

    history = client.get(url("project", project.pk)).context["history"]
    lines = [line for h in history for line in h["lines"]]
    assert any("项目名称" in line for line in lines)
    assert "步骤：联系资源提供方，商定内容和时间" in lines and "删除步骤：回访受益居民" in lines
    assert "新增步骤：回访三户老人" in lines and any(line.startswith("状态：") and "已完成" in line for line in lines)


def test_a_step_undone_and_a_done_step_that_cannot_be_removed(world, need, resource):
    project = actions.start_project(need, resource, by=world.admin)
    step = project.steps.first()
    actions.mark_step(step, by=world.admin, done_on=timezone.localdate())
    with pytest.raises(ActionRefused, match="已完成的步骤不能删除"):
        actions.remove_step(step, by=world.admin)
    actions.mark_step(step, by=world.admin, done_on=None)
    step.refresh_from_db()
    assert step.done_on is None


def test_a_step_cannot_be_done_before_the_project_was_made(world, need, resource):
    made = datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    project = actions.start_project(need, resource, by=world.admin, now=made)
    with pytest.raises(ActionRefused, match="不能早于立项日期"):
        actions.mark_step(project.steps.first(), by=world.admin, done_on=date(2026, 3, 9), now=made)


def test_a_cancelled_project_opens_the_need_again_for_another_resource(world, login, need, resource):
    project = actions.start_project(need, resource, by=world.leader)
    client = login(world.leader)
    refused = client.post(url("project_cancel", project.pk), {"reason": ""}, follow=True)
    assert "请写明原因" in refused.content.decode()
    client.post(url("project_cancel", project.pk), {"reason": "物业维修班人手不够"})
    project.refresh_from_db()
    need.refresh_from_db()
    assert (project.status, project.cancel_reason, need.status) == ("cancelled", "物业维修班人手不够", "open")
    other = actions.enter_resource(world.community, by=world.admin, kind="repair", title="电工", owner_name="供电所")
    second = actions.start_project(need, other, by=world.leader)
    assert second.status == "planned" and need.projects.count() == 2


def test_a_need_with_a_running_project_cannot_be_closed(world, need, resource):
    actions.start_project(need, resource, by=world.admin)
    with pytest.raises(ActionRefused, match="先取消项目"):
        actions.close_need(need, by=world.admin, reason="不做了")


def test_the_leader_of_another_group_cannot_see_or_run_the_project(world, login, need, resource):
    project = actions.start_project(need, resource, by=world.admin)
    client = login(other_leader(world))
    assert client.get(url("project", project.pk)).status_code == 404
    assert client.post(url("project_begin", project.pk)).status_code == 404
    assert login(world.volunteer).get(url("project", project.pk)).status_code == 404
    assert login(world.outsider).get(url("project", project.pk)).status_code == 404
    project.refresh_from_db()
    assert project.status == "planned"


def test_the_project_list_filters_by_status(world, login, need, resource):
    running = actions.start_project(need, resource, by=world.admin)
    other_need = actions.enter_need(world.community, by=world.admin, title="屋顶防水", category="repair")
    cancelled = actions.start_project(other_need, resource, by=world.admin)
    actions.cancel(cancelled, by=world.admin, reason="已由房管所维修")
    client = login(world.admin)
    first = client.get(url("projects"))
    assert [(t["key"], t["count"]) for t in first.context["tabs"]] == [
        ("running", 1), ("done", 0), ("cancelled", 1), ("all", 2)
    ]  # fmt: skip
    assert list(first.context["page"]) == [running]
    assert list(client.get(url("projects"), {"status": "cancelled"}).context["page"]) == [cancelled]


def test_the_pages_work_in_elder_mode(world, login, need, resource):
    project = actions.start_project(need, resource, by=world.admin)
    world.admin.elder_mode = True
    world.admin.save()
    client = login(world.admin)
    for page in (url("needs"), url("need", need.pk), url("resources"), url("projects"), url("project", project.pk)):
        response = client.get(page)
        assert response.status_code == 200 and 'class="elder"' in response.content.decode(), page
