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

from loudong.policy.models import current_rules
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
    """Duplicates for several requests (a page of the leader's queue) in three queries."""
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
    codes = {r.category_code for r in requests}
    for community_id in {r.community_id for r in requests}:
        codes |= {c.code for c in current_rules(community_id).categories}
    by_building: dict[int, list[tuple[int, str, str]]] = {}
    buildings = {r.building_id for r in requests}
    candidates = (Request.objects.filter(building_id__in=buildings, category_code__in=codes, status__in=OPEN)
                  .order_by("-created_at", "-id").values_list("id", "building_id", "description", "category_code")
                  [:MAX_CANDIDATES * len(buildings)])
    for pk, building_id, description, code in candidates:
        by_building.setdefault(building_id, []).append((pk, description, code))
    scored: dict[int, list[tuple[float, int]]] = {}
    for request in requests:
        own = word_set(request.description)
        found = scored[request.pk] = []
        for pk, description, code in by_building.get(request.building_id, [])[:MAX_CANDIDATES]:
            if pk == request.pk:
                continue
            score = jaccard(own, word_set(description))
            if score >= (SAME_CATEGORY_MIN if code == request.category_code else OTHER_CATEGORY_MIN):
                found.append((score, pk))
        found.sort(key=lambda pair: pair[0], reverse=True)
        del found[limit:]
    return scored


def public_excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """What neighbours may read of someone else's request: the start, with numbers (rooms,
    phones) hidden."""
    text = _DIGITS.sub("***", " ".join(text.split()))
    return text if len(text) <= length else text[:length] + "…"
