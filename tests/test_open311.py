"""Open311 GeoReport v2: discovery, services from the policy categories, service definitions,
POST requests with an api_key, GET requests with filters, tokens; JSON and XML; errors as a list."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from loudong.api.models import ApiKey
from loudong.tickets import actions
from loudong.tickets.models import Request

BASE = "/open311/v2"


@pytest.fixture
def key(world) -> str:
    return ApiKey.issue(world.community, "12345热线")[1]


def submit(client, key: str, fmt: str = "json", **fields):
    form = {
        "api_key": key,
        "service_code": "environment",
        "address_id": fields.pop("address_id", None),
        "description": "小区门口垃圾堆了三天",
        **fields,
    }
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in form.items() if v is not None})


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def test_discovery_lists_the_endpoint_in_both_formats(world, client):
    as_json = client.get(f"{BASE}/discovery.json").json()
    endpoint = as_json["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "application/json" in endpoint["formats"]
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_communitys_categories(world, client):
    services = client.get(f"{BASE}/services.json", {"jurisdiction_id": "xihu"}).json()
    assert [(s["service_code"], s["service_name"]) for s in services] == [
        ("policy", "政策咨询"),
        ("environment", "环境卫生"),
        ("hardship", "困难需求"),
    ]
    assert services[0]["type"] == "realtime" and services[0]["metadata"] is True
    root = xml_of(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "xihu"}))
    assert [s.findtext("service_code") for s in root.findall("service")] == ["policy", "environment", "hardship"]


def test_jurisdiction_is_required_when_several_communities_are_served(world, client):
    missing = client.get(f"{BASE}/services.json")
    assert missing.status_code == 400
    assert missing.json() == [{"code": 400, "description": "缺少 jurisdiction_id（社区代码）"}]
    unknown = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "nowhere"})
    assert unknown.status_code == 404
    assert xml_of(unknown).findtext("error/code") == "404"


def test_service_definition_offers_the_five_kinds(world, client):
    definition = client.get(f"{BASE}/services/hardship.json", {"jurisdiction_id": "xihu"}).json()
    kind = definition["attributes"][0]
    assert definition["service_code"] == "hardship" and kind["code"] == "kind"
    assert [v["name"] for v in kind["values"]] == ["咨询", "求助", "投诉", "举报", "建议"]
    root = xml_of(client.get(f"{BASE}/services/hardship.xml", {"jurisdiction_id": "xihu"}))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "consult"
    assert client.get(f"{BASE}/services/nothing.json", {"jurisdiction_id": "xihu"}).status_code == 404


def test_post_with_address_id_places_a_request_through_the_actions(world, client, key):
    response = submit(
        client,
        key,
        address_id=world.building.pk,
        first_name="建国",
        last_name="张",
        phone="137 0013 7000",
        **{"attribute[kind]": "complaint"},
    )
    assert response.status_code == 200, response.content
    answer = response.json()[0]
    req = Request.objects.get()
    assert answer["service_request_id"] == req.pk and req.number in answer["service_notice"]
    assert "token" not in answer
    assert req.channel == "open311" and req.kind == "complaint" and req.category_code == "environment"
    assert req.contact_name == "张建国" and req.contact_phone == "13700137000" and req.resident == world.zhang
    assert req.group == world.group and req.events.get().kind == "placed"


def test_post_matches_the_address_string_to_a_building_and_its_unit(world, client, key):
    response = submit(client, key, "xml", address_string="衡阳市石鼓区 环城北路９３号 1单元 301室")
    assert response.status_code == 200, response.content
    req = Request.objects.get(pk=int(xml_of(response).findtext("request/service_request_id")))
    assert req.building == world.building and req.stairwell == world.stairwell and req.room == "301"


def test_post_with_an_unknown_address_is_400_and_files_nothing(world, client, key):
    response = submit(client, key, address_string="解放大道1号")
    assert response.status_code == 400 and "address_id" in response.json()[0]["description"]
    assert submit(client, key, lat="26.9", long="112.6").status_code == 400
    assert submit(client, key, address_id="999999").status_code == 400
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    "api_key, status",
    [(None, 403), ("not-a-key", 403)],
)
def test_post_without_a_valid_api_key_is_403(world, client, api_key, status):
    response = submit(client, api_key, address_id=world.building.pk)
    assert response.status_code == status
    assert response.json()[0]["code"] == 403 and "api_key" in response.json()[0]["description"]
    assert not Request.objects.exists()


def test_a_disabled_key_stops_working(world, client, key):
    ApiKey.objects.update(active=False)
    assert submit(client, key, address_id=world.building.pk).status_code == 403


def test_a_key_cannot_post_into_another_community(world, client, key):
    response = submit(client, key, address_id=world.building.pk, jurisdiction_id="other")
    assert response.status_code == 403 and not Request.objects.exists()


def test_post_checks_service_code_and_description(world, client, key):
    assert submit(client, key, address_id=world.building.pk, service_code="").status_code == 400
    assert submit(client, key, address_id=world.building.pk, service_code="potholes").status_code == 404
    assert submit(client, key, address_id=world.building.pk, description=" ").status_code == 400
    assert submit(client, key, address_id=world.building.pk, description="长" * 2001).status_code == 400
    bad_kind = submit(client, key, address_id=world.building.pk, **{"attribute[kind]": "graffiti"})
    assert bad_kind.status_code == 400
    assert not Request.objects.exists()


def test_post_is_rate_limited_per_key_with_429_in_chinese(world, client, key, settings):
    settings.RATE_LIMIT_EXEMPT = []
    settings.RATE_LIMITS = {"open311_client": (2, 3600)}
    assert [submit(client, key, address_id=world.building.pk).status_code for _ in range(3)] == [200, 200, 429]
    refused = submit(client, key, address_id=world.building.pk)
    assert refused.json()[0]["code"] == 429 and "频繁" in refused.json()[0]["description"]
    assert int(refused["Retry-After"]) > 0 and Request.objects.count() == 2


def test_post_is_rate_limited_per_building(world, client, key, settings):
    settings.RATE_LIMIT_EXEMPT = []
    settings.RATE_LIMITS = {"open311_building": (1, 3600)}
    assert submit(client, key, address_id=world.building.pk).status_code == 200
    assert submit(client, key, address_id=world.building.pk).status_code == 429
    assert submit(client, key, address_id=world.building2.pk).status_code == 200


def test_an_oversized_post_is_refused(world, client, key):
    response = submit(client, key, address_id=world.building.pk, media_url="x" * 70_000)
    assert response.status_code == 413 and not Request.objects.exists()


@pytest.fixture
def handed_over(world, client, key) -> Request:
    submit(client, key, address_id=world.building.pk)
    return Request.objects.get()


def test_get_requests_shows_what_the_key_handed_over_with_status_notes(world, client, key, handed_over):
    qr = actions.place_request(
        community=world.community, building=world.building, category_code="hardship", description="家里老人需要照护"
    )
    rows = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert [r["service_request_id"] for r in rows] == [handed_over.pk]
    row = rows[0]
    assert row["status"] == "open" and row["status_notes"] == "已受理，等待楼栋党小组派单"
    assert row["service_name"] == "环境卫生" and row["address_id"] == world.building.pk
    assert row["requested_datetime"].endswith("+08:00") and row["agency_responsible"] == "环城北路93号党小组"
    assert client.get(f"{BASE}/requests/{qr.pk}.json", {"api_key": key}).status_code == 404


def test_reading_requests_needs_the_api_key(world, client, handed_over):
    assert client.get(f"{BASE}/requests.json").status_code == 403
    assert client.get(f"{BASE}/requests/{handed_over.pk}.xml").status_code == 403


def test_a_rejected_request_reads_closed_with_the_reason(world, client, key, handed_over):
    actions.reject(handed_over, by=world.leader, reason="属于物业职责，已转物业")
    root = xml_of(client.get(f"{BASE}/requests/{handed_over.pk}.xml", {"api_key": key}))
    request = root.find("request")
    assert root.tag == "service_requests" and request.findtext("status") == "closed"
    assert request.findtext("status_notes") == "不予受理：属于物业职责，已转物业"
    assert request.find("lat").text is None


def test_get_requests_filters(world, client, key, handed_over):
    second = submit(client, key, address_id=world.building2.pk, service_code="policy").json()[0]
    actions.reject(handed_over, by=world.leader, reason="重复")

    def ids(**q):
        answer = client.get(f"{BASE}/requests.json", {"api_key": key, **q}).json()
        return [r["service_request_id"] for r in answer]

    assert ids(status="closed") == [handed_over.pk]
    assert ids(status="open") == [second["service_request_id"]]
    assert ids(status="open,closed") == [second["service_request_id"], handed_over.pk]
    assert ids(service_code="environment") == [handed_over.pk]
    assert ids(service_request_id=f"{handed_over.pk}", status="open") == [handed_over.pk]
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert ids(start_date=later) == []
    assert ids(end_date=later) == [second["service_request_id"], handed_over.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"service_request_id": "1,abc"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    ],
)
def test_bad_filters_are_400(world, client, key, params):
    response = client.get(f"{BASE}/requests.json", {"api_key": key, **params})
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_token_is_the_request_number(world, client, key, handed_over):
    answer = client.get(f"{BASE}/tokens/{handed_over.number}.json", {"api_key": key}).json()
    assert answer == [{"service_request_id": handed_over.pk, "token": handed_over.number}]
    root = xml_of(client.get(f"{BASE}/tokens/{handed_over.number}.xml", {"api_key": key}))
    assert root.findtext("request/service_request_id") == str(handed_over.pk)
    assert client.get(f"{BASE}/tokens/20990101-1-0001.json", {"api_key": key}).status_code == 404


def test_create_api_key_prints_the_key_alone_on_the_last_line(world, capsys):
    call_command("create_api_key", "--community", "xihu", "--name", "12345热线")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiKey.find(last).name == "12345热线"


def test_create_api_key_explains_mistakes_in_chinese(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有代码为 nowhere 的社区"):
        call_command("create_api_key", "--community", "nowhere", "--name", "x")
    with pytest.raises(CommandError, match="--name"):
        call_command("create_api_key", "--community", "xihu")
