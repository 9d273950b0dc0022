"""Who the client is: one reader of the address, trusting X-Forwarded-For only as far as our own
proxies wrote it (PROXY_HOPS, default none), for the rate limits, the public form's intake rows, the
audit log and the login lockout alike; and a form page is good for one submission only."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core import signing
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from helpers.public_request import hidden, old_start, screen1, submit
from test_request_public import refused_again

import loudong
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.lib.clients import client_ip
from loudong.tickets.forms_public import PAGE_LIFETIME
from loudong.tickets.intake import ALREADY_RECEIVED, drain, purge
from loudong.tickets.models import Intake


@pytest.fixture(autouse=True)
def _no_exemptions(settings, monkeypatch, tmp_path):
    monkeypatch.delenv("LOUDONG_RATE_LIMIT_EXEMPT", raising=False)
    settings.RATE_LIMIT_EXEMPT = []
    settings.MEDIA_ROOT = tmp_path / "media"


def from_address(remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_proxies_the_header_is_ignored_whoever_sends_it():
    assert client_ip(from_address("127.0.0.1", "198.51.100.7")) == "127.0.0.1"
    assert client_ip(from_address("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    assert client_ip(from_address("::ffff:203.0.113.5")) == "203.0.113.5"


def test_behind_one_proxy_the_rightmost_entry_is_the_client_whatever_it_prepended(settings):
    settings.PROXY_HOPS = 1
    assert client_ip(from_address("127.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(from_address("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(from_address("127.0.0.1")) == "127.0.0.1"  # reached directly, no header
    assert client_ip(from_address("127.0.0.1", "not-an-address")) == "127.0.0.1"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.PROXY_HOPS = 2
    assert client_ip(from_address("10.0.0.3", "6.6.6.6, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"
    assert client_ip(from_address("10.0.0.3", "198.51.100.8")) == "198.51.100.8"  # skipped the outer one


def test_a_client_rotating_the_header_is_still_one_client_on_the_public_form(client, world, settings):
    settings.RATE_LIMITS = {"ask_client": (2, 3600)}
    answers = []
    for number in range(3):
        page = screen1(client, world)
        data = {
            **hidden(page),
            "step": "2",
            "description": "楼道里堆满了纸箱",
            "contact_name": "王阿姨",
            "contact_phone": "13512345678",
            "started": old_start(),
        }
        answers.append(client.post("/ask/place/", data, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code)
    assert answers == [302, 302, 429]
    assert set(Intake.objects.values_list("client", flat=True)) == {"127.0.0.1"}


def test_the_audit_log_does_not_take_an_address_from_anyone(world, settings):
    record(from_address("203.0.113.5", "10.9.8.7"), "view", world.liu, actor=world.admin)
    settings.PROXY_HOPS = 1
    record(from_address("127.0.0.1", "10.9.8.7, 203.0.113.9"), "view", world.liu, actor=world.admin)
    assert list(AuditEntry.objects.order_by("id").values_list("ip", flat=True)) == ["203.0.113.5", "203.0.113.9"]


def test_the_login_lockout_counts_the_same_address(client, world):
    client.post(
        reverse("login"),
        {"username": "volunteer", "password": "wrong-password"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="10.9.8.7",
    )
    assert AccessAttempt.objects.get(username="volunteer").ip_address == "203.0.113.5"


def test_only_one_module_reads_the_address_headers():
    root = Path(loudong.__file__).parent
    readers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if {"HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"} & set(path.read_text(encoding="utf-8").split('"'))
    )
    assert readers == ["lib/clients.py"]


def test_a_form_page_is_good_for_one_submission_only(client, world):
    page = screen1(client, world)
    started = old_start()
    first = submit(client, page, started=started)
    assert first.status_code == 302
    # Sent again from another browser (a replay): refused, nothing kept.
    replayed = refused_again(other := Client(), submit(other, page, started=started))
    assert replayed.status_code == 200 and ALREADY_RECEIVED in replayed.content.decode()
    # A second tap in the same browser: its own receipt again, nothing kept either.
    assert submit(client, page, started=started)["Location"] == first["Location"]
    assert Intake.objects.count() == 1
    assert submit(client, screen1(client, world), started=old_start()).status_code == 302  # a new page may


def test_a_form_page_expires_before_its_submission_is_forgotten(client, world):
    page = screen1(client, world)
    opened = time.time() - PAGE_LIFETIME.total_seconds() - 60

    class SignedThen(signing.TimestampSigner):  # what start_token() signed when the page opened
        def timestamp(self) -> str:
            return signing.b62_encode(int(opened))

    stale = SignedThen(salt="ask.started").sign_object(opened)
    refused = refused_again(client, submit(client, page, started=stale))
    assert refused.status_code == 200 and "页面停留太久或已过期" in refused.content.decode()
    assert not Intake.objects.exists()
    assert submit(client, page, started=old_start()).status_code == 302
    drain()
    row = Intake.objects.get()
    Intake.objects.filter(pk=row.pk).update(received_at=timezone.now() - timedelta(hours=2))
    assert purge(timedelta(hours=1)) == 0  # its page could still be sent again: the row stays
    Intake.objects.filter(pk=row.pk).update(received_at=timezone.now() - PAGE_LIFETIME - timedelta(minutes=1))
    assert purge(timedelta(hours=1)) == 1
