"""Intake: submissions kept as one row each, placed in batches by the same rules as place_request, never
lost (a row that cannot be placed keeps its error, the admins are told, it is retried), and the form's
rate limits counted on the rows."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from loudong.notify.models import OutboxMessage
from loudong.policy.models import current_rules, save_rules
from loudong.tickets import actions, intake
from loudong.tickets.actions import placing
from loudong.tickets.models import Intake, Request

HOUR = 3600


def receive(world, **overrides) -> Intake:
    values = dict(
        community_id=world.community.pk,
        building_id=world.building.pk,
        stairwell_id=world.stairwell.pk,
        room="301",
        category_code="environment",
        kind="help",
        channel="qr",
        description="楼道里堆满了纸箱",
        contact_name="王阿姨",
        contact_phone="13912345678",
    )
    return intake.receive(**{**values, **overrides})


def test_a_batch_is_placed_as_place_request_would_place_each(world):
    rows = [
        receive(world),
        receive(
            world,
            building_id=world.building2.pk,
            stairwell_id=world.stairwell2.pk,
            room="502",
            category_code="policy",
            kind="consult",
            description="医保怎么报销",
        ),
        receive(
            world,
            contact_phone="13800138000",
            room="",
            description="刘大爷要人帮忙买药",
            category_code="hardship",
            channel="visit",
            by=world.volunteer,
        ),
        receive(world, member_id=world.wang_member.pk, description="请王秀英帮忙"),
    ]
    single = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        room="301",
        category_code="environment",
        description="对照",
        now=rows[0].received_at,
    )
    assert intake.drain() == 4
    placed = {r.tracking_token: r for r in Request.objects.exclude(pk=single.pk)}
    first, other, for_liu, carded = (placed[r.tracking_token] for r in rows)
    # Numbers follow on from the day's count, in the order received.
    day, community, count = single.number.rsplit("-", 2)[0], world.community.pk, int(single.number[-4:])
    assert [p.number for p in (first, other, for_liu, carded)] == [
        f"{day}-{community}-{n:04d}" for n in range(count + 1, count + 5)
    ]
    # The same deadlines, household and group as place_request gives.
    assert (first.due_at, first.response_due_at, first.remind_at) == (
        single.due_at,
        single.response_due_at,
        single.remind_at,
    )
    assert first.household == world.household and first.group == world.group and first.created_at == rows[0].received_at
    assert other.group is None and other.kind == "consult" and other.category_name == "政策咨询"
    # Matched to the registered resident by phone, with their home; entered by the volunteer.
    assert for_liu.resident == world.liu and for_liu.household == world.household
    assert for_liu.created_by == world.volunteer and for_liu.events.get().actor == world.volunteer
    assert carded.events.get(kind="suggested").data["suggested_member_id"] == world.wang_member.pk
    assert {e.kind for e in first.events.all()} == {"placed"}
    # The leader is told of each new request in the group (through the outbox).
    titles = set(OutboxMessage.objects.filter(user=world.leader).values_list("title", flat=True))
    assert {f"新的点单：{p.number}" for p in (first, for_liu, carded)} <= titles
    assert not Intake.objects.filter(request__isnull=True).exists()
    assert Intake.objects.get(pk=rows[1].pk).request == other


def test_placing_twice_makes_one_request(world):
    row = receive(world)
    assert intake.materialize_token(row.tracking_token).tracking_token == row.tracking_token
    assert intake.materialize([row.pk]) == {}
    assert intake.drain() == 0 and Request.objects.count() == 1


def test_a_receipt_places_the_rows_waiting_before_it_in_the_same_batch(world):
    earlier = [receive(world, description=f"楼道灯坏了（{n}）") for n in range(3)]
    own = receive(world, description="我自己的点单")
    placed = intake.materialize_token(own.tracking_token)
    assert placed.description == "我自己的点单"
    # The neighbours' requests exist too, numbered in the order received; the worker finds nothing left.
    numbers = [Request.objects.get(tracking_token=r.tracking_token).number for r in (*earlier, own)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 4
    assert intake.drain() == 0


def test_a_row_that_cannot_be_placed_is_kept_with_its_error_told_to_admins_and_retried(world):
    rules = current_rules(world.community.pk)
    broken = receive(world, category_code="hardship")
    fine = receive(world)
    save_rules(
        world.community.pk,
        rules.__class__.from_json(
            {**rules.to_json(), "categories": [c for c in rules.to_json()["categories"] if c["code"] != "hardship"]}
        ),
    )
    assert intake.drain() == 1  # the other row of the batch is placed
    assert Intake.objects.get(pk=fine.pk).request is not None
    broken.refresh_from_db()
    assert broken.request is None and broken.attempts == 1 and broken.error == "请选择诉求类别。"
    assert broken.retry_at > timezone.now() + timedelta(seconds=20)
    told = OutboxMessage.objects.get(user=world.admin, title="有一条点单未能登记")
    assert "请选择诉求类别" in told.body and "楼道里堆满了纸箱" in told.body
    assert intake.drain() == 0  # not due yet
    assert intake.materialize_token(broken.tracking_token) is None  # the receipt page tries at once
    Intake.objects.filter(pk=broken.pk).update(retry_at=timezone.now())
    intake.drain()
    assert Intake.objects.get(pk=broken.pk).attempts == 3
    assert OutboxMessage.objects.filter(title="有一条点单未能登记").count() == 1  # told once
    save_rules(world.community.pk, rules)  # the admin puts the category back
    Intake.objects.filter(pk=broken.pk).update(retry_at=timezone.now())
    assert intake.drain() == 1
    broken.refresh_from_db()
    assert broken.request.category_code == "hardship" and broken.error == ""


def test_a_deleted_building_keeps_the_row_waiting(world, client):
    row = receive(world, building_id=world.building2.pk, stairwell_id=None, room="")
    other = receive(world, building_id=world.building2.pk, stairwell_id=world.stairwell2.pk, room="")
    building_id, stairwell_id = world.building2.pk, world.stairwell2.pk
    world.building2.delete()
    assert intake.drain() == 0
    row.refresh_from_db()
    assert row.request is None and row.error == f"楼栋（编号 {building_id}）已不存在。"
    # Moved to a building still there, it still cannot be placed: its stairwell went with the first.
    Intake.objects.filter(pk=other.pk).update(building_id=world.building.pk, retry_at=timezone.now())
    assert intake.drain() == 0
    assert Intake.objects.get(pk=other.pk).error == f"单元（编号 {stairwell_id}）已不存在。"
    receipt = client.get(f"/ask/t/{row.tracking_token}/receipt/")
    assert receipt.status_code == 200 and "不会丢失" in receipt.content.decode()
    assert client.get(f"/ask/t/{row.tracking_token}/").status_code == 200


def test_a_row_that_breaks_the_batch_write_does_not_hold_back_the_others(world):
    taken = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="已有的点单"
    )
    good = [receive(world, description=f"第{n}件") for n in range(3)]
    clash = receive(world)
    Intake.objects.filter(pk=clash.pk).update(tracking_token=taken.tracking_token)  # the insert must fail
    assert intake.drain() == 3
    assert all(Intake.objects.get(pk=r.pk).request for r in good)
    clash.refresh_from_db()
    assert clash.request is None and clash.error.startswith("IntegrityError")
    assert Request.objects.count() == 4


def test_the_worker_places_received_submissions_every_round(world):
    row = receive(world)
    call_command("worker", "--once", stdout=open("/dev/null", "w"))
    assert Intake.objects.get(pk=row.pk).request.tracking_token == row.tracking_token


def post_from(address: str):
    return RequestFactory().post("/ask/place/", REMOTE_ADDR=address)


@pytest.fixture
def no_exemptions(settings, monkeypatch):
    monkeypatch.delenv("LOUDONG_RATE_LIMIT_EXEMPT", raising=False)
    settings.RATE_LIMIT_EXEMPT = []
    return settings


def test_rate_limits_count_the_rows_of_the_last_hour(world, no_exemptions):
    no_exemptions.RATE_LIMITS = {"ask_client": (3, HOUR), "ask_building": (5, HOUR)}
    for _ in range(3):
        assert intake.limited(post_from("203.0.113.5"), world.building.pk) is None
        receive(world, client="203.0.113.5")
    refused = intake.limited(post_from("203.0.113.5"), world.building.pk)
    assert refused is not None and "提交太频繁了" in refused.message and 3500 < refused.retry_after <= HOUR + 1
    # An hour later the oldest has left the window.
    Intake.objects.filter(pk=Intake.objects.order_by("pk").first().pk).update(
        received_at=timezone.now() - timedelta(seconds=HOUR + 1)
    )
    assert intake.limited(post_from("203.0.113.5"), world.building.pk) is None
    # The building: five in its last hour from anyone, whoever asks next is refused.
    for n in (6, 7, 8):
        receive(world, client=f"203.0.113.{n}")
    refused = intake.limited(post_from("203.0.113.8"), world.building.pk)
    assert refused is not None and "这栋楼" in refused.message
    assert intake.limited(post_from("203.0.113.8"), world.building2.pk) is None


def test_an_exempt_client_is_never_refused(world, no_exemptions):
    no_exemptions.RATE_LIMITS = {"ask_client": (1, HOUR)}
    no_exemptions.RATE_LIMIT_EXEMPT = ["127.0.0.1"]
    receive(world, client="127.0.0.1")
    receive(world, client="127.0.0.1")
    assert intake.limited(post_from("127.0.0.1"), world.building.pk) is None
    assert intake.limited(post_from("203.0.113.5"), world.building.pk) is None


def test_rules_are_read_again_when_a_new_version_is_saved(world):
    rules = current_rules(world.community.pk)
    assert placing.rules_for(world.community.pk).category("hardship") is not None
    trimmed = rules.to_json()
    trimmed["categories"] = [c for c in trimmed["categories"] if c["code"] != "hardship"]
    save_rules(world.community.pk, rules.__class__.from_json(trimmed))
    assert placing.rules_for(world.community.pk).category("hardship") is None


def test_the_admins_queue_shows_the_submissions_that_could_not_be_placed(world, login):
    rules = current_rules(world.community.pk)
    broken = receive(world, category_code="hardship", description="老人家里没米了")
    save_rules(
        world.community.pk,
        rules.__class__.from_json(
            {**rules.to_json(), "categories": [c for c in rules.to_json()["categories"] if c["code"] != "hardship"]}
        ),
    )
    intake.drain()
    page = login(world.admin).get("/c/xihu/requests/").content.decode()
    assert "有 1 条点单已收到但未能登记" in page and "老人家里没米了" in page and "请选择诉求类别" in page
    assert "未能登记" not in login(world.leader).get("/c/xihu/requests/").content.decode()  # the admin fixes it
    save_rules(world.community.pk, rules)
    Intake.objects.filter(pk=broken.pk).update(retry_at=timezone.now())
    intake.drain()
    assert "未能登记" not in login(world.admin).get("/c/xihu/requests/").content.decode()
