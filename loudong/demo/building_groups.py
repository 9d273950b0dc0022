"""Step: the building groups (楼栋党小组), the stairwells each serves, and their members.

A group serves its own building and the neighbouring buildings no earlier group serves; the
members living in those stairwells belong to it. Some buildings are left without a group: the
gap the planning feature is for.
"""

from loudong.demo.context import DemoCommunity, DemoSite
from loudong.groups.models import BuildingGroup
from loudong.registry.models import Member, Stairwell


def build_groups(site: DemoSite) -> None:
    for demo in site.communities.values():
        _build_community_groups(demo)


def _build_community_groups(demo: DemoCommunity) -> None:
    rng = demo.rng("groups")
    served: set[str] = set()
    for spec in demo.plan.groups:
        buildings = [b for b in [spec.building, *demo.neighbours[spec.building]] if b not in served]
        served.update(buildings)
        stairwells = [s for b in buildings for s in demo.stairwells[b]]
        stairwell_pks = {s.pk for s in stairwells}
        members = [m for m in demo.members if m.resident.household.stairwell_id in stairwell_pks]
        at_home = [m for m in members if m.resident.household.stairwell.building.name == spec.building]

        leader = demo.leaders.get(spec.building)
        if leader is None:
            elders = [
                m
                for m in at_home
                if m.employment == Member.Employment.RETIRED and m.registration == Member.Registration.LOCAL
            ] or at_home
            leader = rng.choice(elders)
        others = [m for m in at_home if m != leader] or [m for m in members if m != leader]
        deputy = rng.choice(others) if others else None
        group = BuildingGroup.objects.create(
            community=demo.community,
            name=f"{spec.building}党小组",
            founded_on=spec.founded_on,
            venue_stairwell=leader.resident.household.stairwell,
            leader=leader,
            deputy=deputy,
        )
        Stairwell.objects.filter(pk__in=stairwell_pks).update(group=group)
        Member.objects.filter(pk__in=[m.pk for m in members]).update(group=group)
        for stairwell in stairwells:
            stairwell.group = group
        for member in members:
            member.group = group
        demo.groups[spec.building] = group
