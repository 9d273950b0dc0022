"""What the demo steps share: the plan, the rows built so far, and one random stream per step.

Each step draws from its own stream (seeded by the community's seed and the step's name), so a
step added later leaves the people and places of earlier steps exactly as they were.
"""

import random
from dataclasses import dataclass, field

from loudong.accounts.models import User
from loudong.demo.plans import BuildingSpec, CommunityPlan
from loudong.groups.models import BuildingGroup
from loudong.registry.models import (
    Building,
    CareTag,
    Community,
    District,
    Household,
    Member,
    Resident,
    ServiceItem,
    Stairwell,
    Subdistrict,
)


@dataclass
class DemoCommunity:
    plan: CommunityPlan
    community: Community
    buildings: dict[str, Building] = field(default_factory=dict)  # by name, in plan order
    specs: dict[str, BuildingSpec] = field(default_factory=dict)
    neighbours: dict[str, list[str]] = field(default_factory=dict)  # building name -> adjacent names
    stairwells: dict[str, list[Stairwell]] = field(default_factory=dict)  # building name -> its stairwells
    households: list[Household] = field(default_factory=list)
    household_kinds: dict[int, str] = field(default_factory=dict)  # household pk -> composition
    residents: list[Resident] = field(default_factory=list)
    care_tags: dict[str, CareTag] = field(default_factory=dict)
    service_items: dict[str, ServiceItem] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    leaders: dict[str, Member] = field(default_factory=dict)  # building name -> leader named in the plan
    groups: dict[str, BuildingGroup] = field(default_factory=dict)  # building name -> group

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.plan.seed}:{step}")

    def residents_of(self, building: str) -> list[Resident]:
        return [r for r in self.residents if r.household.stairwell.building.name == building]


@dataclass
class DemoSite:
    district: District
    subdistrict: Subdistrict
    communities: dict[str, DemoCommunity]
    users: dict[str, User] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)  # extra lines later steps add to the printout

    @property
    def main(self) -> DemoCommunity:
        """西湖新村社区, the community of the account."""
        return next(iter(self.communities.values()))
