"""Rate limits per client and per building: database counters shared by every app process."""

import json
import threading

import pytest
from django.db import connection
from django.test import RequestFactory

from loudong.accounts import ratelimit
from loudong.accounts.models import RateCounter
from loudong.accounts.ratelimit import check_rate, client_address, hit

HOUR = 3600
T0 = 1_800_000_000 - 1_800_000_000 % HOUR  # the start of an hour window


def post_from(address: str, **headers: str):
    return RequestFactory().post("/ask/x/", REMOTE_ADDR=address, **headers)


@pytest.fixture(autouse=True)
def _no_exemptions(settings, monkeypatch):
    monkeypatch.delenv("LOUDONG_RATE_LIMIT_EXEMPT", raising=False)
    settings.RATE_LIMIT_EXEMPT = []


def test_ten_submissions_an_hour_pass_and_the_eleventh_gets_429_in_chinese(db):
    for _ in range(10):
        assert check_rate(post_from("203.0.113.5"), building_id=1) is None
    refused = check_rate(post_from("203.0.113.5"), building_id=1)
    assert refused.status_code == 429
    assert "提交太频繁了" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= HOUR


def test_another_client_is_not_held_back_by_the_first(db):
    for _ in range(11):
        check_rate(post_from("203.0.113.5"), building_id=1)
    assert check_rate(post_from("203.0.113.6"), building_id=1) is None


def test_a_building_is_limited_across_clients(db, settings):
    settings.RATE_LIMITS = {"ask_building": (3, HOUR)}
    for n in range(3):
        assert check_rate(post_from(f"203.0.113.{n}"), building_id=7) is None
    refused = check_rate(post_from("203.0.113.99"), building_id=7)
    assert refused.status_code == 429 and "这栋楼" in refused.content.decode()
    assert check_rate(post_from("203.0.113.99"), building_id=8) is None


def test_a_client_over_its_limit_does_not_use_up_the_buildings_share(db, settings):
    settings.RATE_LIMITS = {"ask_client": (2, HOUR), "ask_building": (5, HOUR)}
    for _ in range(20):
        check_rate(post_from("203.0.113.5"), building_id=7)
    assert RateCounter.objects.get(scope="ask_building:7").hits == 2


def test_json_clients_get_the_refusal_as_json(db, settings):
    settings.RATE_LIMITS = {"ask_client": (1, HOUR)}
    check_rate(post_from("203.0.113.5"), building_id=None)
    refused = check_rate(post_from("203.0.113.5", HTTP_ACCEPT="application/json"), building_id=None)
    assert refused.status_code == 429 and "提交太频繁了" in json.loads(refused.content)["detail"]


def test_exempt_address_is_counted_like_any_other_but_never_limited(db, settings):
    """A load test from an exempt address pays what production pays: the counters are written."""
    settings.RATE_LIMIT_EXEMPT = ["127.0.0.1"]
    settings.RATE_LIMITS = {"ask_client": (1, HOUR), "ask_building": (2, HOUR)}
    assert all(check_rate(post_from("127.0.0.1"), building_id=1) is None for _ in range(5))
    assert RateCounter.objects.get(scope="ask_client:127.0.0.1").hits == 5
    assert RateCounter.objects.get(scope="ask_building:1").hits == 5


def test_exemption_can_come_from_the_environment(db, settings, monkeypatch):
    del settings.RATE_LIMIT_EXEMPT
    monkeypatch.setenv("LOUDONG_RATE_LIMIT_EXEMPT", "127.0.0.1, ::1")
    assert ratelimit.is_exempt(post_from("127.0.0.1"))
    assert not ratelimit.is_exempt(post_from("203.0.113.5"))


def test_hits_late_in_the_previous_window_still_count(db, settings):
    settings.RATE_LIMITS = {"ask_client": (10, HOUR)}
    for _ in range(10):
        assert hit("ask_client", "a", now=T0 + HOUR - 60) is None
    # One minute into the next hour almost all of the previous ten still weigh in.
    refused = hit("ask_client", "a", now=T0 + HOUR + 60)
    assert refused is not None and refused.retry_after > 60
    # Near the end of the next hour they have faded out.
    assert hit("ask_client", "a", now=T0 + 2 * HOUR - 60) is None


def test_old_counters_are_removed_when_a_new_window_starts(db):
    hit("ask_client", "old", now=T0)
    hit("ask_client", "new", now=T0 + 3 * 86400)
    assert list(RateCounter.objects.values_list("scope", flat=True)) == ["ask_client:new"]


def test_forwarded_address_is_read_only_as_far_as_our_proxies_wrote_it(settings):
    assert client_address(post_from("127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "127.0.0.1"
    settings.PROXY_HOPS = 1
    assert client_address(post_from("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")) == "198.51.100.7"


def test_an_ipv6_client_counts_as_its_network():
    first = client_address(post_from("2001:db8:1:2::10"))
    assert first == client_address(post_from("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64"


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_separate_connections_are_all_counted(settings):
    settings.RATE_LIMITS = {"ask_client": (1000, HOUR)}

    def worker() -> None:
        try:
            for _ in range(5):
                hit("ask_client", "shared", now=T0 + 10)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert RateCounter.objects.get(scope="ask_client:shared").hits == 40
