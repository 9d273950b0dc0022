"""Requests that may be the same problem: open, in the same building, mostly the same category,
compared by the Jaccard similarity of their jieba word sets.

Two uses:
- the public form shows a resident the open requests of their building and category before they
  submit, so "我也遇到" can join one instead of filing another (as FixMyStreet shows nearby reports);
- the leader's queue suggests duplicates to merge.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from loudong.tickets.models import OPEN, Request
from loudong.tickets.suggest.text import word_set

# Open requests of one building read per comparison; a building rarely has this many open at once.
MAX_CANDIDATES = 200
# Word overlap needed to suggest a merge: lower within the same category than across categories
# (a resident may have picked the wrong category, but then the texts must agree more).
SAME_CATEGORY_MIN = 0.15
OTHER_CATEGORY_MIN = 0.4
EXCERPT_LENGTH = 40
_DIGITS = re.compile(r"\d{3,}")


@dataclass(frozen=True)
class Duplicate:
    request: Request
    similarity: float  # 0..1

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(text_a: str, text_b: str) -> float:
    return jaccard(word_set(text_a), word_set(text_b))


def _as_duplicates(scored: list[tuple[float, int]], limit: int) -> list[Duplicate]:
    """The best `limit` of (similarity, id), most alike first (ties keep their newest-first order)."""
    scored = sorted(scored, key=lambda pair: pair[0], reverse=True)[:limit]
    by_id = Request.objects.select_related("building").in_bulk([pk for _, pk in scored])
    return [Duplicate(by_id[pk], score) for score, pk in scored if pk in by_id]


def for_public_form(building_id: int, category_code: str, text: str = "", *, limit: int = 5) -> list[Duplicate]:
    """Open requests of this building and category a neighbour may join ("我也遇到"), most alike
    first, then newest. 举报 and requests placed anonymously are never shown to other residents."""
    own = word_set(text)
    candidates = (
        Request.objects.filter(building_id=building_id, category_code=category_code, status__in=OPEN)
        .exclude(kind=Request.Kind.REPORT).exclude(anonymous=True)
        .order_by("-created_at", "-id").values_list("id", "description")[:MAX_CANDIDATES]
    )
    return _as_duplicates([(jaccard(own, word_set(d)), pk) for pk, d in candidates], limit)


def suggest_duplicates(request: Request, *, limit: int = 5) -> list[Duplicate]:
    """Open requests of the same building that look like the same problem, most alike first."""
    return suggest_duplicates_many([request], limit=limit)[request.pk]


def suggest_duplicates_many(requests: Iterable[Request], *, limit: int = 5) -> dict[int, list[Duplicate]]:
    """Duplicates for several requests (a page of the leader's queue): one query per building, one for
    the matches."""
    scored = _scored_many(list(requests), limit)
    matched = {pk for found in scored.values() for _, pk in found}
    by_id = Request.objects.select_related("building").in_bulk(matched) if matched else {}
    return {pk: [Duplicate(by_id[other], score) for score, other in found if other in by_id]
            for pk, found in scored.items()}


def count_duplicates_many(requests: Iterable[Request], *, limit: int = 5) -> dict[int, int]:
    """How many duplicates each request has (what the queue's cards say), without reading them."""
    return {pk: len(found) for pk, found in _scored_many(list(requests), limit).items()}


def _scored_many(requests: list[Request], limit: int) -> dict[int, list[tuple[float, int]]]:
    """(similarity, id) of each request's likely duplicates, most alike first."""
    candidates = _open_by_building({r.building_id for r in requests})
    scored: dict[int, list[tuple[float, int]]] = {}
    for request in requests:
        own = word_set(request.description)
        found = scored[request.pk] = []
        for pk, others, code in candidates[request.building_id]:
            common = len(own & others)
            if not common or pk == request.pk:
                continue
            score = common / (len(own) + len(others) - common)  # Jaccard, without building the union
            if score >= (SAME_CATEGORY_MIN if code == request.category_code else OTHER_CATEGORY_MIN):
                found.append((score, pk))
        found.sort(key=lambda pair: pair[0], reverse=True)
        del found[limit:]
    return scored


def _open_by_building(building_ids: set[int]) -> dict[int, list[tuple[int, frozenset[str], str]]]:
    """(id, words, category) of each building's newest open requests, up to MAX_CANDIDATES.

    One short read per building, in the order of the partial index request_open_building: with a
    million requests, one statement for all the buildings of a page sorted every open request of those
    buildings to keep the newest of each (55 ms for ten buildings, against 0.2 ms for each read here).
    The statement is built once and run for each building (building it again each time cost more
    than running it).
    """
    newest = (Request.objects.filter(building_id=_ANY_BUILDING, status__among=OPEN).order_by("-created_at", "-id")
              .values_list("id", "description", "category_code")[:MAX_CANDIDATES])
    sql, params = newest.query.sql_with_params()
    found = {}
    with connection.cursor() as cursor:
        for building_id in sorted(building_ids):
            cursor.execute(sql, [building_id if p == _ANY_BUILDING else p for p in params])
            found[building_id] = [(pk, word_set(text), code) for pk, text, code in cursor.fetchall()]
    return found


_ANY_BUILDING = -1  # stands for the building in the statement above (ids are positive)


def public_excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """What neighbours may read of someone else's request: the start, with numbers (rooms,
    phones) hidden."""
    text = _DIGITS.sub("***", " ".join(text.split()))
    return text if len(text) <= length else text[:length] + "…"
