"""A plan on the community's site plan: buildings as shapes, stairwells as dots in their group's
colour, each venue as a star. Plain numbers for the SVG template; no logic there."""

import math

from loudong.groups.planning.community import Planning
from loudong.registry.models import Building
from loudong.registry.views_places import PALETTE, UNSERVED

# The registry's group colours first, then more: a plan may hold more groups than today's.
COLOURS = PALETTE + ["#1abc9c", "#e67e22", "#5d6d7e", "#a93226", "#1f618d", "#7d3c98"]


def colours(venues: list[str]) -> dict[str, str]:
    return {venue: COLOURS[i % len(COLOURS)] for i, venue in enumerate(venues)}


def star(cx: float, cy: float, radius: float) -> str:
    """A five-pointed star's polygon points, point up."""
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + k * math.pi / 5
        points.append(f"{cx + r * math.cos(angle):.2f},{cy + r * math.sin(angle):.2f}")
    return " ".join(points)


def site_plan(planning: Planning, assignment: dict[str, str], palette: dict[str, str]) -> dict:
    community = planning.community
    buildings = list(Building.objects.filter(community=community).order_by("sort_key"))
    width = max([community.site_width, 1] + [b.x + b.width for b in buildings] + [s.px for s in planning.stairwells])
    height = max([community.site_height, 1] + [b.y + b.depth for b in buildings]
                 + [s.py for s in planning.stairwells])  # fmt: skip
    base = max(width, height) / 45
    shapes = [{
        "building": b, "cx": b.x + b.width / 2, "cy": b.y + b.depth / 2,
        "font": round(max(min(base, b.width / max(len(b.name), 1) * 1.1), base * 0.55), 2),
    } for b in buildings]  # fmt: skip
    dots, stars = [], []
    for s in planning.stairwells:
        venue = assignment.get(str(s.pk))
        dots.append({"stairwell": s, "x": round(s.px, 2), "y": round(s.py, 2), "r": round(base * 0.45, 2),
                     "fill": palette.get(venue, UNSERVED), "venue": planning.by_id.get(venue)})  # fmt: skip
    for venue, fill in palette.items():
        s = planning.by_id.get(venue)
        if s is not None:
            stars.append({"stairwell": s, "points": star(s.px, s.py, base * 0.9), "fill": fill})
    return {"width": round(width, 2), "height": round(height, 2), "shapes": shapes, "dots": dots, "stars": stars,
            "stroke": round(base / 8, 2)}  # fmt: skip
