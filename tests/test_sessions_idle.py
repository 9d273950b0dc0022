"""Signed-in sessions end after 30 idle minutes and at the latest 12 hours after the login
(loudong.accounts.sessions). Time is moved by editing the times the session stores."""

import time

import pytest
from conftest import PASSWORD
from django.urls import reverse

from loudong.accounts import sessions
from loudong.accounts.sessions import IDLE_MESSAGE, LOGIN_AT, MAX_MESSAGE, SEEN_AT

HOME = "/c/xihu/"


@pytest.fixture
def signed_in(client, world):
    """The leader, logged in through the login page as a person would."""
    response = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert response.status_code == 302
    return client


def move_back(client, *, idle: float = 0, since_login: float = 0) -> None:
    """As if the last request was `idle` seconds ago and the login `since_login` seconds ago."""
    session = client.session
    now = time.time()
    session[SEEN_AT] = now - idle
    session[LOGIN_AT] = now - max(since_login, idle)
    session.save()


def test_the_login_starts_both_clocks(signed_in):
    session = signed_in.session
    assert abs(session[LOGIN_AT] - time.time()) < 60
    assert session[SEEN_AT] == session[LOGIN_AT]


def test_a_page_opened_within_the_idle_time_keeps_the_session_and_counts_as_activity(signed_in):
    move_back(signed_in, idle=29 * 60)
    assert signed_in.get(HOME).status_code == 200
    assert abs(signed_in.session[SEEN_AT] - time.time()) < 60
    assert signed_in.get(HOME).status_code == 200


def test_thirty_idle_minutes_log_out_and_the_login_page_says_why_and_returns_to_the_page(signed_in):
    move_back(signed_in, idle=31 * 60)
    response = signed_in.get(HOME + "requests/?status=open")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/c/xihu/requests/%3Fstatus%3Dopen"
    page = signed_in.get(response.url).content.decode()
    assert IDLE_MESSAGE in page
    assert "_auth_user_id" not in signed_in.session
    # Logged out for good: the next page asks to log in, without the message again.
    again = signed_in.get(HOME)
    assert again.status_code == 302 and again.url.startswith("/accounts/login/")
    assert IDLE_MESSAGE not in signed_in.get(again.url).content.decode()
    # And logging in again starts afresh.
    signed_in.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert signed_in.get(HOME).status_code == 200


def test_twelve_hours_after_the_login_end_the_session_however_active(signed_in):
    move_back(signed_in, idle=10, since_login=12 * 3600 + 60)
    response = signed_in.get(HOME)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert MAX_MESSAGE in signed_in.get(response.url).content.decode()


def test_eleven_hours_of_steady_work_are_fine(signed_in):
    move_back(signed_in, idle=5 * 60, since_login=11 * 3600 + 50 * 60)
    assert signed_in.get(HOME).status_code == 200


def test_the_last_seen_time_is_written_at_most_once_a_minute(signed_in):
    move_back(signed_in, idle=20)
    before = signed_in.session[SEEN_AT]
    signed_in.get(HOME)
    assert signed_in.session[SEEN_AT] == before  # not written: the session is not saved for it
    move_back(signed_in, idle=61)
    signed_in.get(HOME)
    assert time.time() - signed_in.session[SEEN_AT] < 10  # written: a minute had passed


def test_the_limits_come_from_the_settings(signed_in, settings):
    settings.SESSION_IDLE_MINUTES = 5
    move_back(signed_in, idle=6 * 60)
    assert signed_in.get(HOME).status_code == 302

    signed_in.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS = 30, 2
    move_back(signed_in, idle=60, since_login=2 * 3600 + 60)
    assert signed_in.get(HOME).status_code == 302


def test_an_htmx_request_sends_the_whole_page_to_the_login(signed_in):
    move_back(signed_in, idle=31 * 60)
    response = signed_in.get(reverse("registry:residents", args=["xihu"]), {"q": "刘"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_a_form_sent_after_the_idle_time_does_nothing_and_goes_to_the_login(signed_in, world):
    move_back(signed_in, idle=31 * 60)
    response = signed_in.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abc-Def-2026-xyz", "new_password2": "abc-Def-2026-xyz"},
    )
    assert response.status_code == 302 and response.url == "/accounts/login/"
    world.leader.refresh_from_db()
    assert world.leader.check_password(PASSWORD)


def test_a_session_from_before_the_limits_starts_counting_now(signed_in):
    session = signed_in.session
    del session[LOGIN_AT], session[SEEN_AT]
    session.save()
    assert signed_in.get(HOME).status_code == 200
    assert abs(signed_in.session[LOGIN_AT] - time.time()) < 60


def test_every_role_is_held_to_it_and_residents_without_an_account_are_untouched(client, world):
    for username in ("admin", "volunteer", "overseer", "resident"):
        client.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert "_auth_user_id" in client.session, username
        move_back(client, idle=31 * 60)
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), username
        assert "_auth_user_id" not in client.session
    # A resident with no account: the public form keeps no login clock and ends nothing.
    public = client.get(reverse("ask:building", args=[world.building.public_token]))
    assert public.status_code == 200
    assert LOGIN_AT not in client.session


def test_an_api_token_request_starts_no_session_clock(client, world):
    response = client.post(
        "/api/v1/auth/token", {"username": "leader", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    assert LOGIN_AT not in client.session


def test_the_session_clock_functions_decide_on_the_stored_times():
    session: dict = {}
    sessions.start(session, now=1000.0)
    assert sessions.expiry(session, now=1000.0 + 30 * 60) is None
    assert sessions.expiry(session, now=1000.0 + 61 * 60) == IDLE_MESSAGE
