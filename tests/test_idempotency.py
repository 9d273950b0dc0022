"""Idempotency-Key: a retry gets the first answer and creates nothing; a reused key with another body
is refused; a server error is not remembered; two identical POSTs at once file one request.

Placing (POST /api/v1/requests) keeps the key on its one intake row; the other POSTs keep an
IdempotencyRecord with the answer."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from loudong.accounts.models import ApiToken
from loudong.api.idempotency import purge_expired
from loudong.api.models import ApiKey, IdempotencyRecord
from loudong.tickets import actions, intake
from loudong.tickets.intake import drain
from loudong.tickets.models import Intake, Request


def body_for(world, description: str = "楼道灯坏了") -> dict:
    return {
        "community": "xihu",
        "building_id": world.building.pk,
        "category_code": "environment",
        "description": description,
    }


def post(client: Client, token: str, body: dict, key: str | None = "retry-1", path: str = "/api/v1/requests"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def token(world) -> str:
    return ApiToken.issue(world.admin)


def test_a_retry_returns_the_same_answer_and_creates_nothing(world, client, token):
    first = post(client, token, body_for(world))
    again = post(client, token, body_for(world))
    assert first.status_code == again.status_code == 202
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Intake.objects.count() == 1 and not IdempotencyRecord.objects.exists()
    drain()
    # Still the same answer once the request is made, and still nothing new.
    assert post(client, token, body_for(world)).content == first.content
    assert Request.objects.count() == 1 and Intake.objects.count() == 1


def test_field_order_and_spacing_do_not_make_a_different_body(world, client, token):
    post(client, token, body_for(world))
    reordered = json.dumps(dict(reversed(list(body_for(world).items()))), indent=2)
    again = client.post(
        "/api/v1/requests",
        reordered,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="retry-1",
    )
    assert again.status_code == 202 and Intake.objects.count() == 1


def test_the_same_key_with_another_body_is_422_in_chinese(world, client, token):
    post(client, token, body_for(world))
    other = post(client, token, body_for(world, "水管漏水"))
    assert other.status_code == 422 and "内容不同" in other.json()["detail"]
    drain()
    assert list(Request.objects.values_list("description", flat=True)) == ["楼道灯坏了"]


def test_a_retry_is_answered_the_same_even_if_it_would_now_be_refused(world, client, token):
    body = body_for(world)
    first = post(client, token, body)
    world.building.delete()  # the retry's building is gone: the first answer still stands
    again = post(client, token, body)
    assert again.status_code == 202 and again.content == first.content


def test_the_same_key_on_another_path_is_a_different_request(world, client, token):
    req = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="问"
    )
    post(client, token, body_for(world), key="k")
    other = post(client, token, {"reason": "重复"}, key="k", path=f"/api/v1/requests/{req.pk}/reject")
    assert other.status_code == 422
    assert Request.objects.get(pk=req.pk).status == "submitted"


def test_keys_of_different_users_do_not_collide(world, client, token):
    post(client, token, body_for(world))
    leader_token = ApiToken.issue(world.leader)
    response = post(client, leader_token, body_for(world, "另一件事"))
    assert response.status_code == 202 and Intake.objects.count() == 2


def test_without_a_key_each_post_files_a_request(world, client, token):
    post(client, token, body_for(world), key=None)
    post(client, token, body_for(world), key=None)
    assert drain() == 2 and not IdempotencyRecord.objects.exists()


def test_a_refusal_is_replayed_too(world, client, token):
    req = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="问"
    )
    actions.reject(req, by=world.admin, reason="不属于服务范围")
    path = f"/api/v1/requests/{req.pk}/escalate"
    first = post(client, token, {"reason": "上报"}, path=path)
    again = post(client, token, {"reason": "上报"}, path=path)
    assert first.status_code == again.status_code == 409 and again.content == first.content


def test_a_transition_retried_after_a_lost_answer_is_not_done_twice(world, client):
    req = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="问"
    )
    leader = ApiToken.issue(world.leader)
    path = f"/api/v1/requests/{req.pk}/dispatch"
    first = post(client, leader, {"volunteer_id": world.wang_member.pk}, key="d-1", path=path)
    again = post(client, leader, {"volunteer_id": world.wang_member.pk}, key="d-1", path=path)
    assert first.status_code == again.status_code == 200
    assert req.events.filter(kind="dispatched").count() == 1


def test_an_unusable_key_is_422(world, client, token):
    assert post(client, token, body_for(world), key="x" * 256).status_code == 422
    assert post(client, token, body_for(world), key="   ").status_code == 422
    assert not Intake.objects.exists()


def test_an_expired_key_may_be_used_again(world, client, token, settings):
    post(client, token, body_for(world))
    Intake.objects.update(received_at=timezone.now() - timedelta(hours=25))
    response = post(client, token, body_for(world, "新的一件事"))
    assert response.status_code == 202 and drain() == 2


def test_purge_removes_only_expired_answers_and_placed_intake_rows(world, client, token):
    req = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="问"
    )
    for key in ("old", "new"):
        post(client, token, {"reason": "重复"}, key=key, path=f"/api/v1/requests/{req.pk}/reject")
        post(client, token, body_for(world), key=key)
    waiting = post(client, token, body_for(world, "还没生成"), key="waiting")
    drain(limit=2)
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=2))
    Intake.objects.exclude(idempotency_key="new").update(received_at=timezone.now() - timedelta(days=2))
    Intake.objects.filter(idempotency_key="waiting").update(request=None)
    assert purge_expired() == 2  # one answer, one placed row; the row not placed yet is kept
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert sorted(Intake.objects.values_list("idempotency_key", flat=True)) == ["new", "waiting"]
    assert waiting.status_code == 202


def test_a_server_error_is_not_remembered_and_the_retry_runs_again(world, token, monkeypatch):
    client = Client(raise_request_exception=False)
    real = intake._insert_statement

    def broken(values):
        raise RuntimeError("disk full")  # the write fails: nothing is kept, the key stays free

    monkeypatch.setattr(intake, "_insert_statement", broken)
    failed = post(client, token, body_for(world))
    assert failed.status_code == 500
    assert not Intake.objects.exists() and not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(intake, "_insert_statement", real)
    assert post(client, token, body_for(world)).status_code == 202
    assert drain() == 1


def test_open311_posts_honour_the_key_too(world, client):
    api_key, raw = ApiKey.issue(world.community, "12345热线")
    form = {"api_key": raw, "service_code": "environment", "address_id": world.building.pk, "description": "垃圾没人清"}
    first = client.post("/open311/v2/requests.json", form, HTTP_IDEMPOTENCY_KEY="hotline-77")
    again = client.post("/open311/v2/requests.json", form, HTTP_IDEMPOTENCY_KEY="hotline-77")
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert Request.objects.count() == 1
    assert IdempotencyRecord.objects.get().owner == f"key:{api_key.pk}"


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_file_one_request(world):
    token = ApiToken.issue(world.admin)
    answers: list = []
    barrier = threading.Barrier(4)

    def send() -> None:
        try:
            barrier.wait()
            answers.append(post(Client(), token, body_for(world), key="same-moment"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [202] * 4
    assert len({a.content for a in answers}) == 1
    assert Intake.objects.count() == 1 and drain() == 1
