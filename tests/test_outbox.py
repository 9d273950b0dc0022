"""The notification outbox: written with the change, sent after commit, retried with backoff until
sent (never lost), through the in-app inbox, email, a WeCom robot webhook and the SMS adapter."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from loudong.notify import outbox
from loudong.notify.models import GroupRobot, Notification, OutboxMessage


class FlakySms:
    """An SMS adapter that fails twice, then delivers."""

    calls: list[tuple[str, str]] = []
    failures_left = 2

    def send(self, phone: str, text: str) -> None:
        FlakySms.calls.append((phone, text))
        if FlakySms.failures_left:
            FlakySms.failures_left -= 1
            raise ConnectionError("短信网关超时")


@pytest.fixture
def flaky_sms(settings):
    settings.LOUDONG_SMS_BACKEND = "test_outbox.FlakySms"
    FlakySms.calls = []
    FlakySms.failures_left = 2
    return FlakySms


class RobotHandler(BaseHTTPRequestHandler):
    answers: list[tuple[int, dict]] = []
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the standard library's name
        length = int(self.headers["Content-Length"])
        RobotHandler.received.append(json.loads(self.rfile.read(length)))
        status, body = RobotHandler.answers.pop(0) if RobotHandler.answers else (200, {"errcode": 0})
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robot_server():
    server = HTTPServer(("127.0.0.1", 0), RobotHandler)
    RobotHandler.received = []
    RobotHandler.answers = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test"
    server.shutdown()
    server.server_close()


def test_a_message_exists_only_if_the_change_committed(world):
    try:
        with transaction.atomic():
            outbox.notify_users([world.leader], "新的点单")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert OutboxMessage.objects.count() == 0


def test_in_app_messages_are_delivered_right_after_commit_and_only_then(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.notify_users([world.leader, world.leader, world.volunteer], "新的点单", "环城北路93号", "/inbox/")
        assert Notification.objects.count() == 0
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["leader", "volunteer"]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_a_failing_channel_is_retried_with_growing_backoff_until_it_succeeds(world, flaky_sms):
    [message] = outbox.notify_phone("13700137000", "您的诉求已办理", url="/ask/t/abc/")
    start = timezone.now()
    assert outbox.send_due(start) == 0
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)
    assert "短信网关超时" in message.last_error
    first_wait = message.next_attempt_at - start
    assert outbox.send_due(start + timedelta(seconds=5)) == 0  # not yet time to retry
    assert outbox.send_due(message.next_attempt_at) == 0  # second failure
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - start > first_wait * 2
    assert outbox.send_due(message.next_attempt_at) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 3, "")
    assert len(flaky_sms.calls) == 3
    assert "http://127.0.0.1:8000/ask/t/abc/" in flaky_sms.calls[-1][1]
    assert outbox.send_due(message.next_attempt_at + timedelta(days=1)) == 0  # sent once


def test_backoff_doubles_and_is_capped_so_retries_never_stop():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(40) == timedelta(hours=6)


def test_wecom_robot_gets_json_and_a_server_error_is_retried(world, robot_server):
    GroupRobot.objects.create(community=world.community, group=world.group, name="93号楼微信群", url=robot_server)
    GroupRobot.objects.create(community=world.community, group=world.group, name="停用", url=robot_server, active=False)
    RobotHandler.answers = [(500, {"errcode": -1}), (200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    [message] = outbox.notify_robot(
        world.community.pk,
        world.group.pk,
        "点单超期督办：20261123-1-0001",
        "环城北路93号 · 政策咨询",
        url="/c/xihu/requests/1/",
    )
    now = timezone.now()
    outbox.send_due(now)
    message.refresh_from_db()
    assert message.attempts == 1 and "500" in message.last_error
    outbox.send_due(message.next_attempt_at)
    message.refresh_from_db()
    assert message.attempts == 2 and "45009" in message.last_error
    assert outbox.send_due(message.next_attempt_at) == 1
    body = RobotHandler.received[-1]
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith("点单超期督办：20261123-1-0001")
    assert "http://127.0.0.1:8000/c/xihu/requests/1/" in body["text"]["content"]
    assert len(RobotHandler.received) == 3


def test_unreachable_webhook_is_kept_for_later(world):
    GroupRobot.objects.create(community=world.community, name="社区群", url="http://127.0.0.1:9/none")
    [message] = outbox.notify_robot(world.community.pk, None, "测试")
    assert outbox.send_due() == 0
    message.refresh_from_db()
    assert message.state == "pending" and message.attempts == 1 and message.last_error


def test_email_goes_through_the_django_email_backend(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.admin.email = "shuji@example.org"
    world.admin.save()
    outbox.notify_users([world.admin], "点单超期，请社区督办", "环城北路93号")
    assert outbox.send_due() == 2  # the inbox and the email
    assert mail.outbox[0].to == ["shuji@example.org"]
    assert "点单超期" in mail.outbox[0].subject


def test_delivering_the_same_in_app_message_twice_adds_one_inbox_row(world):
    [message] = outbox.notify_users([world.leader], "新的点单")
    from loudong.notify.channels import send_inapp

    send_inapp(message)
    send_inapp(message)
    assert Notification.objects.filter(user=world.leader).count() == 1


def test_a_message_claimed_by_one_worker_is_not_sent_by_another(world, flaky_sms):
    flaky_sms.failures_left = 0
    [message] = outbox.notify_phone("13700137000", "测试")
    stale_copy = OutboxMessage.objects.get(pk=message.pk)
    assert outbox.send_one(message) is True
    assert outbox.send_one(stale_copy) is False
    assert len(flaky_sms.calls) == 1


def test_inbox_lists_own_messages_and_opening_one_marks_it_read(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.notify_users([world.leader], "新的点单：1", "学宫巷", url="/c/xihu/requests/")
        outbox.notify_users([world.volunteer], "别人的消息")
    client = login(world.leader)
    page = client.get("/inbox/").content.decode()
    assert "新的点单：1" in page and "别人的消息" not in page and "1 条未读" in page
    mine = Notification.objects.get(user=world.leader)
    response = client.get(f"/inbox/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/c/xihu/requests/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    other = Notification.objects.get(user=world.volunteer)
    assert client.get(f"/inbox/{other.pk}/").status_code == 404


def test_marking_all_read(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.notify_users([world.leader], "一")
        outbox.notify_users([world.leader], "二")
    client = login(world.leader)
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=world.leader, read_at__isnull=True).exists()


def test_inbox_needs_a_login(client):
    assert client.get("/inbox/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_deliveries_from_the_database_queue(settings, flaky_sms):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    flaky_sms.failures_left = 0
    with transaction.atomic():
        [message] = outbox.notify_phone("13700137000", "您的诉求已办理")
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    call_command("worker", "--once")
    message.refresh_from_db()
    assert message.state == "sent" and len(flaky_sms.calls) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
