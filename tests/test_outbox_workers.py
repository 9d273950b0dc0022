"""Several `loudong worker`s send one outbox backlog together: each sends a share, every message once,
to a real webhook server."""

import json
import threading
import time
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.utils import timezone
from helpers.worker import run_together

from loudong.notify.models import OutboxMessage

SEND = """
from loudong.notify.outbox import send_due
print(send_due(limit=100000))
"""


class Robot(BaseHTTPRequestHandler):
    received: list[str] = []
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802
        text = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["text"]["content"]
        time.sleep(0.005)  # a real robot takes a moment to answer
        with Robot.lock:
            Robot.received.append(text.splitlines()[0])
        body = b'{"errcode": 0}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robot():
    Robot.received = []
    for port in range(18150, 18200):  # this project's ports for the queues' tests
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Robot)
            break
        except OSError:
            continue
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_three_workers_share_an_outbox_backlog_and_send_every_message_once(world, robot, tmp_path):
    messages = 240
    due = timezone.now() - timedelta(minutes=1)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            channel=OutboxMessage.Channel.WECOM,
            community=world.community,
            address=robot,
            title=f"通知{n:03}",
            next_attempt_at=due,
        )
        for n in range(messages)
    )

    shares = [int(out.strip().splitlines()[-1]) for out in run_together(SEND, 3, tmp_path / "go")]

    assert sum(shares) == messages
    assert sorted(Counter(Robot.received).items()) == [(f"通知{n:03}", 1) for n in range(messages)]
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, attempts=1).count() == messages
    if connection.vendor == "postgresql":  # SQLite has one writer: whoever gets the lock may keep it
        assert all(share > 0 for share in shares), shares
    print(f"\nshares of {messages} messages among three workers ({connection.vendor}): {shares}")
