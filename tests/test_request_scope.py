"""A request is about a shared place (楼道、电梯、垃圾桶…) or a household (家中的事): each category says
which it usually is, the resident says so in one tap, staff correct it (a timeline event) and choose
what neighbours who joined may read (公开进展). The scope travels through the intake, the JSON API,
Open311 and 代点单."""

import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse
from helpers.policy import save
from helpers.public_request import hidden, screen1, send, submit_and_read_receipt

from loudong.accounts.models import ApiToken
from loudong.api.models import ApiKey
from loudong.lib.actions import ActionRefused
from loudong.policy.models import PolicyVersion, current_rules, save_rules
from loudong.policy.rules import Category, Rules, usual_scope
from loudong.tickets import actions
from loudong.tickets.models import Request, RequestEvent


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def place(world, category="environment", description="楼道灯坏了，晚上看不见", **extra) -> Request:
    values = dict(community=world.community, building=world.building, stairwell=world.stairwell)
    return actions.place_request(**{**values, **extra}, category_code=category, description=description)


# The categories' usual scope ---------------------------------------------------------------------


def test_shared_places_and_households_are_the_usual_scopes_of_the_categories_by_their_names():
    for name in ("环境卫生", "设施维修", "安全隐患", "公共绿化"):
        assert usual_scope(name) == "shared", name
    for name in ("困难需求", "政策咨询", "代买代办", "邻里纠纷", "其他"):
        assert usual_scope(name) == "household", name
    assert [c.scope for c in Rules().categories] == ["household", "shared", "household"]
    old = Rules.from_json(
        {"categories": [{"code": "fix", "name": "设施维修", "response_hours": 6, "resolve_working_days": 2}]}
    )
    assert old.category("fix").scope == "shared"


def test_a_request_takes_its_categorys_usual_scope_unless_said_otherwise(world):
    assert place(world).scope == "shared" and place(world, "hardship").scope == "household"
    assert place(world, scope="household").scope == "household"
    with pytest.raises(ActionRefused):
        place(world, scope="everyone")


def test_the_admin_sets_a_categorys_usual_scope_and_a_new_category_gets_one_from_its_name(world, login):
    client = login(world.admin)
    response = save(
        client,
        note="按实际调整",
        **{
            "cat-0-scope": "shared",
            "cat-3-name": "设施维修",
            "cat-3-response_hours": 6,
            "cat-3-resolve_working_days": 2,
            "cat-4-name": "代买代办",
            "cat-4-response_hours": 6,
            "cat-4-resolve_working_days": 2,
        },
    )
    assert response.status_code == 302
    scopes = {c.name: c.scope for c in current_rules(world.community.pk).categories}
    assert scopes == {
        "政策咨询": "shared",
        "环境卫生": "shared",
        "困难需求": "household",
        "设施维修": "shared",
        "代买代办": "household",
    }
    page = client.get(reverse("policy:history", args=["xihu"])).content.decode()
    assert "“政策咨询”通常是：家中的事 → 公共区域的事" in page
    assert "公共区域的事（邻居可见摘要）" in client.get(reverse("policy:show", args=["xihu"])).content.decode()


# The resident's one tap --------------------------------------------------------------------------


def test_screen_two_offers_the_categorys_usual_scope_and_the_residents_tap_goes_through_the_intake(client, world):
    page = screen1(client, world, category="environment")
    assert 'id="scope-shared" value="shared" checked' in page.content.decode()
    hardship = screen1(client, world, category="hardship")
    assert 'id="scope-household" value="household" checked' in hardship.content.decode()
    refused = send(client, {**hidden(page), "step": "2", "scope": "household", "description": "家门口的下水道堵了"})
    text = refused.content.decode()
    assert "家中的事要留电话" in text and 'id="scope-household" value="household" checked' in text
    req = submit_and_read_receipt(client, refused, scope="household", description="家门口的下水道堵了")
    assert (req.category_code, req.scope) == ("environment", "household")


def test_choosing_another_category_offers_its_usual_scope_again(client, world):
    page = screen1(client, world, category="environment")
    first = send(client, {**hidden(page), "step": "2", "back": "1", "scope": "household", "description": "楼道灯坏了"})
    page = send(client, {**hidden(first), "step": "1", "category": "environment"})
    assert 'id="scope-household" value="household" checked' in page.content.decode()  # the tap is kept
    first = send(client, {**hidden(page), "step": "2", "back": "1", "scope": "household", "description": "楼道灯坏了"})
    again = send(client, {**hidden(first), "step": "1", "category": "hardship"})
    assert 'id="scope-household" value="household" checked' in again.content.decode()
    again = send(client, {**hidden(again), "step": "2", "back": "1", "description": "楼道灯坏了"})
    shared = send(client, {**hidden(again), "step": "1", "category": "environment"})
    assert 'id="scope-shared" value="shared" checked' in shared.content.decode()


# Staff correct it and choose what neighbours read -------------------------------------------------


def test_the_leader_corrects_the_scope_on_the_request_page_and_the_timeline_says_so(world, login, client):
    req = place(world, "hardship", description="单元门口的台阶坏了一块，老人容易摔跤")
    leader = login(world.leader)
    detail = leader.get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    assert "家中的事（邻居看不到）" in detail and "更改范围" in detail
    url = reverse("tickets:act", args=["xihu", req.pk, "scope"])
    assert leader.get(url).context["form"]["scope"].value() == "household"
    assert leader.post(url, {"scope": "shared"}).status_code == 302
    req.refresh_from_db()
    assert req.scope == "shared"
    event = RequestEvent.objects.get(request=req, kind="scoped")
    assert event.actor == world.leader and event.data == {"scope": "shared", "before": "household"}
    detail = leader.get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    assert "更改范围" in detail and "同楼邻居能看到摘要：单元门口的台阶坏了一块" in detail
    tracking = client.get(f"/ask/t/{req.tracking_token}/").content.decode()
    assert "楼栋党小组更改了范围" in tracking


def test_only_the_leader_or_the_admin_may_correct_the_scope(world, login):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    with pytest.raises(ActionRefused):
        actions.set_scope(req, "household", by=world.volunteer)
    with pytest.raises(ActionRefused):
        actions.set_scope(req, "shared", by=world.admin)  # it is already
    volunteer = login(world.volunteer)
    refused = volunteer.post(reverse("tickets:act", args=["xihu", req.pk, "scope"]), {"scope": "household"})
    assert refused.status_code == 302 and Request.objects.get(pk=req.pk).scope == "shared"
    actions.set_scope(req, "household", by=world.admin)
    assert req.scope == "household"


def test_the_volunteer_publishes_progress_for_the_neighbours_and_can_take_it_down(world, login):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    volunteer = login(world.volunteer)
    url = reverse("tickets:act", args=["xihu", req.pk, "publish"])
    assert "点了“我也遇到”的邻居会看到" in volunteer.get(url).content.decode()
    assert volunteer.post(url, {"public_note": "灯泡已买好，明天上午换。"}).status_code == 302
    req.refresh_from_db()
    assert req.public_note == "灯泡已买好，明天上午换。" and req.public_note_at is not None
    assert "灯泡已买好" in volunteer.get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    supporter = actions.support(req)
    page = volunteer.get(f"/ask/s/{supporter.tracking_token}/").content.decode()
    assert "灯泡已买好，明天上午换。" in page
    volunteer.post(url, {"public_note": ""})
    req.refresh_from_db()
    assert req.public_note == "" and req.events.filter(kind="published").count() == 2
    assert "还没有公开进展" in volunteer.get(f"/ask/s/{supporter.tracking_token}/").content.decode()
    with pytest.raises(ActionRefused):
        actions.publish(req, "别人也能写吗", by=world.resident)


# Through the API, Open311 and 代点单 -----------------------------------------------------------------


def api_post(client, user, body: dict):
    return client.post(
        "/api/v1/requests",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}",
    )


def test_the_api_takes_a_scope_or_the_categorys_and_says_which(world, client):
    body = {
        "community": "xihu",
        "building_id": world.building.pk,
        "category_code": "environment",
        "description": "下水道堵了，家里厨房返水",
    }
    sent = api_post(client, world.volunteer, {**body, "scope": "household"})
    assert sent.status_code == 202, sent.content
    answer = client.get(sent["Location"], HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.volunteer)}").json()
    assert answer["scope"] == "household" and answer["scope_label"] == "家中的事" and answer["public_note"] == ""
    sent = api_post(client, world.volunteer, body)
    answer = client.get(sent["Location"], HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.volunteer)}").json()
    assert answer["scope"] == "shared"
    assert api_post(client, world.volunteer, {**body, "scope": "everyone"}).status_code == 422


def test_open311_offers_and_takes_the_scope(world, client):
    key = ApiKey.issue(world.community, "12345热线")[1]
    definition = client.get("/open311/v2/services/environment.json", {"jurisdiction_id": "xihu"}).json()
    scope = next(a for a in definition["attributes"] if a["code"] == "scope")
    assert [v["key"] for v in scope["values"]] == ["shared", "household"]
    assert scope["datatype_description"] == "不填为公共区域的事"
    form = {
        "api_key": key,
        "service_code": "environment",
        "address_id": world.building.pk,
        "description": "家里厨房下水道返水",
    }
    assert client.post("/open311/v2/requests.json", {**form, "attribute[scope]": "家中的事"}).status_code == 200
    assert client.post("/open311/v2/requests.json", form).status_code == 200
    assert list(Request.objects.order_by("pk").values_list("scope", flat=True)) == ["household", "shared"]
    refused = client.post("/open311/v2/requests.json", {**form, "attribute[scope]": "all"})
    assert refused.status_code == 400 and "attribute[scope]" in refused.json()[0]["description"]


def test_staff_entering_a_request_for_a_resident_may_say_its_scope(world, login):
    client = login(world.volunteer)
    form = {
        "channel": "visit",
        "contact_name": "张建国",
        "building": world.building.pk,
        "category": "environment",
        "kind": "help",
        "description": "他家阳台漏水到楼下",
        "scope": "household",
    }
    assert client.post(reverse("tickets:create", args=["xihu"]), form).status_code == 302
    assert client.post(reverse("tickets:create", args=["xihu"]), {**form, "scope": ""}).status_code == 302
    assert list(Request.objects.order_by("pk").values_list("scope", flat=True)) == ["household", "shared"]


# The migrations that gave existing data its scope ----------------------------------------------------


def test_the_migrations_give_stored_policies_and_requests_their_scope(world):
    place(world, "environment")
    place(world, "hardship")
    fix = place(world, "environment")
    other = place(world, "environment", community=world.other, building=world.other.buildings.get(), stairwell=None)
    Request.objects.update(scope="household")
    Request.objects.filter(pk=fix.pk).update(category_code="fix")
    categories = [
        {"code": "environment", "name": "环境卫生", "response_hours": 24, "resolve_working_days": 2},
        {"code": "fix", "name": "设施维修", "response_hours": 6, "resolve_working_days": 2},
        {"code": "errand", "name": "代买代办", "response_hours": 6, "resolve_working_days": 2},
    ]
    version = save_rules(world.community.pk, Rules(categories=(Category("x", "x", 1, 1),)))
    PolicyVersion.objects.filter(pk=version.pk).update(rules={**version.rules, "categories": categories})
    policy = importlib.import_module("loudong.policy.migrations.0002_category_scope")
    policy.add_scopes(apps, None)
    stored = PolicyVersion.objects.get(pk=version.pk).rules["categories"]
    assert [c["scope"] for c in stored] == ["shared", "shared", "household"]
    assert other.community_id == world.other.pk  # a community with no policy: the default rules' scopes
    tickets = importlib.import_module("loudong.tickets.migrations.0011_scope_public_note_supporter_token")
    tickets.scope_existing(apps, None)
    assert list(Request.objects.order_by("pk").values_list("category_code", "scope")) == [
        ("environment", "shared"),
        ("hardship", "household"),
        ("fix", "shared"),
        ("environment", "shared"),
    ]
