"""A crawl of the demo: anonymous visitors and every demo login follow each same-origin link and
`hx-get` from their home page, breadth first; no page answers a server error (5xx), and no label,
heading or button on the way is in English.

Nothing is posted; logout and downloads (PDF, Excel, Word: by extension, by a `download` link or by
the content type answered) are skipped. The crawl is bounded per role, and a URL shape (its route
and query keys) is followed only a few times, so the crawl goes wide rather than deep.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from helpers.demo import built_demo

from loudong.accounts.models import User
from loudong.community_life.activities.models import Activity
from loudong.demo.logins import DEMO_ACCOUNTS
from loudong.groups.models import BuildingGroup
from loudong.hours.models import Certificate
from loudong.registry.models import Building, Member
from loudong.tickets.models import Request

pytestmark = pytest.mark.django_db(transaction=False)

PAGES_PER_ROLE = 400
SAME_SHAPE = 2  # URLs of one shape followed: the same path and query but for their numbers
SAME_ROUTE = 10  # URLs of one route followed, whatever their path arguments and query
DOWNLOAD_SUFFIXES = (".pdf", ".xlsx", ".xls", ".docx", ".doc", ".csv", ".zip", ".png", ".jpg", ".svg")
DOWNLOAD_FORMATS = {"pdf", "xlsx", "xls", "docx", "csv"}
DIGITS = re.compile(r"\d+")
LABELS = {"label", "th", "dt", "legend", "summary", "button", "option", "h1", "h2", "h3", "a"}
ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]*\b")  # with a small letter: PDF and A4 are fine
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with built_demo(django_db_blocker):
        yield


class PageReader(HTMLParser):
    """Every `href` of a link and every `hx-get` on a page (links marked `download` are left out),
    and the words of its labels, headings and buttons that are English, not Chinese."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []  # (url, asked by htmx)
        self.english: list[str] = []
        self.open_labels: list[str] = []  # the text of each label-like element being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append((attributes["href"], False))
        if attributes.get("hx-get"):
            self.links.append((attributes["hx-get"], True))
        if tag in LABELS:
            self.open_labels.append("")

    def handle_data(self, data: str) -> None:
        if self.open_labels:
            self.open_labels[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in LABELS and self.open_labels:
            text = " ".join(self.open_labels.pop().split())
            if ENGLISH_WORD.search(text) and not CJK.search(text):
                self.english.append(f"<{tag}>{text}</{tag}>")


@dataclass
class Crawl:
    client: Client
    visited: int = 0
    errors: list[str] = field(default_factory=list)
    english: set[str] = field(default_factory=set)  # labels in English, with the page showing them
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
            for link, by_htmx in self.read(url, response):
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

    def read(self, url: str, response: HttpResponse) -> list[tuple[str, bool]]:
        """The links to follow from a response; English labels on the way are noted."""
        if response.status_code in (301, 302, 303, 307, 308):
            return [(response["Location"], False)]
        if response.status_code >= 300 or not is_page(response):
            return []
        reader = PageReader()
        reader.feed(response.content.decode())
        self.english |= {f"{text} on {url_shape(url)[0]}" for text in reader.english}
        return reader.links


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


def url_shape(url: str) -> tuple[str, str]:
    """The route a URL resolves to, and the URL with its numbers (ids, dates, pages) taken out."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    query = sorted((k, DIGITS.sub("#", v)) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return route, DIGITS.sub("#", parts.path) + "?" + urlencode(query)


def public_starts() -> list[str]:
    """Where an anonymous visitor arrives: the login page and what the printed QR codes lead to."""
    starts = [
        "/",
        reverse("ask:group", args=[BuildingGroup.objects.order_by("pk").first().public_token]),
        reverse("ask:building", args=[Building.objects.order_by("pk").first().public_token]),
        reverse("ask:member", args=[Member.objects.order_by("pk").first().public_token]),
    ]
    by_state = {activity.signin_state(): activity for activity in Activity.objects.order_by("pk")}
    starts += [reverse("activity_signin:signin", args=[a.signin_token]) for a in by_state.values()]
    for status in Request.Status.values:
        token = Request.objects.filter(status=status).values_list("tracking_token", flat=True).first()
        if token:
            starts.append(reverse("ask:track", args=[token]))
    certificate = Certificate.objects.order_by("pk").first()
    if certificate:
        starts.append(reverse("hours:verify", args=[certificate.community.code, certificate.token]))
    return starts


@pytest.mark.parametrize("username", [None] + [username for username, _ in DEMO_ACCOUNTS])
def test_every_page_a_demo_visitor_reaches_answers_without_a_server_error_in_chinese(demo, username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    crawl = Crawl(client).run(["/"] if username else public_starts())
    assert crawl.visited >= 3, "the crawl barely started"
    assert crawl.errors == []
    assert sorted(crawl.english) == []
