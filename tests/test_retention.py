"""Retention: finished requests' contact fields are anonymised after three years; sent messages, read
inbox messages, idempotency keys and placed intake rows are deleted after their limits. Each kind is
checked a minute on either side of its limit; every run is audited; the figures do not move; a dry
run changes nothing."""

import io
from datetime import datetime, timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from helpers.stats_history import NOV, NOW, build_history

from loudong.accounts import retention
from loudong.accounts.models import AuditEntry
from loudong.api.idempotency import RULES as API_RULES
from loudong.api.models import IdempotencyRecord
from loudong.lib.shanghai import SHANGHAI
from loudong.notify.models import Notification, OutboxMessage
from loudong.notify.retention import RULES as MESSAGE_RULES
from loudong.stats.compute import figures
from loudong.stats.scope import Scope
from loudong.tickets import actions, intake
from loudong.tickets.models import ANONYMISED, Intake, Request, Status, Supporter
from loudong.tickets.retention import CONTACT_RULE, anonymise_contact
from loudong.worker import jobs

MINUTE = timedelta(minutes=1)
THREE_YEARS = timedelta(days=1095)
NINETY_DAYS = timedelta(days=90)
FINISHED = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
T0 = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)


def place(world, when: datetime = T0, **fields: object) -> Request:
    return actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        household=world.household,
        resident=world.liu,
        room="301",
        category_code="policy",
        description="楼道灯坏了",
        contact_name="刘光前",
        contact_phone="13800138000",
        now=when,
        **fields,
    )


def closed(world, when: datetime = T0) -> Request:
    """Placed, done and confirmed 满意 within the hour: finished at `when`."""
    req = place(world, when - timedelta(hours=1))
    actions.dispatch(req, world.wang_member, by=world.leader, now=when - timedelta(minutes=50))
    actions.accept(req, by=world.volunteer, now=when - timedelta(minutes=40))
    actions.resolve(req, by=world.volunteer, resolution="offline", reply="修好了", minutes=20, now=when - MINUTE)
    return actions.confirm(req, "satisfied", now=when)


def contact(req: Request) -> tuple:
    req.refresh_from_db()
    return req.contact_name, req.contact_phone, req.room, req.household_id, req.resident_id


def entries(object_type: str) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(object_type=object_type, actor=None)
        .order_by("pk")
        .values_list("action", "community_id", "detail")
    )


# Finished requests' contact fields --------------------------------------------------------------


def test_a_finished_request_keeps_its_contact_until_three_years_after_it_was_finished(world):
    req = closed(world)
    kept = contact(req)
    assert kept == ("刘光前", "13800138000", "301", world.household.pk, world.liu.pk)
    assert retention.run(CONTACT_RULE, now=T0 + THREE_YEARS - MINUTE).count == 0
    assert contact(req) == kept
    assert retention.run(CONTACT_RULE, now=T0 + THREE_YEARS + MINUTE).count == 1
    assert contact(req) == (ANONYMISED, "", "", None, None)
    # What the figures count stays.
    assert (req.status, req.category_code, req.building_id, req.stairwell_id, req.rating) == (
        Status.CLOSED, "policy", world.building.pk, world.stairwell.pk, "satisfied",
    )  # fmt: skip
    assert (req.assignee_id, req.closed_at, req.resolution) == (world.wang_member.pk, T0, "offline")


def test_rejected_and_merged_requests_are_finished_too_but_open_ones_are_never_anonymised(world):
    rejected = place(world)
    actions.reject(rejected, by=world.leader, reason="属于物业", now=T0)
    target = place(world)
    merged = place(world)
    actions.merge(merged, target, by=world.leader, now=T0)
    waiting = place(world, T0 - timedelta(days=2000))  # placed long ago and still open
    assert retention.run(CONTACT_RULE, now=T0 + THREE_YEARS + MINUTE).count == 2
    assert contact(rejected)[:2] == contact(merged)[:2] == (ANONYMISED, "")
    assert contact(target)[:2] == contact(waiting)[:2] == ("刘光前", "13800138000")


def test_the_phones_of_neighbours_who_joined_a_finished_request_go_with_it(world):
    req = place(world, scope="shared")
    Supporter.objects.create(request=req, contact_phone="13912345678", tracking_token="t1", created_at=T0)
    actions.reject(req, by=world.leader, reason="重复", now=T0)
    other = closed(world, T0 + timedelta(days=10))  # finished later: inside the limit
    Supporter.objects.create(request=other, contact_phone="13987654321", tracking_token="t2", created_at=T0)
    retention.run(CONTACT_RULE, now=T0 + THREE_YEARS + MINUTE)
    assert sorted(Supporter.objects.values_list("tracking_token", "contact_phone")) == [
        ("t1", ""),
        ("t2", "13987654321"),
    ]


def test_anonymise_contact_takes_a_queryset_or_ids_and_is_set_based(world, django_assert_num_queries):
    first, second = place(world), place(world)
    with django_assert_num_queries(2):  # the supporters' phones, then the requests: two UPDATEs
        assert anonymise_contact(Request.objects.filter(pk=first.pk)) == 1
    assert anonymise_contact([second.pk]) == 1
    assert contact(first)[:2] == contact(second)[:2] == (ANONYMISED, "")


def test_the_figures_are_the_same_before_and_after_the_contacts_are_anonymised(world):
    build_history(world)
    scopes = [Scope.for_community("xihu"), Scope.for_group(world.group), Scope("district", world.district.pk, "石鼓区")]
    before = [figures(scope, NOV, now=NOW) for scope in scopes]
    finished = Request.objects.filter(status__in=[Status.CLOSED, Status.REJECTED, Status.MERGED])
    assert finished.count() == 8 and finished.filter(contact_phone="13700137000").count() == 8
    assert retention.run(CONTACT_RULE, now=NOW + THREE_YEARS).count == 8
    assert finished.filter(contact_name=ANONYMISED, contact_phone="").count() == 8
    assert [figures(scope, NOV, now=NOW) for scope in scopes] == before


def test_a_district_backlog_goes_in_batches(world, monkeypatch):
    for _ in range(5):
        closed(world)
    monkeypatch.setattr(retention, "BATCH", 2)
    assert retention.run(CONTACT_RULE, now=T0 + THREE_YEARS + MINUTE).count == 5
    assert Request.objects.filter(contact_name=ANONYMISED).count() == 5
    assert entries("request") == [("update", world.community.pk, {"条数": 5, "保留期限": "1095 天"})]


# Messages -----------------------------------------------------------------------------------------


def message(sent_at: datetime | None, **fields: object) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS,
        address="13800138000",
        title="您的点单已办结",
        state=OutboxMessage.State.SENT if sent_at else OutboxMessage.State.PENDING,
        sent_at=sent_at,
        created_at=T0 - timedelta(days=400),
        **fields,
    )


def test_sent_messages_go_ninety_days_after_sending_and_unsent_ones_stay(world):
    outside = message(T0 - NINETY_DAYS - MINUTE, community=world.community)
    inside = message(T0 - NINETY_DAYS + MINUTE, community=world.community)
    unsent = message(None, community=world.community, attempts=40, last_error="短信网关无响应")
    assert retention.run(MESSAGE_RULES[0], now=T0).count == 1
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == sorted([inside.pk, unsent.pk])
    assert outside.pk not in OutboxMessage.objects.values_list("pk", flat=True)
    assert entries("outboxmessage") == [("delete", world.community.pk, {"条数": 1, "保留期限": "90 天"})]


def test_read_inbox_messages_go_ninety_days_after_reading_and_unread_ones_stay(world):
    def inbox(read_at: datetime | None) -> Notification:
        return Notification.objects.create(
            user=world.volunteer, community=world.community, title="新派单", created_at=T0 - timedelta(days=400),
            read_at=read_at,
        )  # fmt: skip

    inbox(T0 - NINETY_DAYS - MINUTE)
    inside, unread = inbox(T0 - NINETY_DAYS + MINUTE), inbox(None)
    assert retention.run(MESSAGE_RULES[1], now=T0).count == 1
    assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted([inside.pk, unread.pk])


# Idempotency keys and intake rows -----------------------------------------------------------------


def test_idempotency_keys_and_placed_intake_rows_go_after_their_window_and_waiting_rows_stay(world, settings):
    settings.IDEMPOTENCY_TTL_HOURS = 24
    now = timezone.now()
    for key, age in (("outside", timedelta(hours=24) + MINUTE), ("inside", timedelta(hours=24) - MINUTE)):
        IdempotencyRecord.objects.create(owner="user:1", key=key, method="POST", path="/", body_hash="x")
        IdempotencyRecord.objects.filter(key=key).update(created_at=now - age)
        intake.receive(
            community_id=world.community.pk, building_id=world.building.pk, category_code="policy", kind="help",
            channel="qr", description=key, contact_phone="13800138000",
        )  # fmt: skip
        Intake.objects.filter(description=key).update(received_at=now - age)
    intake.drain()
    waiting = intake.receive(
        community_id=world.community.pk, building_id=world.building.pk, category_code="nothing-like-it",
        kind="help", channel="qr", description="类别已删除", contact_phone="13800138000",
    )  # fmt: skip
    intake.drain()  # it cannot be placed: it waits, with its error, however old
    Intake.objects.filter(pk=waiting.pk).update(received_at=now - timedelta(days=400))
    assert sum(retention.run(rule, now=now).count for rule in API_RULES) == 2
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["inside"]
    assert sorted(Intake.objects.values_list("description", flat=True)) == ["inside", "类别已删除"]
    assert entries("intake") == [("delete", world.community.pk, {"条数": 1, "保留期限": "24 小时"})]
    assert entries("idempotencyrecord") == [("delete", None, {"条数": 1, "保留期限": "24 小时"})]


def test_finished_tasks_go_after_their_days_and_waiting_or_running_ones_stay(world, settings):
    settings.TASK_RESULT_DAYS = 7
    now = timezone.now()
    ages = {
        TaskResultStatus.SUCCESSFUL: timedelta(days=7) + MINUTE,
        TaskResultStatus.FAILED: timedelta(days=30),
        TaskResultStatus.READY: timedelta(days=30),
        TaskResultStatus.RUNNING: timedelta(days=30),
    }
    for status, age in ages.items():
        DBTaskResult.objects.create(
            status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="loudong.notify.tasks.send_outbox",
            backend_name="default", run_after=now - age, finished_at=now - age if status in FINISHED else None,
        )  # fmt: skip
    kept = DBTaskResult.objects.create(
        status=TaskResultStatus.SUCCESSFUL, args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
        task_path="loudong.notify.tasks.send_outbox", run_after=now, finished_at=now - timedelta(days=7) + MINUTE,
    )  # fmt: skip

    assert retention.run(retention.TASK_RESULT_RULE, now=now).count == 2
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == sorted(
        [TaskResultStatus.READY, TaskResultStatus.RUNNING, kept.status]
    )
    assert entries("dbtaskresult") == [("delete", None, {"条数": 2, "保留期限": "7 天"})]
    settings.TASK_RESULT_DAYS = 1
    assert retention.run(retention.TASK_RESULT_RULE, now=now).count == 1


# The worker, the command, the audit log -----------------------------------------------------------


def test_each_rule_is_a_daily_worker_job(world):
    daily = {job.name for job in jobs.registered() if job.every == jobs.DAY}
    assert (
        daily
        == {rule.name for rule in retention.registered()}
        == {
            "request contact retention",
            "sent message retention",
            "read inbox retention",
            "idempotency retention",
            "intake retention",
            "task result retention",
        }
    )


def test_the_worker_anonymises_and_deletes_what_is_past_its_limit(world):
    req = closed(world, timezone.now() - THREE_YEARS - MINUTE)
    sent = message(timezone.now() - NINETY_DAYS - MINUTE)
    call_command("worker", "--once", stdout=io.StringIO())
    assert contact(req)[:2] == (ANONYMISED, "")
    assert not OutboxMessage.objects.filter(pk=sent.pk).exists()


def test_nothing_past_its_limit_writes_no_audit_entry(world):
    closed(world)
    assert retention.run(CONTACT_RULE, now=T0 + MINUTE).count == 0
    assert entries("request") == []


def test_the_audit_page_says_what_the_run_did(world, login):
    closed(world, timezone.now() - THREE_YEARS - MINUTE)
    retention.run(CONTACT_RULE)
    page = login(world.admin).get(reverse("audit", args=["xihu"]), {"action": "update"}).content.decode()
    assert "已办结点单的联系人信息" in page and "条数：1" in page and "1095 天" in page


def test_purge_dry_run_says_what_it_would_do_and_changes_nothing(world):
    req = closed(world, timezone.now() - THREE_YEARS - MINUTE)
    message(timezone.now() - NINETY_DAYS - MINUTE)
    message(None)
    audit_before, messages_before = AuditEntry.objects.count(), OutboxMessage.objects.count()
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    said = out.getvalue()
    assert "将匿名化 1 条已办结点单的联系人信息" in said
    assert "将删除 1 条已发送的消息" in said and "将删除 0 条审计日志" in said
    assert contact(req)[:2] == ("刘光前", "13800138000")
    assert OutboxMessage.objects.count() == messages_before and AuditEntry.objects.count() == audit_before

    out = io.StringIO()
    call_command("purge", stdout=out)
    assert "匿名化了 1 条已办结点单的联系人信息（保留期限 1095 天）" in out.getvalue()
    assert contact(req)[:2] == (ANONYMISED, "") and OutboxMessage.objects.count() == messages_before - 1
    assert entries("request") == [("update", world.community.pk, {"条数": 1, "保留期限": "1095 天"})]


def test_the_limits_come_from_the_settings(world, settings):
    settings.REQUEST_CONTACT_RETENTION_DAYS = 400
    req = closed(world)
    assert retention.run(CONTACT_RULE, now=T0 + timedelta(days=400) - MINUTE).count == 0
    assert retention.run(CONTACT_RULE, now=T0 + timedelta(days=400) + MINUTE).count == 1
    assert contact(req)[0] == ANONYMISED
