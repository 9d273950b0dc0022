"""The API behind the volunteers' offline app: 我的包户 to keep on the phone, visits and request
actions sent from its queue (each once, whatever the retries), conflicts explained and passed on to
the leader, and the browser's login session with its CSRF token as a way in."""

import base64
import io
import json
from datetime import timedelta

import pytest
from conftest import make_user
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from loudong.accounts.models import ApiToken, AuditEntry, Role
from loudong.groups.models import BuildingGroup
from loudong.notify.models import OutboxMessage
from loudong.outreach.models import Assignment, Visit
from loudong.registry.models import Household, Member, Resident
from loudong.tickets import actions
from loudong.tickets.models import Request, RequestPhoto, Status

CSRF = "a" * 32  # a CSRF secret as Django's cookie holds it


class Phone:
    """The volunteers' app speaking as one user with a bearer token (the browser's session: below)."""

    def __init__(self, client: Client, user) -> None:
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", **self.auth)

    def post(self, path: str, body: dict, key: str | None = None):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.auth, **headers
        )


@pytest.fixture
def phone(client):
    return lambda user: Phone(client, user)


@pytest.fixture
def mine(world):
    """王秀英 (the volunteer) visits 301 of 环城北路93号, where 刘光前 and she live."""
    return Assignment.objects.create(community=world.community, household=world.household, volunteer=world.wang_member)


@pytest.fixture
def other_volunteer(world):
    """A volunteer of the group of 学宫巷3号, who visits 502 there."""
    group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    world.stairwell2.group = group
    world.stairwell2.save()
    zhao = Resident.objects.create(
        community=world.community, household=world.household2, name="赵志强", phone="13500135000"
    )
    member = Member.objects.create(community=world.community, resident=zhao, group=group)
    Assignment.objects.create(community=world.community, household=world.household2, volunteer=member)
    user = make_user("zhao", Role.VOLUNTEER, community=world.community, group=group)
    user.resident = zhao
    user.save()
    return user


def visit_body(world, **overrides) -> dict:
    return {"household_id": world.household.pk, "outcome": "met", "minutes": 30, "note": "老人身体不错", **overrides}


# ---- 我的包户 -------------------------------------------------------------------------------------


def test_a_volunteer_gets_their_households_with_phones_masked_and_no_id_numbers(world, phone, mine):
    response = phone(world.volunteer).get("/me/households")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"].endswith("+08:00")
    [household] = body["households"]
    assert household["id"] == world.household.pk and household["community"] == "xihu"
    assert (household["building"], household["stairwell"], household["room"]) == ("环城北路93号", "1单元", "301")
    assert household["label"] == "环城北路93号1单元301室"
    assert household["residents"] == [
        {"id": world.liu.pk, "name": "刘光前", "phone": "138****8000"},
        {"id": world.wang.pk, "name": "王秀英", "phone": "139****9000"},
    ]
    # Never visited: due today, not yet overdue.
    assert household["last_visit"] is None and household["due"] == timezone.localdate().isoformat()
    assert household["overdue"] is False
    text = response.content.decode()
    assert "13800138000" not in text and "430407" not in text and "id_number" not in text


def test_an_elder_seen_nine_days_ago_is_overdue_on_a_weekly_round(world, phone, mine):
    from loudong.outreach import actions as outreach

    seen = timezone.now() - timedelta(days=9)
    outreach.log_visit(world.household, volunteer=world.wang_member, by=world.volunteer, visited_at=seen)
    [household] = phone(world.volunteer).get("/me/households").json()["households"]
    assert household["last_visit"] == timezone.localtime(seen).date().isoformat()
    assert household["due"] == (timezone.localtime(seen).date() + timedelta(days=7)).isoformat()
    assert household["overdue"] is True


def test_more_households_cost_no_more_queries(world, phone, mine):
    caller = phone(world.volunteer)
    caller.get("/me/households")  # the policy and the grants cached
    with CaptureQueriesContext(connection) as one:
        caller.get("/me/households")
    for room in ("302", "401", "402", "501"):
        household = Household.objects.create(community=world.community, stairwell=world.stairwell, room=room)
        Resident.objects.create(community=world.community, household=household, name=f"住户{room}", phone="13300133000")
        Assignment.objects.create(community=world.community, household=household, volunteer=world.wang_member)
    with CaptureQueriesContext(connection) as five:
        assert len(caller.get("/me/households").json()["households"]) == 5
    assert len(five) == len(one)


def test_reading_the_households_for_the_phone_is_written_in_the_audit_log(world, phone, mine):
    phone(world.volunteer).get("/me/households")
    entry = AuditEntry.objects.get(object_repr="我的包户（手机离线副本）")
    assert entry.actor == world.volunteer and entry.action == AuditEntry.Action.EXPORT
    assert entry.community_id == world.community.pk and entry.detail["rows"] == 1


def test_another_groups_volunteer_sees_only_their_own_households(world, phone, mine, other_volunteer):
    listed = phone(other_volunteer).get("/me/households").json()["households"]
    assert [h["id"] for h in listed] == [world.household2.pk]
    assert phone(world.outsider).get("/me/households").json()["households"] == []


# ---- visits ---------------------------------------------------------------------------------------


def test_a_visit_from_the_phone_is_logged_with_who_was_met(world, phone, mine):
    response = phone(world.volunteer).post("/visits", visit_body(world, met_resident_ids=[world.liu.pk]), key="v-1")
    assert response.status_code == 201
    assert response.json()["request_id"] is None
    visit = Visit.objects.get(pk=response.json()["id"])
    assert (visit.household, visit.volunteer, visit.minutes, visit.note) == (
        world.household,
        world.wang_member,
        30,
        "老人身体不错",
    )
    assert visit.someone_home == Visit.Home.MET and list(visit.met.all()) == [world.liu]


def test_a_closed_door_is_logged_as_nobody_home(world, phone, mine):
    response = phone(world.volunteer).post("/visits", visit_body(world, outcome="not_home", minutes=5))
    assert response.status_code == 201
    assert Visit.objects.get().someone_home == Visit.Home.AWAY
    refused = phone(world.volunteer).post(
        "/visits", visit_body(world, outcome="not_home", met_resident_ids=[world.liu.pk])
    )
    assert refused.status_code == 422 and "无人在家" in refused.json()["detail"]


def test_a_visit_retried_with_the_same_key_is_logged_once(world, phone, mine):
    caller = phone(world.volunteer)
    body = visit_body(world, need={"category_code": "policy", "description": "想问高龄补贴怎么申请"})
    first = caller.post("/visits", body, key="visit-7f3a")
    again = caller.post("/visits", body, key="visit-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Visit.objects.count() == 1 and Request.objects.count() == 1
    reused = caller.post("/visits", visit_body(world, note="另一次"), key="visit-7f3a")
    assert reused.status_code == 422 and "Idempotency-Key" in reused.json()["detail"]
    assert Visit.objects.count() == 1


def test_a_visit_typed_offline_keeps_the_time_it_happened(world, phone, mine):
    happened = timezone.localtime() - timedelta(hours=3)
    response = phone(world.volunteer).post("/visits", visit_body(world, visited_at=happened.isoformat()))
    visit = Visit.objects.get(pk=response.json()["id"])
    assert abs(visit.visited_at - happened) < timedelta(seconds=1)
    assert visit.created_at - visit.visited_at > timedelta(hours=2)


def test_a_time_without_a_zone_is_beijing_time(world, phone, mine):
    happened = (timezone.localtime() - timedelta(hours=1)).replace(microsecond=0)
    phone(world.volunteer).post("/visits", visit_body(world, visited_at=happened.replace(tzinfo=None).isoformat()))
    assert Visit.objects.get().visited_at == happened


def test_a_visit_in_the_future_or_over_thirty_days_ago_is_refused_in_chinese(world, phone, mine):
    caller = phone(world.volunteer)
    future = caller.post("/visits", visit_body(world, visited_at=(timezone.now() + timedelta(hours=2)).isoformat()))
    assert future.status_code == 422 and future.json()["detail"] == "走访时间不能晚于现在。"
    old = timezone.localtime() - timedelta(days=31)
    stale = caller.post("/visits", visit_body(world, visited_at=old.isoformat()))
    assert stale.status_code == 422
    assert f"{old.month}月{old.day}日" in stale.json()["detail"] and "30 天" in stale.json()["detail"]
    recent = caller.post("/visits", visit_body(world, visited_at=(timezone.now() - timedelta(days=29)).isoformat()))
    assert recent.status_code == 201
    assert Visit.objects.count() == 1


def test_a_need_found_becomes_a_request_as_on_the_visit_page(world, phone, mine):
    body = visit_body(
        world, met_resident_ids=[world.liu.pk], need={"category_code": "policy", "description": "想问高龄补贴怎么申请"}
    )
    response = phone(world.volunteer).post("/visits", body)
    assert response.status_code == 201
    visit = Visit.objects.get(pk=response.json()["id"])
    req = Request.objects.get(pk=response.json()["request_id"])
    assert visit.request == req and visit.needs == "想问高龄补贴怎么申请"
    assert req.channel == Request.Channel.VISIT and req.category_code == "policy"
    assert req.household == world.household and req.contact_name == "刘光前"
    assert req.description == "想问高龄补贴怎么申请" and req.created_by == world.volunteer


def test_a_need_of_an_unknown_category_logs_nothing(world, phone, mine):
    body = visit_body(world, need={"category_code": "nonsense", "description": "想问高龄补贴"})
    response = phone(world.volunteer).post("/visits", body)
    assert response.status_code == 422 and response.json()["detail"] == "没有这个点单类别：nonsense"
    assert not Visit.objects.exists() and not Request.objects.exists()


def test_only_residents_of_that_household_can_be_met(world, phone, mine):
    response = phone(world.volunteer).post("/visits", visit_body(world, met_resident_ids=[world.zhang.pk]))
    assert response.status_code == 422 and response.json()["detail"] == "勾选的居民不住在这一户。"
    assert not Visit.objects.exists()


def test_bad_minutes_and_a_long_note_are_422(world, phone, mine):
    caller = phone(world.volunteer)
    zero = caller.post("/visits", visit_body(world, minutes=0))
    assert zero.status_code == 422 and "1 到 600 分钟" in zero.json()["detail"]
    assert caller.post("/visits", visit_body(world, minutes=601)).status_code == 422
    assert caller.post("/visits", visit_body(world, note="字" * 1001)).status_code == 422
    assert not Visit.objects.exists()


def test_a_household_of_another_group_is_not_found(world, phone, mine, other_volunteer):
    theirs = phone(world.volunteer).post("/visits", visit_body(world, household_id=world.household2.pk))
    assert theirs.status_code == 404 and theirs.json()["detail"] == "未找到，或您无权查看"
    mine_to_them = phone(other_volunteer).post("/visits", visit_body(world))
    assert mine_to_them.status_code == 404
    assert phone(world.outsider).post("/visits", visit_body(world)).status_code == 404
    assert not Visit.objects.exists()


def test_the_leader_logs_a_visit_to_a_household_of_the_group(world, phone, mine):
    response = phone(world.leader).post("/visits", visit_body(world))
    assert response.status_code == 201 and Visit.objects.get().volunteer == world.liu_member


def test_an_admin_without_a_member_record_cannot_log_a_visit(world, phone, mine):
    response = phone(world.admin).post("/visits", visit_body(world))
    assert response.status_code == 403 and "党员记录" in response.json()["detail"]


# ---- request actions ------------------------------------------------------------------------------


def errand(world, *, accepted: bool = True) -> Request:
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="hardship",
        description="帮忙去药店买降压药",
        contact_name="刘光前",
        contact_phone="13800138000",
    )
    actions.dispatch(req, world.wang_member, by=world.leader)
    if accepted:
        actions.accept(req, by=world.volunteer)
    return req


def picture(kind: str = "PNG", size: tuple[int, int] = (64, 48)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, kind)
    return base64.b64encode(buffer.getvalue()).decode()


def resolve_body(**overrides) -> dict:
    return {"resolution": "offline", "reply": "药已买好送到家", "minutes": 40, **overrides}


def test_an_errand_resolved_with_a_photo_keeps_it_as_the_resolutions_photo(world, phone):
    req = errand(world)
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body(photo=picture()), key="r-1")
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    stored = RequestPhoto.objects.get(request=req)
    assert stored.stage == RequestPhoto.Stage.DONE
    with stored.image.open("rb") as file, Image.open(file) as image:
        assert image.format == "JPEG" and image.size == (64, 48)  # re-encoded, as the staff page does


def test_a_jpeg_photo_is_taken_too(world, phone):
    req = errand(world)
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body(photo=picture("JPEG")))
    assert response.status_code == 200 and RequestPhoto.objects.filter(request=req).count() == 1


def test_a_photo_over_300_kb_is_refused_naming_its_size(world, phone):
    req = errand(world)
    big = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * (400 * 1024)).decode()
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body(photo=big))
    assert response.status_code == 422
    assert response.json()["detail"] == "照片有 401 KB，超过了 300 KB，请在手机上缩小后再传。"
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED and not RequestPhoto.objects.exists()


def test_a_photo_that_is_not_a_jpeg_or_png_or_not_base64_is_refused(world, phone):
    req = errand(world)
    caller = phone(world.volunteer)
    gif = caller.post(f"/requests/{req.pk}/resolve", resolve_body(photo=picture("GIF")))
    assert gif.status_code == 422 and gif.json()["detail"] == "照片须是 JPEG 或 PNG 格式。"
    prefixed = caller.post(f"/requests/{req.pk}/resolve", resolve_body(photo="data:image/png;base64," + picture()))
    assert prefixed.status_code == 422 and "base64" in prefixed.json()["detail"]
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED


def test_an_image_bomb_is_refused_before_it_is_decoded(world, phone, settings):
    settings.IMAGE_MAX_PIXELS = 1000
    req = errand(world)
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body(photo=picture(size=(100, 100))))
    assert response.status_code == 422 and "像素太多" in response.json()["detail"]


def test_an_errand_done_offline_before_its_deadline_and_sent_after_it_is_not_late(world, phone, client):
    accepted = timezone.now() - timedelta(hours=5)
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="hardship",
        description="帮忙去药店买降压药",
        now=accepted - timedelta(hours=1),
    )
    actions.dispatch(req, world.wang_member, by=world.leader, now=accepted - timedelta(minutes=30))
    actions.accept(req, by=world.volunteer, now=accepted)
    done = timezone.localtime() - timedelta(hours=3)
    Request.objects.filter(pk=req.pk).update(due_at=done + timedelta(hours=1))  # the deadline passed meanwhile
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body(done_at=done.isoformat()))
    assert response.status_code == 200
    req.refresh_from_db()
    assert abs(req.resolved_at - done) < timedelta(seconds=1)
    event = req.events.get(kind="resolved")
    assert event.data["late"] is False and timezone.now() - event.at < timedelta(minutes=1)
    assert event.data["done_label"] == f"{done.year}年{done.month}月{done.day}日 {done:%H:%M}"
    client.force_login(world.leader)
    page = client.get(f"/c/xihu/requests/{req.pk}/").content.decode()
    assert f"{event.data['done_label']} 在手机上办结，联网后上传" in page


def test_a_done_time_before_the_errand_was_taken_or_in_the_future_is_refused(world, phone):
    req = errand(world)
    caller = phone(world.volunteer)
    early = caller.post(
        f"/requests/{req.pk}/resolve", resolve_body(done_at=(timezone.now() - timedelta(hours=1)).isoformat())
    )
    assert early.status_code == 409 and "不能早于这张点单最近一次状态变化的时间" in early.json()["detail"]
    future = caller.post(
        f"/requests/{req.pk}/resolve", resolve_body(done_at=(timezone.now() + timedelta(hours=1)).isoformat())
    )
    assert future.status_code == 409 and future.json()["detail"] == "办结时间不能晚于现在，请检查手机的时间。"
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED


def test_accepting_from_the_phone(world, phone):
    req = errand(world, accepted=False)
    response = phone(world.volunteer).post(f"/requests/{req.pk}/accept", {}, key="a-1")
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_asking_the_resident_pauses_the_request_once_however_often_it_is_sent(world, phone):
    req = errand(world)
    caller = phone(world.volunteer)
    body = {"question": "降压药要哪个牌子的？"}
    first = caller.post(f"/requests/{req.pk}/ask", body, key="q-1")
    again = caller.post(f"/requests/{req.pk}/ask", body, key="q-1")
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert first.json()["status"] == "waiting" and first.json()["question"] == "降压药要哪个牌子的？"
    assert req.events.filter(kind="paused").count() == 1
    assert caller.post(f"/requests/{req.pk}/ask", {"question": ""}).status_code == 422


def leader_notices(world) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(user=world.leader, channel=OutboxMessage.Channel.INAPP))


def test_an_errand_reassigned_meanwhile_is_409_and_the_leader_gets_what_the_volunteer_wrote(world, phone):
    req = errand(world)
    actions.decline(req, by=world.volunteer, reason="临时有事")
    actions.dispatch(req, world.liu_member, by=world.leader)
    before = len(leader_notices(world))
    caller = phone(world.volunteer)
    assert caller.get(f"/requests/{req.pk}").status_code == 404  # no longer the volunteer's to see
    body = resolve_body(reply="已买好药放在门卫室", photo=picture())
    response = caller.post(f"/requests/{req.pk}/resolve", body, key="late-1")
    assert response.status_code == 409
    assert response.json()["detail"] == "这张点单已改派给其他志愿者，您的办结未能上传。"
    [notice] = leader_notices(world)[before:]
    assert notice.title == f"volunteer离线办结的结果未能上传：{req.number}"
    assert "已买好药放在门卫室" in notice.body and "40 分钟" in notice.body and "照片：1 张" in notice.body
    assert notice.url == f"/c/xihu/requests/{req.pk}/"
    # The retry the queue makes after a lost answer tells the leader nothing twice.
    assert caller.post(f"/requests/{req.pk}/resolve", body, key="late-1").status_code == 409
    assert len(leader_notices(world)) == before + 1
    req.refresh_from_db()
    assert req.status == Status.DISPATCHED and not RequestPhoto.objects.exists()


@pytest.mark.parametrize(
    ("close", "detail"),
    [
        (
            lambda w, r: actions.reject(r, by=w.leader, reason="不属于服务范围"),
            "这张点单已不予受理，您的办结未能上传。",
        ),
        (
            lambda w, r: actions.escalate(r, by=w.leader, reason="需要社区协调"),
            "这张点单已上报社区，由社区办理，您的办结未能上传。",
        ),
    ],
)
def test_an_errand_closed_meanwhile_is_409_with_why(world, phone, close, detail):
    req = errand(world, accepted=False)
    close(world, req)
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body())
    assert response.status_code == 409 and response.json()["detail"] == detail
    assert "药已买好送到家" in leader_notices(world)[-1].body


def test_a_request_merged_meanwhile_names_the_one_it_joined(world, phone):
    req = errand(world, accepted=False)
    other = actions.place_request(
        community=world.community, building=world.building, category_code="hardship", description="买药"
    )
    actions.merge(req, other, by=world.leader)
    response = phone(world.volunteer).post(f"/requests/{req.pk}/accept", {})
    assert response.status_code == 409
    assert response.json()["detail"] == f"这张点单已与 {other.number} 合并办理，您的接单未能上传。"


def test_an_ordinary_refusal_is_not_a_conflict_and_tells_the_leader_nothing(world, phone):
    req = errand(world)
    before = len(leader_notices(world))
    response = phone(world.volunteer).post(f"/requests/{req.pk}/resolve", resolve_body(minutes=None))
    assert response.status_code == 409 and "多少分钟" in response.json()["detail"]
    assert len(leader_notices(world)) == before


def test_a_request_never_dispatched_to_the_caller_is_not_found(world, phone, other_volunteer):
    req = errand(world)
    for user in (other_volunteer, world.outsider):
        response = phone(user).post(f"/requests/{req.pk}/resolve", resolve_body())
        assert response.status_code == 404


# ---- the browser's session ------------------------------------------------------------------------


@pytest.fixture
def browser(world, mine):
    """The volunteer logged in on the web app, which holds the CSRF cookie the pages set."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.volunteer)
    client.cookies["csrftoken"] = CSRF
    return client


def post_json(client: Client, path: str, body: dict, **headers):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)


def test_the_logged_in_web_app_reads_and_writes_with_its_session(world, browser):
    assert browser.get("/api/v1/me/households").status_code == 200
    response = post_json(browser, "/visits", visit_body(world), HTTP_X_CSRFTOKEN=CSRF, HTTP_IDEMPOTENCY_KEY="s-1")
    again = post_json(browser, "/visits", visit_body(world), HTTP_X_CSRFTOKEN=CSRF, HTTP_IDEMPOTENCY_KEY="s-1")
    assert response.status_code == again.status_code == 201 and again.content == response.content
    assert Visit.objects.get().created_by == world.volunteer


def test_a_session_call_without_the_csrf_token_is_refused(world, browser):
    response = post_json(browser, "/visits", visit_body(world), HTTP_IDEMPOTENCY_KEY="s-2")
    assert response.status_code == 403 and "X-CSRFToken" in response.json()["detail"]
    wrong = post_json(browser, "/visits", visit_body(world), HTTP_X_CSRFTOKEN="b" * 32)
    assert wrong.status_code == 403
    assert not Visit.objects.exists()
    # The refusal was not kept for the key: sent properly, the same key works.
    fixed = post_json(browser, "/visits", visit_body(world), HTTP_X_CSRFTOKEN=CSRF, HTTP_IDEMPOTENCY_KEY="s-2")
    assert fixed.status_code == 201


def test_the_session_opens_the_request_actions_too(world, browser):
    req = errand(world, accepted=False)
    response = post_json(browser, f"/requests/{req.pk}/accept", {}, HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    # ... but not the leader's: dispatching stays with tokens.
    refused = post_json(browser, f"/requests/{req.pk}/dispatch", {"volunteer_id": 1}, HTTP_X_CSRFTOKEN=CSRF)
    assert refused.status_code == 401


def test_without_a_session_or_token_it_is_401(world, mine):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/api/v1/me/households").status_code == 401
    assert post_json(client, "/visits", visit_body(world)).status_code == 401


def test_a_session_that_still_owes_its_second_factor_is_not_logged_in(world, mine):
    TOTPDevice.objects.create(user=world.volunteer, name="手机验证器", confirmed=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.volunteer)  # logged in before enrolling: the code was never given
    client.cookies["csrftoken"] = CSRF
    assert client.get("/api/v1/me/households").status_code == 401
    assert post_json(client, "/visits", visit_body(world), HTTP_X_CSRFTOKEN=CSRF).status_code == 401
    assert not Visit.objects.exists()


def test_an_idle_session_is_answered_401_in_json_not_sent_to_the_login_page(world, browser, settings):
    session = browser.session
    session["loudong_seen_at"] -= 31 * 60
    session.save()
    response = browser.get("/api/v1/me/households")
    assert response.status_code == 401 and response.json()["detail"]


def test_the_offline_operations_are_in_the_openapi_document_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    visits = document["paths"]["/api/v1/visits"]["post"]
    assert {"BearerToken": []} in visits["security"] and {"SessionLogin": []} in visits["security"]
    assert "Idempotency-Key" in [p["name"] for p in visits["parameters"]]
    assert "敲门问需" in visits["tags"] and visits["summary"] == "记走访" and "离线" in visits["description"]
    for path, summary in (
        ("/api/v1/requests/{request_id}/ask", "问居民"),
        ("/api/v1/requests/{request_id}/resolve", "办结"),
    ):
        assert document["paths"][path]["post"]["summary"] == summary
    assert "/api/v1/me/households" in document["paths"] and "/api/v1/requests/{request_id}/ask" in document["paths"]
    resolve = document["components"]["schemas"]["ResolveIn"]["properties"]["photo"]
    assert "300 KB" in resolve["description"]
