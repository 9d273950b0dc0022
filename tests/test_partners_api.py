"""GET /api/v1/communities/{code}/units: staff of the community only, phones masked, 50 a page."""

import pytest
from django.urls import reverse

from loudong.accounts.models import ApiToken
from loudong.partners.models import PartnerAgreement, PartnerUnit


@pytest.fixture
def units(world) -> list[PartnerUnit]:
    made = [
        PartnerUnit.objects.create(
            community=world.community,
            name=f"共建单位{n:02d}",
            kind=PartnerUnit.Kind.COMPANY,
            contact_name="钱经理",
            contact_phone="13307340001",
            offers=["funds", "volunteers"],
            active=n != 0,
        )
        for n in range(52)
    ]
    PartnerAgreement.objects.create(community=world.community, unit=made[1], title="共建协议")
    PartnerUnit.objects.create(community=world.other, name="别的社区的单位")
    return made


def get(client, user, code: str = "xihu", **params):
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"} if user else {}
    return client.get(f"/api/v1/communities/{code}/units", params, headers=headers)


def test_staff_read_the_units_masked_and_paginated(client, world, units):
    first = get(client, world.volunteer).json()
    assert first["count"] == 52 and first["pages"] == 2 and len(first["results"]) == 50
    unit = next(u for u in first["results"] if u["name"] == "共建单位01")
    assert unit["contact_phone"] == "133****0001" and unit["offers"] == ["资金", "志愿者"]
    assert unit["kind"] == "企业" and unit["agreements"] == 1
    assert "13307340001" not in str(first)
    assert len(get(client, world.admin, page=2).json()["results"]) == 2
    assert get(client, world.admin, active="false").json()["count"] == 1


def test_residents_outsiders_and_strangers_see_nothing(client, world, units):
    assert get(client, world.resident).status_code == 404
    assert get(client, world.outsider).status_code == 404
    assert get(client, None).status_code == 401
    assert [u["name"] for u in get(client, world.outsider, code="other").json()["results"]] == ["别的社区的单位"]


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get(reverse("api:openapi-json")).json()
    assert "/api/v1/communities/{code}/units" in document["paths"]
