"""A crawl of the demo: anonymous visitors and every demo login follow each same-origin link and
`hx-get` from their home page, breadth first, and no page answers a server error (5xx).

Nothing is posted; logout and downloads (PDF, Excel, Word: by extension, by a `download` link or by
the content type answered) are skipped. The crawl is bounded per role, and a URL shape (its route
and query keys) is followed only a few times, so the crawl goes wide rather than deep.
"""

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from loudong.accounts.models import User
from loudong.community_life.activities.models import Activity
from loudong.demo.logins import DEMO_ACCOUNTS
from loudong.groups.models import BuildingGroup
from loudong.hours.models import Certificate
from loudong.registry.models import Building, Member
from loudong.tickets.models import Request

pytestmark = pytest.mark.django_db(transaction=False)

PAGES_PER_ROLE = 400
SAME_SHAPE = 3  # URLs of one route and the same query keys and words followed
SAME_ROUTE = 20  # URLs of one route followed, whatever their query
DOWNLOAD_SUFFIXES = (".pdf", ".xlsx", ".xls", ".docx", ".doc", ".csv", ".zip", ".png", ".jpg", ".svg")
DOWNLOAD_FORMATS = {"pdf", "xlsx", "xls", "docx", "csv"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once for this module and rolled back after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        with transaction.atomic():
            call_command("demo", stdout=StringIO())
            yield
            transaction.set_rollback(True)


class Links(HTMLParser):
    """Every `href` of a link and every `hx-get` on a page; links marked `download` are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []  # (url, asked by htmx)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append((attributes["href"], False))
        if attributes.get("hx-get"):
            self.links.append((attributes["hx-get"], True))


@dataclass
class Crawl:
    client: Client
    visited: int = 0
    errors: list[str] = field(default_factory=list)
    shapes: Counter = field(default_factory=Counter)
    routes: Counter = field(default_factory=Counter)
    download_routes: set[str] = field(default_factory=set)

    def run(self, starts: list[str]) -> "Crawl":
        queue: deque[tuple[str, bool, str]] = deque((url, False, "(start)") for url in starts)
        seen = {(url, False) for url in starts}
        while queue and self.visited < PAGES_PER_ROLE:
            url, htmx, referrer = queue.popleft()
            if not self.worth_following(url, htmx):
                continue
            response = self.get(url, htmx)
            if response.status_code >= 500:
                exc = getattr(response, "exc_info", None)
                self.errors.append(f"{response.status_code} {url} (from {referrer}): {exc[1]!r}" if exc else url)
                continue
            for link, by_htmx in self.links_of(response):
                target = same_origin_path(urljoin(url, link))
                if target and (target, by_htmx) not in seen and not skipped(target):
                    seen.add((target, by_htmx))
                    queue.append((target, by_htmx, url))
        return self

    def worth_following(self, url: str, htmx: bool) -> bool:
        route, shape = url_shape(url)
        if route in self.download_routes or self.routes[route] >= SAME_ROUTE:
            return False
        if self.shapes[(shape, htmx)] >= SAME_SHAPE:
            return False
        self.routes[route] += 1
        self.shapes[(shape, htmx)] += 1
        return True

    def get(self, url: str, htmx: bool) -> HttpResponse:
        """One GET, in a savepoint rolled back after it: what a page writes (an audit entry for a
        full phone number shown) does not change the pages after it, and on PostgreSQL a failed
        statement does not abort the crawl."""
        self.visited += 1
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            response = self.client.get(url, headers=headers)
            transaction.set_rollback(True)
        if response.status_code < 300 and not is_page(response):
            self.download_routes.add(url_shape(url)[0])
        return response

    def links_of(self, response: HttpResponse) -> list[tuple[str, bool]]:
        if response.status_code in (301, 302, 303, 307, 308):
            return [(response["Location"], False)]
        if response.status_code >= 300 or not is_page(response):
            return []
        parser = Links()
        parser.feed(response.content.decode())
        return parser.links


def is_page(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and not response.get("Content-Disposition")


def same_origin_path(url: str) -> str | None:
    parts = urlsplit(url)
    ours = {"", "testserver", urlsplit(settings.PUBLIC_URL).netloc}
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ours:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def skipped(path: str) -> bool:
    parts = urlsplit(path)
    if "logout" in parts.path or parts.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return True
    if parts.path.lower().endswith(DOWNLOAD_SUFFIXES):
        return True
    return any(value.lower() in DOWNLOAD_FORMATS or key in DOWNLOAD_FORMATS for key, value in parse_qsl(parts.query))


def url_shape(url: str) -> tuple[str, tuple]:
    """The route a URL resolves to, and that route with its query keys and their non-numeric values."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    query = tuple(sorted((k, "#" if v.isdigit() else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    return route, (route, query)


def public_starts() -> list[str]:
    """Where an anonymous visitor arrives: the login page and what the printed QR codes lead to."""
    starts = [
        "/",
        reverse("ask:group", args=[BuildingGroup.objects.order_by("pk").first().pk]),
        reverse("ask:building", args=[Building.objects.order_by("pk").first().pk]),
        reverse("ask:member", args=[Member.objects.order_by("pk").first().pk]),
        reverse("activity_signin:signin", args=[Activity.objects.order_by("pk").first().signin_token]),
    ]
    for status in Request.Status.values:
        token = Request.objects.filter(status=status).values_list("tracking_token", flat=True).first()
        if token:
            starts.append(reverse("ask:track", args=[token]))
    certificate = Certificate.objects.order_by("pk").first()
    if certificate:
        starts.append(reverse("hours:verify", args=[certificate.community.code, certificate.token]))
    return starts


@pytest.mark.parametrize("username", [None] + [username for username, _ in DEMO_ACCOUNTS])
def test_no_page_a_demo_visitor_can_reach_answers_a_server_error(demo, username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    crawl = Crawl(client).run(["/"] if username else public_starts())
    assert crawl.visited >= 3, "the crawl barely started"
    assert crawl.errors == []
