"""The request API: scoped lists and reads, 代点单, every transition through the actions, Chinese errors."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loudong.accounts.models import ApiToken, AuditEntry
from loudong.tickets import actions
from loudong.tickets.intake import drain
from loudong.tickets.models import Intake, Request


class Caller:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client, user) -> None:
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, **self.auth)

    def post(self, path: str, body: dict | None = None, **headers):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", **self.auth, **headers
        )


@pytest.fixture
def as_user(client):
    return lambda user: Caller(client, user)


def place(world, **overrides) -> Request:
    values = dict(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="楼道灯坏了，晚上看不见",
        contact_name="张建国",
        contact_phone="13700137000",
    )
    return actions.place_request(**{**values, **overrides})


@pytest.fixture
def lamp(world) -> Request:
    return place(world)


def test_leader_lists_the_groups_requests(world, as_user, lamp):
    body = as_user(world.leader).get("/requests").json()
    assert body["count"] == 1 and body["pages"] == 1
    item = body["results"][0]
    assert item["number"] == lamp.number and item["status"] == "submitted" and item["status_label"] == "待派单"
    assert item["group"] == "环城北路93号党小组" and item["place"].startswith("环城北路93号")


def test_outsider_and_overseer_list_nothing_and_get_404(world, as_user, lamp):
    for user in (world.outsider, world.overseer):
        caller = as_user(user)
        assert caller.get("/requests").json()["count"] == 0
        missing = caller.get(f"/requests/{lamp.pk}")
        assert missing.status_code == 404 and missing.json()["detail"] == "未找到，或您无权查看"


def test_list_filters_by_status_category_building_and_time(world, as_user, lamp):
    other = place(
        world,
        building=world.building2,
        stairwell=world.stairwell2,
        category_code="policy",
        description="想问问医保怎么办",
    )
    actions.reject(other, by=world.admin, reason="请到社区窗口办理")
    admin = as_user(world.admin)
    numbers = lambda **q: [r["number"] for r in admin.get("/requests", **q).json()["results"]]  # noqa: E731
    assert numbers() == [other.number, lamp.number]
    assert numbers(status="rejected") == [other.number]
    assert numbers(category="environment") == [lamp.number]
    assert numbers(building=world.building2.pk) == [other.number]
    assert numbers(community="xihu", updated_since=(timezone.now() + timedelta(minutes=1)).isoformat()) == []
    assert numbers(updated_since="2000-01-01T00:00:00") == [other.number, lamp.number]  # Shanghai time
    assert admin.get("/requests", community="other").status_code == 404
    assert admin.get("/requests", status="lost").status_code == 422


def test_list_is_paginated(world, as_user):
    for n in range(3):
        place(world, description=f"第{n}件事")
    admin = as_user(world.admin)
    first = admin.get("/requests", per_page=2).json()
    second = admin.get("/requests", per_page=2, page=2).json()
    assert first["count"] == 3 and first["pages"] == 2 and len(first["results"]) == 2
    assert [r["description"] for r in second["results"]] == ["第0件事"]
    assert admin.get("/requests", per_page=2, page=9).json()["results"] == []


def test_detail_has_the_timeline_and_the_full_phone_for_the_leader(world, as_user, lamp):
    body = as_user(world.leader).get(f"/requests/{lamp.pk}").json()
    assert body["contact_phone"] == "13700137000" and body["contact_name"] == "张建国"
    assert [e["kind"] for e in body["events"]] == ["placed"]
    assert body["events"][0]["actor"] == "居民"
    assert body["created_at"].endswith("+08:00")


@pytest.mark.django_db(transaction=True)
def test_a_submission_is_two_statements_and_no_transaction_of_its_own(world, as_user, monkeypatch):
    """On PostgreSQL each statement, BEGIN, SAVEPOINT and COMMIT is a round trip: a submission reads
    the token with the community, its rules and the places in one statement, and commits its one
    INSERT by itself."""
    caller = as_user(world.volunteer)
    body = {"community": "xihu", "building_id": world.building.pk, "stairwell_id": world.stairwell.pk,
            "category_code": "environment", "description": "楼道灯坏了"}  # fmt: skip
    caller.post("/requests", body, HTTP_IDEMPOTENCY_KEY="warm-up")  # the token's last use is touched once
    began = []  # atomic() turns autocommit off to begin a transaction (BEGIN is not a captured query)
    real = connection.set_autocommit
    monkeypatch.setattr(connection, "set_autocommit", lambda on, **kw: (began.append(on), real(on, **kw))[1])
    with CaptureQueriesContext(connection) as statements:
        response = caller.post("/requests", body, HTTP_IDEMPOTENCY_KEY="counted")
    assert response.status_code == 202, response.content
    assert began == []
    sql = [q["sql"].split()[0].upper() for q in statements.captured_queries]
    assert sql == ["SELECT", "INSERT"], statements.captured_queries
    assert Intake.objects.filter(idempotency_key="counted").exists()


def test_a_submission_with_a_token_that_opens_nothing_is_401_and_one_without_a_role_here_404(world, as_user):
    """The token is read in the statement of the submission's checks, and answered as on every call."""
    body = {"community": "xihu", "building_id": world.building.pk, "category_code": "environment",
            "description": "楼道灯坏了"}  # fmt: skip
    stranger = Client(HTTP_AUTHORIZATION="Bearer not-a-token-of-ours")
    response = stranger.post("/api/v1/requests", body, content_type="application/json")
    assert response.status_code == 401 and response.json() == stranger.get("/api/v1/requests").json()
    assert as_user(world.volunteer).post("/requests", {**body, "community": "no-such"}).status_code == 404
    assert not Intake.objects.exists()


def test_volunteer_sees_no_name_or_phone_of_an_anonymous_resident(world, as_user):
    req = place(world, anonymous=True)
    actions.dispatch(req, world.wang_member, by=world.leader)
    body = as_user(world.volunteer).get(f"/requests/{req.pk}").json()
    assert body["contact_name"] == "匿名居民" and body["contact_phone"] == ""


def test_volunteer_gets_the_phone_of_a_resident_who_did_not_ask_to_stay_anonymous(world, as_user, lamp):
    actions.dispatch(lamp, world.wang_member, by=world.leader)
    assert as_user(world.volunteer).get(f"/requests/{lamp.pk}").json()["contact_phone"] == "13700137000"


def test_staff_places_a_request_for_a_resident(world, as_user):
    response = as_user(world.volunteer).post("/requests", {
        "community": "xihu", "building_id": world.building.pk, "stairwell_id": world.stairwell.pk,
        "room": "301", "category_code": "hardship", "kind": "help", "channel": "visit",
        "description": "刘大爷腿脚不便，需要人帮忙取药", "contact_name": "刘光前", "contact_phone": "13800138000",
    })  # fmt: skip
    # Received at once (one row); the request is made right after, here when the receipt is asked for.
    assert response.status_code == 202, response.content
    received = response.json()
    assert received["status"] == "received" and not Request.objects.exists()
    assert response["Location"] == received["receipt_url"] == f"/api/v1/requests/receipts/{received['tracking_token']}"
    answer = as_user(world.volunteer).get(received["receipt_url"].removeprefix("/api/v1"))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    req = Request.objects.get()
    assert body["id"] == req.pk and body["channel"] == "visit" and body["channel_label"] == "敲门问需"
    assert body["number"] == req.number and [e["kind"] for e in body["events"]] == ["placed"]
    assert req.created_by == world.volunteer and req.resident == world.liu and req.group == world.group
    assert req.tracking_token == received["tracking_token"]
    assert body["tracking_url"] == received["tracking_url"] and body["tracking_url"].endswith(
        f"/ask/t/{req.tracking_token}/"
    )
    assert as_user(world.volunteer).get("/requests").json()["count"] == 1


def test_the_receipt_is_for_its_sender_only(world, as_user):
    body = {"community": "xihu", "building_id": world.building.pk, "category_code": "policy", "description": "问"}
    receipt = as_user(world.admin).post("/requests", body).json()["receipt_url"].removeprefix("/api/v1")
    assert as_user(world.leader).get(receipt).status_code == 404
    assert as_user(world.admin).get("/requests/receipts/unknown").status_code == 404
    assert as_user(world.admin).get(receipt).status_code == 200


def test_a_receipt_that_cannot_be_placed_yet_stays_received(world, as_user):
    body = {"community": "xihu", "building_id": world.building2.pk, "category_code": "policy", "description": "问"}
    admin = as_user(world.admin)
    receipt = admin.post("/requests", body).json()["receipt_url"].removeprefix("/api/v1")
    world.building2.delete()
    waiting = admin.get(receipt)
    assert waiting.status_code == 202 and waiting.json()["status"] == "received"
    assert not Request.objects.exists()


def test_channel_defaults_to_api(world, as_user):
    response = as_user(world.admin).post(
        "/requests",
        {"community": "xihu", "building_id": world.building2.pk, "category_code": "policy", "description": "问低保"},
    )
    assert response.status_code == 202 and drain() == 1 and Request.objects.get().channel == "api"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"building_id": 10**9}, "所选楼栋不在本社区"),
        ({"category_code": "nonsense"}, "没有这个点单类别：nonsense"),
        ({"stairwell_id": 10**9}, "所选单元不在本社区"),
        ({"resident_id": 10**9}, "所选居民不存在，或您无权查看"),
    ],
)
def test_placing_with_a_wrong_reference_is_422_in_chinese(world, as_user, change, message):
    body = {"community": "xihu", "building_id": world.building.pk, "category_code": "policy", "description": "问"}
    response = as_user(world.admin).post("/requests", {**body, **change})
    assert response.status_code == 422 and response.json()["detail"] == message
    assert not Intake.objects.exists()


def test_refusal_of_the_action_is_409_with_its_reason(world, as_user):
    body = {
        "community": "xihu",
        "building_id": world.building.pk,
        "stairwell_id": world.stairwell.pk,
        "category_code": "policy",
        "description": "问",
        "contact_phone": "12345",
    }
    response = as_user(world.admin).post("/requests", body)
    assert response.status_code == 409 and response.json()["detail"] == "电话号码位数不对：12345"
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    "change, status, message",
    [
        ({"stairwell_id": "stairwell2"}, 409, "所选单元不在这栋楼。"),
        ({"household_id": "household", "stairwell_id": "stairwell2"}, 409, "所选房号不在这个单元。"),
        ({"household_id": 10**9}, 422, "所选房号不在本社区"),
        ({"description": "   "}, 409, "请填写需要什么帮助。"),
    ],
)
def test_places_that_do_not_fit_together_are_refused_before_anything_is_kept(world, as_user, change, status, message):
    body = {"community": "xihu", "building_id": world.building.pk, "category_code": "policy", "description": "问"}
    body.update({k: getattr(world, v).pk if isinstance(v, str) and hasattr(world, v) else v for k, v in change.items()})
    response = as_user(world.admin).post("/requests", body)
    assert response.status_code == status and response.json()["detail"] == message
    assert not Intake.objects.exists()


def test_resident_account_and_outsider_cannot_place_for_others(world, as_user):
    body = {"community": "xihu", "building_id": world.building.pk, "category_code": "policy", "description": "问"}
    assert as_user(world.resident).post("/requests", body).status_code == 404
    assert as_user(world.outsider).post("/requests", body).status_code == 404
    assert not Intake.objects.exists()


def test_missing_fields_are_422_naming_them(world, as_user):
    response = as_user(world.admin).post("/requests", {"community": "xihu"})
    assert response.status_code == 422
    assert "building_id" in response.json()["detail"] and "description" in response.json()["detail"]


def test_the_whole_loop_dispatch_accept_resolve_confirm(world, as_user, lamp):
    leader, volunteer, resident = as_user(world.leader), as_user(world.volunteer), as_user(world.resident)
    assert leader.post(f"/requests/{lamp.pk}/dispatch", {"volunteer_id": world.wang_member.pk}).json()["status"] == (
        "dispatched"
    )
    assert volunteer.post(f"/requests/{lamp.pk}/accept").json()["status"] == "accepted"
    resolved = volunteer.post(
        f"/requests/{lamp.pk}/resolve", {"resolution": "offline", "reply": "换了新灯泡", "minutes": 30}
    ).json()
    assert resolved["status"] == "resolved" and resolved["reply"] == "换了新灯泡"
    assert resolved["time_spent_minutes"] == 30
    confirmed = resident.post(f"/requests/{lamp.pk}/confirm", {"rating": "satisfied", "comment": "谢谢"})
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "closed" and confirmed.json()["rating"] == "satisfied"
    kinds = [e["kind"] for e in leader.get(f"/requests/{lamp.pk}").json()["events"]]
    assert kinds[:4] == ["placed", "dispatched", "accepted", "resolved"]


def test_wrong_role_is_refused_with_409_and_nothing_changes(world, as_user, lamp):
    refused = as_user(world.leader).post(f"/requests/{lamp.pk}/accept")
    assert refused.status_code == 409 and refused.json()["detail"] == "只有承办这条点单的志愿者可以接单。"
    lamp.refresh_from_db()
    assert lamp.status == "submitted" and lamp.events.count() == 1


def test_wrong_state_is_refused_with_409(world, as_user, lamp):
    actions.reject(lamp, by=world.leader, reason="重复反映")
    refused = as_user(world.leader).post(f"/requests/{lamp.pk}/dispatch", {"volunteer_id": world.wang_member.pk})
    assert refused.status_code == 409 and "不予受理" in refused.json()["detail"]


def test_only_the_resident_who_asked_may_confirm(world, as_user, lamp):
    actions.dispatch(lamp, world.wang_member, by=world.leader)
    actions.accept(lamp, by=world.volunteer)
    actions.resolve(lamp, by=world.volunteer, resolution="online", reply="已报修")
    refused = as_user(world.leader).post(f"/requests/{lamp.pk}/confirm", {"rating": "satisfied"})
    assert refused.status_code == 409 and "居民本人" in refused.json()["detail"]


def test_volunteer_declines_with_a_reason(world, as_user, lamp):
    actions.dispatch(lamp, world.wang_member, by=world.leader)
    body = as_user(world.volunteer).post(f"/requests/{lamp.pk}/decline", {"reason": "这几天住院"}).json()
    assert body["status"] == "submitted" and body["events"][-1]["kind"] == "declined"
    assert as_user(world.volunteer).get(f"/requests/{lamp.pk}").status_code == 404


def test_leader_rejects_escalates_and_merges(world, as_user, lamp):
    leader = as_user(world.leader)
    twin = place(world, description="楼道灯又坏了")
    merged = leader.post(f"/requests/{twin.pk}/merge", {"into_id": lamp.pk}).json()
    assert merged["status"] == "merged" and merged["merged_into"] == lamp.pk
    escalated = leader.post(f"/requests/{lamp.pk}/escalate", {"reason": "需要物业更换线路"}).json()
    assert escalated["status"] == "escalated" and escalated["escalate_reason"] == "需要物业更换线路"
    third = place(world, description="广告")
    rejected = leader.post(f"/requests/{third.pk}/reject", {"reason": "不属于服务范围"}).json()
    assert rejected["status"] == "rejected" and rejected["reject_reason"] == "不属于服务范围"


def test_merge_into_a_request_out_of_sight_is_404(world, as_user, lamp):
    elsewhere = place(world, building=world.building2, stairwell=world.stairwell2)
    response = as_user(world.leader).post(f"/requests/{lamp.pk}/merge", {"into_id": elsewhere.pk})
    assert response.status_code == 404


def test_dispatch_to_a_member_of_another_community_is_422(world, as_user, lamp):
    response = as_user(world.leader).post(f"/requests/{lamp.pk}/dispatch", {"volunteer_id": 999999})
    assert response.status_code == 422 and response.json()["detail"] == "所选党员不在本社区"


def test_transition_on_a_request_out_of_sight_is_404(world, as_user, lamp):
    assert as_user(world.outsider).post(f"/requests/{lamp.pk}/reject", {"reason": "x"}).status_code == 404
    assert Request.objects.get().status == "submitted"


def test_an_errand_resolved_without_minutes_is_409_and_stays_open(world, as_user, lamp):
    actions.dispatch(lamp, world.wang_member, by=world.leader)
    actions.accept(lamp, by=world.volunteer)
    response = as_user(world.volunteer).post(
        f"/requests/{lamp.pk}/resolve", {"resolution": "offline", "reply": "换了新灯泡"}
    )
    assert response.status_code == 409 and "线下跑腿请填写用了多少分钟" in response.json()["detail"]
    assert Request.objects.get().status == "accepted"
    answered = as_user(world.volunteer).post(
        f"/requests/{lamp.pk}/resolve", {"resolution": "online", "reply": "已告知物业电话"}
    )
    assert answered.status_code == 200 and answered.json()["time_spent_minutes"] is None


def test_bad_body_is_422_in_chinese(world, as_user, lamp):
    response = as_user(world.leader).post(f"/requests/{lamp.pk}/resolve", {"resolution": "magic"})
    assert response.status_code == 422 and response.json()["detail"].startswith("请求参数不正确")


def test_oversized_body_is_413(world, as_user, lamp):
    response = as_user(world.leader).post(f"/requests/{lamp.pk}/reject", {"reason": "x" * 70_000})
    assert response.status_code == 413 and "太大" in response.json()["detail"]


def test_without_a_token_it_is_401(world, client, lamp):
    assert client.get("/api/v1/requests").status_code == 401
    assert client.post(f"/api/v1/requests/{lamp.pk}/accept").status_code == 401


def test_slip_pdf_for_staff_who_see_the_request_and_404_for_others(world, as_user, lamp):
    response = as_user(world.leader).get(f"/requests/{lamp.pk}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", actor=world.leader, object_id=str(lamp.pk)).exists()
    assert as_user(world.outsider).get(f"/requests/{lamp.pk}/slip.pdf").status_code == 404
