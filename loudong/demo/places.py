"""Step: buildings on the site plan, their stairwells and adjacency, and the flats people live in."""

import math

from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.plans import BuildingSpec
from loudong.registry.models import Building, Household, Stairwell

# Buildings this close (metres, edge to edge) are neighbours: one group may serve both.
ADJACENT_WITHIN = 25.0


def gap(a: BuildingSpec, b: BuildingSpec) -> float:
    """Distance between two footprints; 0 when they touch or overlap."""
    dx = max(b.x - (a.x + a.width), a.x - (b.x + b.width), 0.0)
    dy = max(b.y - (a.y + a.depth), a.y - (b.y + b.depth), 0.0)
    return math.hypot(dx, dy)


def overlaps(a: BuildingSpec, b: BuildingSpec) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.depth and b.y < a.y + a.depth


def adjacent_pairs(specs: tuple[BuildingSpec, ...]) -> list[tuple[int, int]]:
    """Index pairs of neighbouring buildings, in plan order. Overlapping footprints are a plan error."""
    pairs = []
    for i, a in enumerate(specs):
        for j in range(i + 1, len(specs)):
            b = specs[j]
            if overlaps(a, b):
                raise ValueError(f"{a.name} 与 {b.name} 在平面图上重叠")
            if gap(a, b) <= ADJACENT_WITHIN:
                pairs.append((i, j))
    return pairs


def build_places(site: DemoSite) -> None:
    for demo in site.communities.values():
        _build_community_places(demo)


def _build_community_places(demo: DemoCommunity) -> None:
    community, specs = demo.community, demo.plan.buildings
    buildings = Building.objects.bulk_create(
        Building(community=community, name=s.name, address=s.address, x=s.x, y=s.y, width=s.width, depth=s.depth)
        for s in specs
    )
    pairs = adjacent_pairs(specs)
    through = Building.adjacent.through
    through.objects.bulk_create(
        through(from_building_id=buildings[a].pk, to_building_id=buildings[b].pk)
        for i, j in pairs
        for a, b in ((i, j), (j, i))
    )
    for spec, building in zip(specs, buildings, strict=True):
        demo.buildings[spec.name] = building
        demo.specs[spec.name] = spec
        demo.neighbours[spec.name] = []
    for i, j in pairs:
        demo.neighbours[specs[i].name].append(specs[j].name)
        demo.neighbours[specs[j].name].append(specs[i].name)

    # Each stairwell's door is on the building's south face, evenly spaced along it.
    stairwells = Stairwell.objects.bulk_create(
        Stairwell(
            community=community,
            building=building,
            name=f"{n + 1}单元",
            x=round(spec.x + (n + 0.5) * spec.width / spec.stairwells, 1),
            y=spec.y + spec.depth,
        )
        for spec, building in zip(specs, buildings, strict=True)
        for n in range(spec.stairwells)
    )
    for stairwell in stairwells:
        demo.stairwells.setdefault(stairwell.building.name, []).append(stairwell)
    _link_stairwells(demo, pairs)

    rng = demo.rng("places")
    rooms = [
        (stairwell, f"{floor}{flat:02d}")
        for spec in specs
        for stairwell in demo.stairwells[spec.name]
        for floor in range(spec.first_floor, spec.floors + 1)
        for flat in range(1, spec.flats + 1)
    ]
    occupied = [(s, room) for s, room in rooms if rng.random() < demo.plan.occupancy]
    demo.households = Household.objects.bulk_create(
        Household(community=community, stairwell=s, room=room) for s, room in occupied
    )


def _link_stairwells(demo: DemoCommunity, pairs: list[tuple[int, int]]) -> None:
    """Neighbouring stairwells: next to each other in a building, and the closest pair of two neighbours."""
    links: list[tuple[Stairwell, Stairwell]] = []
    for stairwells in demo.stairwells.values():
        links += list(zip(stairwells, stairwells[1:], strict=False))
    specs = demo.plan.buildings
    for i, j in pairs:
        near = min(
            ((a, b) for a in demo.stairwells[specs[i].name] for b in demo.stairwells[specs[j].name]),
            key=lambda ab: math.hypot(ab[0].x - ab[1].x, ab[0].y - ab[1].y),
        )
        links.append(near)
    through = Stairwell.adjacent.through
    through.objects.bulk_create(
        through(from_stairwell_id=a.pk, to_stairwell_id=b.pk) for s, t in links for a, b in ((s, t), (t, s))
    )
