"""Rate limits per client and per building, shared by every app process through the database.

Each hit is one upsert on a counter row for (scope, fixed window); the decision uses the sliding
estimate `previous window x share of it still inside the last hour + current window`, so a burst at
a window boundary cannot double the limit.

Settings (all optional; defaults below):
    RATE_LIMITS = {"ask_client": (10, 3600), ...}   (hits, seconds) per limit name, merged over DEFAULTS
    RATE_LIMIT_EXEMPT = ["127.0.0.1"]                client addresses counted but never refused (load tests;
                                                     nor is their form page's second submission);
                                                     default: env LOUDONG_RATE_LIMIT_EXEMPT, comma-separated
The client is who loudong.lib.clients says (PROXY_HOPS decides how far X-Forwarded-For is read).

The public form's submissions are counted on their own intake rows instead (the same limits,
"ask_client" and "ask_building", over an exact sliding hour: loudong.tickets.intake.limited), so a
submission writes one row and nothing else; its photo uploads and "我也遇到" call
`check_rate(request, building_id)` before they save anything; Open311 calls `rate_limited(...)` and
words the refusal in its own error format.
"""

import ipaddress
import math
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from loudong.accounts.models import RateCounter
from loudong.lib.clients import client_ip

DEFAULTS: dict[str, tuple[int, int]] = {
    "ask_client": (10, 3600),  # public form: one phone or one address, per hour
    "ask_building": (60, 3600),  # public form: all submissions for one building, per hour
    "open311_client": (600, 3600),  # one Open311 key (a city's hotline forwards many), per hour
    "open311_building": (60, 3600),  # Open311 requests for one building, per hour
    "signin_client": (30, 3600),  # activity sign-in: one phone's address, per hour
    "signin_activity": (1000, 3600),  # all sign-ins of one activity, per hour
}
# Counter rows older than this are removed when a new window starts.
KEEP_SECONDS = 2 * 86400


@dataclass(frozen=True)
class Limit:
    hits: int
    seconds: int


@dataclass(frozen=True)
class RateLimited:
    """A refusal: which limit was reached and how long until the next try may pass."""

    name: str
    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        wait = f"{minutes} 分钟" if minutes < 60 else f"{math.ceil(minutes / 60)} 小时"
        if self.name.endswith("_building"):
            return f"这栋楼最近提交的点单太多，系统暂停接收，请 {wait}后再试。急事请直接联系楼栋党小组组长或社区。"
        return f"提交太频繁了，请 {wait}后再试。急事请直接联系楼栋党小组组长或社区。"


def limit(name: str) -> Limit:
    hits, seconds = {**DEFAULTS, **getattr(settings, "RATE_LIMITS", {})}[name]
    return Limit(int(hits), int(seconds))


def _exempt_addresses() -> set[str]:
    configured = getattr(settings, "RATE_LIMIT_EXEMPT", None)
    if configured is None:
        configured = os.environ.get("LOUDONG_RATE_LIMIT_EXEMPT", "").split(",")
    return {a.strip() for a in configured if a and a.strip()}


def client_address(request: HttpRequest) -> str:
    """The key a client is counted under: its address (loudong.lib.clients), an IPv6 client as its
    /64 network (one phone has many addresses)."""
    address = client_ip(request)
    if address is None:
        return "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def is_exempt(request: HttpRequest) -> bool:
    return client_address(request) in _exempt_addresses()


def _count(scope: str, window: int, previous_window: int) -> tuple[int, int]:
    """Add one hit to (scope, window); (this window's total, the previous window's). One statement,
    safe across processes."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, window_start, hits) VALUES (%s, %s, 1) "
            f"ON CONFLICT (scope, window_start) DO UPDATE SET hits = {table}.hits + 1 "
            f"RETURNING hits, (SELECT p.hits FROM {table} p WHERE p.scope = %s AND p.window_start = %s)",
            [scope, window, scope, previous_window],
        )
        current, previous = cursor.fetchone()
    return current, previous or 0


def hit(name: str, key: object, now: float | None = None) -> RateLimited | None:
    """Count one hit of `key` under limit `name`; a RateLimited when it goes over."""
    rule = limit(name)
    now = time.time() if now is None else now
    window = int(now // rule.seconds) * rule.seconds
    scope = f"{name}:{key}"[:120]
    current, previous = _count(scope, window, window - rule.seconds)
    if current == 1:
        RateCounter.objects.filter(window_start__lt=int(now) - max(KEEP_SECONDS, 2 * rule.seconds)).delete()
    elapsed = now - window
    estimate = previous * (1 - elapsed / rule.seconds) + current
    if estimate <= rule.hits:
        return None
    if current > rule.hits:
        retry_after = rule.seconds - elapsed  # wait for this window to end
    else:
        # Wait until the previous window's share has shrunk enough: previous * (1 - t / S) + current <= hits.
        retry_after = rule.seconds * (1 - (rule.hits - current) / previous) - elapsed
    return RateLimited(name, max(1, math.ceil(retry_after)))


def rate_limited(request: HttpRequest, prefix: str, client_key: object, building_id: int | None) -> RateLimited | None:
    """Check the client first and stop there if it is over, so one client's surplus cannot use up
    the building's share; then the building. An exempt client is counted like any other (so a load
    test pays what production pays) but never refused."""
    exempt = is_exempt(request)
    refused = hit(f"{prefix}_client", client_key)
    if (refused is None or exempt) and building_id is not None:
        refused = hit(f"{prefix}_building", building_id)
    return None if exempt else refused


def too_many(request: HttpRequest, refused: RateLimited) -> HttpResponse:
    """The 429 page for a person (phone-first, plain words); JSON for a client asking for JSON."""
    if "application/json" in request.headers.get("Accept", ""):
        from django.http import JsonResponse

        response = JsonResponse({"detail": refused.message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "accounts/ratelimit/429.html", {"message": refused.message}, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


def check_rate(request: HttpRequest, building_id: int | None) -> HttpResponse | None:
    """For the public form (/ask/...): None to go on, or the 429 response to return as it is.
    Call it on POST only, before anything is saved."""
    refused = rate_limited(request, "ask", client_address(request), building_id)
    return None if refused is None else too_many(request, refused)
