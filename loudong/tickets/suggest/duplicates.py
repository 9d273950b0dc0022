"""Requests that may be the same problem: open, in the same building, mostly the same category,
compared by the Jaccard similarity of their jieba word sets.

Two uses:
- the public form shows a resident the open requests of their building and category before they
  submit, so "我也遇到" can join one instead of filing another (as FixMyStreet shows nearby reports);
- the leader's queue suggests duplicates to merge.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from loudong.tickets.models import OPEN, Request
from loudong.tickets.publicity import offered
from loudong.tickets.suggest.text import word_set

# Open requests of one building read per comparison; a building rarely has this many open at once.
MAX_CANDIDATES = 200
# Word overlap needed to suggest a merge: lower within the same category than across categories
# (a resident may have picked the wrong category, but then the texts must agree more).
SAME_CATEGORY_MIN = 0.15
OTHER_CATEGORY_MIN = 0.4


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
    first, then newest: only those about a shared place, never anonymous ones or 举报 (publicity)."""
    own = word_set(text)
    candidates = (
        offered(Request.objects.filter(building_id=building_id, category_code=category_code, status__in=OPEN))
        .order_by("-created_at", "-id")
        .values_list("id", "description")[:MAX_CANDIDATES]
    )
    return _as_duplicates([(jaccard(own, word_set(d)), pk) for pk, d in candidates], limit)


def suggest_duplicates(request: Request, *, limit: int = 5) -> list[Duplicate]:
    """Open requests of the same building that look like the same problem, most alike first."""
    return suggest_duplicates_many([request], limit=limit)[request.pk]


def suggest_duplicates_many(requests: Iterable[Request], *, limit: int = 5) -> dict[int, list[Duplicate]]:
    """Duplicates for several requests (a page of the leader's queue) in at most three queries: the
    buildings' stamps, the open requests of those changed since they were last read, the matches."""
    scored = _scored_many(list(requests), limit)
    matched = {pk for found in scored.values() for _, pk in found}
    by_id = Request.objects.select_related("building").in_bulk(matched) if matched else {}
    return {
        pk: [Duplicate(by_id[other], score) for score, other in found if other in by_id] for pk, found in scored.items()
    }


def count_duplicates_many(requests: Iterable[Request], *, limit: int = 5) -> dict[int, int]:
    """How many duplicates each request has (what the queue's cards say), without reading them."""
    return {pk: len(found) for pk, found in _scored_many(list(requests), limit).items()}


def _scored_many(requests: list[Request], limit: int) -> dict[int, list[tuple[float, int]]]:
    """(similarity, id) of each request's likely duplicates, most alike first."""
    buildings = _open_by_building({r.building_id for r in requests})
    scored: dict[int, list[tuple[float, int]]] = {}
    for request in requests:
        building = buildings[request.building_id]
        key = (request.pk, request.created_at)
        if key not in building.scored:
            building.scored[key] = _matches(request, building.candidates)
        scored[request.pk] = building.scored[key][:limit]
    return scored


def _matches(request: Request, candidates: list[tuple[int, frozenset[str], str]]) -> list[tuple[float, int]]:
    own = word_set(request.description)
    found = []
    for pk, others, code in candidates:
        common = len(own & others)
        if not common or pk == request.pk:
            continue
        score = common / (len(own) + len(others) - common)  # Jaccard, without building the union
        if score >= (SAME_CATEGORY_MIN if code == request.category_code else OTHER_CATEGORY_MIN):
            found.append((score, pk))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return found


@dataclass
class _Building:
    """A building's newest open requests as (id, words, category), up to MAX_CANDIDATES, read under
    `stamp`; the matches found among them so far, by (request id, placing time)."""

    stamp: tuple
    candidates: list[tuple[int, frozenset[str], str]]
    scored: dict[tuple, list[tuple[float, int]]] = field(default_factory=dict)


_kept: dict[int, _Building] = {}


def _open_by_building(building_ids: set[int]) -> dict[int, _Building]:
    """Each building's candidates, kept by this process with a stamp of the building's open requests
    (how many, the sum of their ids, the newest placing time), read for all the page's buildings in
    one statement through the partial index request_open_building. A request placed, closed, rejected,
    merged or reopened there changes the stamp, and only then are the building's open requests read
    again and its matches found again (a request's text and category never change). Reading the
    newest of each building on every view cost 1 ms a building with a million requests.
    """
    stamps = {building_id: (0, None, None) for building_id in building_ids}
    open_requests = Request.objects.filter(building_id__in=building_ids, status__among=OPEN)
    for building_id, *stamp in (
        open_requests.order_by().values_list("building_id").annotate(Count("id"), Sum("id"), Max("created_at"))
    ):
        stamps[building_id] = tuple(stamp)
    stale = {b for b in building_ids if b not in _kept or _kept[b].stamp != stamps[b]}
    if stale:
        fresh: dict[int, list] = {b: [] for b in stale}
        for pk, building_id, text, code in (
            open_requests.filter(building_id__in=stale)
            .order_by("-created_at", "-id")
            .values_list("id", "building_id", "description", "category_code")
        ):
            if len(fresh[building_id]) < MAX_CANDIDATES:
                fresh[building_id].append((pk, word_set(text), code))
        for building_id in stale:
            _kept[building_id] = _Building(stamps[building_id], fresh[building_id])
    return {building_id: _kept[building_id] for building_id in building_ids}
