"""Signed-in sessions end after an idle time and at the latest some hours after the login (等保 2.0
身份鉴别: 登录连接超时自动退出).

Settings (read at request time): SESSION_IDLE_MINUTES (env LOUDONG_SESSION_IDLE_MINUTES, default 30)
and SESSION_MAX_HOURS (env LOUDONG_SESSION_MAX_HOURS, default 12). Every signed-in account holds a
role (staff, overseers, resident accounts); residents who use the public pages have no account and
no session to end.

The session keeps two times, seconds since the epoch: when the user logged in and when they were last
seen. The last-seen time is written at most once a minute, so most requests do not save the session.
A session that ends is logged out and the browser is sent to the login page with a message (htmx
requests are told to go there with HX-Redirect), and back to the page it asked for after the login.
A call of the JSON API (the web app's) is answered as from a visitor who is not logged in.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from loudong.accounts.models import User

LOGIN_AT = "loudong_login_at"
SEEN_AT = "loudong_seen_at"
TOUCH_EVERY = 60  # seconds
API_PATH = "/api/"
IDLE_MESSAGE = "您已较长时间未操作，请重新登录"
MAX_MESSAGE = "登录时间已较长，为了安全请重新登录"


def start(session: SessionBase, now: float | None = None) -> None:
    """Mark the session as logged in now."""
    now = time.time() if now is None else now
    session[LOGIN_AT] = session[SEEN_AT] = now


def mark_login(sender: type, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """user_logged_in: a browser login starts the clocks (an API token request has no login session)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        start(session)


def expiry(session: SessionBase, now: float | None = None) -> str | None:
    """Why the session has ended (the message to show), or None while it lasts; touches last-seen."""
    now = time.time() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        start(session, now)  # signed in before these limits were kept: count from now
        return None
    if now - login_at > settings.SESSION_MAX_HOURS * 3600:
        return MAX_MESSAGE
    if now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
        return IDLE_MESSAGE
    if now - seen_at >= TOUCH_EVERY:
        session[SEEN_AT] = now
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (reason := expiry(request.session)):
            if not request.path.startswith(API_PATH):
                return self.end(request, reason)
            # The web app's API call is answered in JSON as from a visitor not logged in (401).
            logout(request)
            messages.warning(request, reason)
        return self.get_response(request)

    @staticmethod
    def end(request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        messages.warning(request, reason)
        if request.headers.get("HX-Request"):  # a fragment: the whole page goes to the login
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        if request.method != "GET":  # a form's post cannot be replayed after the login
            return redirect(settings.LOGIN_URL)
        return redirect_to_login(request.get_full_path())
