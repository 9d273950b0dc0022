"""A NUL character (\\x00) in any input is refused with one plain Chinese message, wherever input is
taken: the resident's form, the residents search, the JSON API, Open311, the path itself."""

import json

import pytest
from django.urls import reverse
from helpers.public_request import hidden, screen1
from test_open311 import submit

from loudong.accounts.models import ApiToken
from loudong.api.models import ApiKey
from loudong.lib.nul import MESSAGE
from loudong.tickets.models import Intake, Request

NUL = "\x00"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_public_form_refuses_a_description_with_a_nul_in_plain_words(client, world):
    page = screen1(client, world)
    data = {**hidden(page), "step": "2", "description": f"楼道灯坏了{NUL}好几天了", "stairwell": world.stairwell.pk}
    response = client.post("/ask/place/", data)
    text = response.content.decode()
    assert response.status_code == 400 and MESSAGE in text
    assert "空字符串" not in text and not Intake.objects.exists()


def test_the_residents_search_refuses_a_nul_instead_of_listing_everyone(world, login):
    response = login(world.admin).get(reverse("registry:residents", args=["xihu"]), {"q": f"刘{NUL}"})
    text = response.content.decode()
    assert response.status_code == 400 and MESSAGE in text
    assert "王秀英" not in text and "刘光前" not in text


def test_a_nul_in_a_form_field_name_or_the_path_is_refused_too(client, world, login):
    assert (
        login(world.admin).post(reverse("registry:resident_create", args=["xihu"]), {f"name{NUL}": "李四"}).status_code
        == 400
    )
    assert client.get("/ask/b/1%00/").status_code == 400


def test_the_api_answers_422_with_the_message(client, world):
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.admin)}"}
    listed = client.get("/api/v1/requests", {"community": f"xi{NUL}hu"}, **bearer)
    assert listed.status_code == 422 and listed.json()["detail"] == MESSAGE
    body = {
        "community": "xihu",
        "building_id": world.building.pk,
        "category_code": "environment",
        "description": f"楼道灯坏了{NUL}",
    }
    placed = client.post("/api/v1/requests", json.dumps(body), content_type="application/json", **bearer)
    assert placed.status_code == 422 and placed.json()["detail"] == MESSAGE
    assert not Intake.objects.exists() and not Request.objects.exists()


def test_open311_answers_in_its_error_list(client, world):
    response = submit(client, ApiKey.issue(world.community, "12345热线")[1], description=f"路灯不亮{NUL}")
    assert response.status_code == 400 and response.json() == [{"code": 400, "description": MESSAGE}]
    assert not Intake.objects.exists()


def test_text_without_a_nul_still_goes_through(world, login):
    response = login(world.admin).get(reverse("registry:residents", args=["xihu"]), {"q": "lgq"})
    assert response.status_code == 200 and "刘光前" in response.content.decode()
