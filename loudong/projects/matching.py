"""Suggested resources for a need, each with its reasons in plain Chinese.

What makes a resource fit, and how much it weighs (a fixed sum, so the same lists give the same
suggestions, and every point has a reason shown):
- kind: it offers the kind of help the need asks for (3);
- words: the need and the resource talk of the same things, e.g. a member's skill 水电维修 and a
  need about 漏水 (1 a word, at most 3);
- distance on the site plan: in the need's building (2), a neighbouring building (1.5), within
  NEAR_METRES between the buildings' centres (1), elsewhere in the community (0.5); a partner
  unit outside the community adds nothing;
- load: a resource carrying no running project (1); each running project it carries takes 0.5 off.
Only resources of the right kind or sharing a word are suggested. The suggestions are per need,
best fit first, the score itself never shown: they are not a ranking of people or units.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from loudong.lib.pinyin import name_keys
from loudong.projects.models import RUNNING, Need, Resource
from loudong.registry.models import Building
from loudong.tickets.suggest.text import word_set

NEAR_METRES = 150
SHOWN = 5
MAX_WORDS = 3


@dataclass
class Suggestion:
    resource: Resource
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def _centre(building: Building) -> tuple[float, float]:
    return building.x + building.width / 2, building.y + building.depth / 2


def _words(*texts: str) -> frozenset[str]:
    """Words of two characters or more: one character (修, 药) says too little to match on."""
    return frozenset(w for w in word_set(" ".join(texts)) if len(w) >= 2)


def distance_reason(need: Need, resource: Resource, neighbours: set[int]) -> tuple[float, str] | None:
    if resource.building_id is None:
        if resource.source == Resource.Source.UNIT:
            place = f"（{resource.place}）" if resource.place else ""
            return 0, f"共建单位，在社区外{place}"
        return None
    if need.building_id is None:
        return 0.5, f"在本社区（{resource.building.name}）"
    if resource.building_id == need.building_id:
        return 2, "就在同一栋楼"
    if resource.building_id in neighbours:
        return 1.5, f"在相邻的{resource.building.name}"
    (ax, ay), (bx, by) = _centre(need.building), _centre(resource.building)
    metres = round(math.hypot(ax - bx, ay - by) / 10) * 10
    if metres <= NEAR_METRES:
        return 1, f"在{resource.building.name}，相距约 {metres} 米"
    return 0.5, f"同一社区，在{resource.building.name}，相距约 {metres} 米"


def suggest(need: Need, resources: QuerySet[Resource], *, limit: int = SHOWN) -> list[Suggestion]:
    """The resources (of those given: what the viewer may see) that fit the need, best first."""
    rows = (
        resources.filter(community_id=need.community_id, active=True)
        .select_related("unit", "member__resident", "building")
        .annotate(running=Count("projects", filter=Q(projects__status__in=RUNNING)))
    )
    neighbours = set(need.building.adjacent.values_list("pk", flat=True)) if need.building_id else set()
    need_words = _words(need.title, need.description)
    found = []
    for resource in rows:
        suggestion = Suggestion(resource)
        if resource.kind == need.category:
            suggestion.add(3, f"类型对口：都是{resource.get_kind_display()}")
        shared = sorted(need_words & _words(resource.title, resource.description))[:MAX_WORDS]
        if shared:
            suggestion.add(len(shared), "说到同样的事：" + "、".join(shared))
        if not suggestion.reasons:
            continue
        placed = distance_reason(need, resource, neighbours)
        if placed is not None:
            suggestion.add(*placed)
        if resource.running:
            suggestion.add(-0.5 * resource.running, f"手上已有 {resource.running} 个在办项目")
        else:
            suggestion.add(1, "手上没有在办的项目")
        found.append(suggestion)
    # Equal fits by the provider's name in pinyin order, so the same lists always read the same.
    found.sort(key=lambda s: (-s.score, name_keys(s.resource.owner_label)[0], s.resource.pk))
    return found[:limit]
