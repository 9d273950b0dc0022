"""Huge integers: an id no database key can hold (2^70) is refused as an invalid parameter (422) by
every API operation that takes one, and a page whose path carries one answers 404; never a 500."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from loudong.accounts.models import ApiToken
from loudong.api.ids import MAX_ID
from loudong.api.urls import api
from loudong.tickets import actions
from loudong.tickets.models import Request

HUGE = 2**70


@pytest.fixture
def bearer(world) -> dict:
    actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="楼道灯坏了",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.admin)}"}


def integer_schemas(schema: dict) -> list[dict]:
    options = schema.get("anyOf", [schema])
    return [option for option in options if option.get("type") == "integer"]


def taken_integers() -> list[tuple[str, str, str, str, dict]]:
    """(method, path, where, name, schema) of every integer an operation takes, from the OpenAPI document."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for schema in integer_schemas(parameter["schema"]):
                    found.append((method, path, parameter["in"], parameter["name"], schema))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                properties = components[body["$ref"].rsplit("/", 1)[1]]["properties"]
                for name, prop in properties.items():
                    for schema in integer_schemas(prop):
                        found.append((method, path, "body", name, schema))
    return found


def test_every_integer_the_api_takes_is_bounded():
    taken = taken_integers()
    assert {name for *_, name, _ in taken} >= {"building", "building_id", "request_id", "resident_id", "into_id"}
    for method, path, where, name, schema in taken:
        assert schema.get("maximum", HUGE) <= MAX_ID, (method, path, where, name)


def test_a_huge_id_in_a_path_or_query_is_a_422(client, bearer):
    for method, path, where, name, _ in taken_integers():
        if where == "body":
            continue
        url = path.replace(f"{{{name}}}", str(HUGE)).replace("{code}", "xihu")
        if where == "query":
            url += f"?{name}={HUGE}"
        response = (
            client.post(url, "{}", content_type="application/json", **bearer)
            if method == "post"
            else getattr(client, method)(url, **bearer)
        )
        assert response.status_code == 422, (method, url, response.status_code)
        assert name in response.json()["detail"]


def test_a_huge_id_in_a_body_is_a_422(client, world, bearer):
    body = {
        "community": "xihu",
        "building_id": world.building.pk,
        "category_code": "environment",
        "description": "楼道灯坏了",
    }
    for name in ("building_id", "stairwell_id", "household_id", "resident_id"):
        response = client.post(
            "/api/v1/requests", json.dumps({**body, name: HUGE}), content_type="application/json", **bearer
        )
        assert response.status_code == 422 and name in response.json()["detail"], name
    pk = Request.objects.get().pk
    for action, name in (("dispatch", "volunteer_id"), ("merge", "into_id")):
        response = client.post(
            f"/api/v1/requests/{pk}/{action}", json.dumps({name: HUGE}), content_type="application/json", **bearer
        )
        assert response.status_code == 422 and name in response.json()["detail"], action


def int_routes() -> list[str]:
    found = []

    def walk(patterns: list, route: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and "<int:" in str(pattern.pattern):
                found.append(route + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def test_a_page_with_a_huge_id_in_its_path_is_not_found_never_a_500(login, world):
    client = login(world.admin)
    routes = int_routes()
    assert len(routes) > 50
    for route in routes:
        url = "/" + re.sub(r"<int:\w+>", str(HUGE), re.sub(r"<(str|slug):code>", "xihu", route))
        url = re.sub(r"<(str|slug):level>", "subdistrict", url)
        url = re.sub(r"<(str|slug):\w+>", "collected", url)
        assert 400 <= client.get(url).status_code < 500, url  # not found (or gone, or not allowed)
