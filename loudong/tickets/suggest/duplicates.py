"""Requests that may be the same problem: open, in the same building, mostly the same category,
compared by the Jaccard similarity of their jieba word sets.

Two uses:
- the public form shows a resident the open requests of their building and category before they
  submit, so "我也遇到" can join one instead of filing another (as FixMyStreet shows nearby reports);
- the leader's queue suggests duplicates to merge.
"""

import re
from dataclasses import dataclass

from loudong.tickets.models import OPEN, Request
from loudong.tickets.suggest.text import words

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
    return jaccard(set(words(text_a)), set(words(text_b)))


def open_requests_in_building(building_id: int, *, exclude_id: int | None = None) -> list[Request]:
    queryset = Request.objects.filter(building_id=building_id, status__in=OPEN).order_by("-created_at", "-id")
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return list(queryset[:MAX_CANDIDATES])


def for_public_form(building_id: int, category_code: str, text: str = "", *, limit: int = 5) -> list[Duplicate]:
    """Open requests of this building and category a neighbour may join ("我也遇到"), most alike
    first, then newest. 举报 and requests placed anonymously are never shown to other residents."""
    candidates = (
        Request.objects.filter(building_id=building_id, category_code=category_code, status__in=OPEN)
        .exclude(kind=Request.Kind.REPORT)
        .exclude(anonymous=True)
        .order_by("-created_at", "-id")[:MAX_CANDIDATES]
    )
    own = set(words(text))
    found = [Duplicate(r, jaccard(own, set(words(r.description)))) for r in candidates]
    found.sort(key=lambda d: d.similarity, reverse=True)  # stable: equal similarity stays newest first
    return found[:limit]


def suggest_duplicates(request: Request, *, limit: int = 5) -> list[Duplicate]:
    """Open requests of the same building that look like the same problem, most alike first."""
    own = set(words(request.description))
    found = []
    for other in open_requests_in_building(request.building_id, exclude_id=request.pk):
        score = jaccard(own, set(words(other.description)))
        needed = SAME_CATEGORY_MIN if other.category_code == request.category_code else OTHER_CATEGORY_MIN
        if score >= needed:
            found.append(Duplicate(other, score))
    found.sort(key=lambda d: d.similarity, reverse=True)
    return found[:limit]


def public_excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """What neighbours may read of someone else's request: the start, with numbers (rooms,
    phones) hidden."""
    text = _DIGITS.sub("***", " ".join(text.split()))
    return text if len(text) <= length else text[:length] + "…"
