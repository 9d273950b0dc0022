"""GET /api/v1/communities/{code}/needs, /resources, /projects: the pages' scopes, 50 a page, filters
by status, in the OpenAPI document."""

import pytest

from loudong.accounts.models import ApiToken
from loudong.groups.models import BuildingGroup
from loudong.projects import actions
from loudong.projects.models import Need


def get(client, user, path: str, **params):
    token = ApiToken.issue(user)
    return client.get(f"/api/v1/communities/xihu/{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def lists(world):
    mine = actions.enter_need(
        world.community, by=world.admin, title="楼道电路老化", category="repair", group=world.group
    )
    other_group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    actions.enter_need(world.community, by=world.admin, title="屋顶漏水", category="repair", group=other_group)
    resource = actions.enter_resource(
        world.community, by=world.admin, kind="repair", title="电路检修", owner_name="物业维修班", capacity="每周二"
    )
    project = actions.start_project(mine, resource, by=world.leader)
    return mine, resource, project


def test_admin_reads_the_three_lists_with_their_details(world, client, lists):
    mine, resource, project = lists
    needs = get(client, world.admin, "needs").json()
    assert needs["count"] == 2 and needs["page"] == 1 and needs["pages"] == 1
    first = next(n for n in needs["results"] if n["id"] == mine.pk)
    assert (first["status"], first["status_label"], first["category_label"], first["group"]) == (
        "matched", "已立项", "维修服务", "环城北路93号党小组",
    )  # fmt: skip
    resources = get(client, world.admin, "resources").json()["results"]
    assert resources == [
        {
            "id": resource.pk,
            "title": "电路检修",
            "kind": "repair",
            "kind_label": "维修服务",
            "description": "",
            "capacity": "每周二",
            "source": "entered",
            "owner": "物业维修班",
            "building": None,
            "active": True,
            "running_projects": 1,
        }
    ]
    (listed,) = get(client, world.admin, "projects").json()["results"]
    assert (listed["id"], listed["need_id"], listed["resource_id"], listed["status"]) == (
        project.pk, mine.pk, resource.pk, "planned",
    )  # fmt: skip
    assert [s["text"] for s in listed["steps"]] == list(actions.FIRST_STEPS)


def test_a_leader_reads_only_their_groups_needs_and_projects(world, client, lists):
    mine, _, project = lists
    assert [n["id"] for n in get(client, world.leader, "needs").json()["results"]] == [mine.pk]
    assert [p["id"] for p in get(client, world.leader, "projects").json()["results"]] == [project.pk]


def test_the_status_filter_and_a_bad_status_is_refused(world, client, lists):
    assert get(client, world.admin, "needs", status="open").json()["count"] == 1
    assert get(client, world.admin, "projects", status="done").json()["count"] == 0
    assert get(client, world.admin, "resources", active="false").json()["count"] == 0
    assert get(client, world.admin, "needs", status="finished").status_code == 422


@pytest.mark.parametrize("persona", ["volunteer", "resident", "overseer", "outsider"])
def test_anyone_else_finds_the_community_not_found(world, client, lists, persona):
    for path in ("needs", "resources", "projects"):
        assert get(client, getattr(world, persona), path).status_code == 404, path


def test_fifty_needs_a_page(world, client):
    Need.objects.bulk_create(
        Need(community=world.community, title=f"需求{n}", category="other", source="entered") for n in range(51)
    )
    second = get(client, world.admin, "needs", page=2).json()
    assert (second["count"], second["pages"], second["page"], len(second["results"])) == (51, 2, 2, 1)


def test_the_lists_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("needs", "resources", "projects"):
        operation = paths[f"/api/v1/communities/{{code}}/{path}"]["get"]
        assert operation["tags"] == ["需求、资源和项目"] and "200" in operation["responses"]
