"""/healthz: the database answers and a `loudong worker` was seen lately, or 503 naming what fails."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from loudong.accounts.models import AuditEntry
from loudong.worker import heartbeat
from loudong.worker.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_once_a_worker_has_run(client):
    call_command("worker", once=True)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body.pop("worker_seen_seconds_ago") < 60  # the round's jobs ran after its beat
    assert body == {"database": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert AuditEntry.objects.count() == 0


def test_healthz_answers_503_when_the_database_answers_but_no_worker_ever_ran(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["worker"] == "missing"
    assert "后台进程" in response.json()["detail"]


def test_healthz_answers_503_when_the_last_worker_was_seen_too_long_ago(client, settings):
    heartbeat.beat("node1:4242", timezone.now() - timedelta(hours=1), now=timezone.now() - timedelta(seconds=200))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["worker"] == "stale"
    assert 199 <= response.json()["worker_seen_seconds_ago"] <= 202
    assert "上限 180 秒" in response.json()["detail"]

    settings.HEALTH_WORKER_MAX_AGE = 300
    assert client.get("/healthz").status_code == 200


def test_the_freshest_of_several_workers_counts(client):
    now = timezone.now()
    heartbeat.beat("node1:1", now - timedelta(hours=2), now=now - timedelta(hours=1))
    heartbeat.beat("node2:2", now - timedelta(hours=2), now=now - timedelta(seconds=5))

    assert client.get("/healthz").json()["worker"] == "ok"


def test_healthz_is_answered_over_plain_http_when_the_site_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    call_command("worker", once=True)

    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_a_worker_beats_once_per_process_and_stopped_workers_are_cleaned_after_a_day():
    call_command("worker", once=True)
    call_command("worker", once=True)
    assert Heartbeat.objects.count() == 1  # same process: the same row moved forward
    heartbeat.beat("gone:1", timezone.now(), now=timezone.now() - timedelta(days=2))

    assert heartbeat.clean() == 1
    assert list(Heartbeat.objects.values_list("worker", flat=True)) == [heartbeat.worker_name()]


def test_healthz_answers_503_when_the_database_does_not_answer():
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, json.dumps(r.json(), ensure_ascii=False))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:18199/loudong_queues_absent",
        "LOUDONG_SECRET_KEY": "test-suite-only-0000",
    }
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)

    assert out.stdout.startswith("503 "), out.stderr
    assert '"database": "error"' in out.stdout
    assert "数据库无法连接" in out.stdout
