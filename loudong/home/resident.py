"""The resident's first page, beside 我的家: 我要点单 for their own building, their own requests with
where each stands, and how to reach their group's leaders, with a phone only where the notice board
publishes it (the member's consent)."""

from dataclasses import dataclass

from django.urls import reverse

from loudong.accounts.models import User
from loudong.groups.printing.content import published_phone
from loudong.registry.models import Community, Member, Resident
from loudong.tickets.models import Request

SHOWN_REQUESTS = 20


@dataclass(frozen=True)
class Contact:
    role: str  # 组长 / 副组长
    name: str
    phone: str  # '' when the member has not agreed to publish it


def contacts(members: list[tuple[str, Member | None]]) -> list[Contact]:
    return [Contact(role, m.resident.name, published_phone(m)) for role, m in members if m is not None]


def resident_card(user: User, community: Community) -> dict | None:
    """What the resident's part of the home page shows; None for an account with no resident record."""
    resident = (
        Resident.objects.filter(community=community, pk=user.resident_id)
        .select_related(
            "household__stairwell__building",
            "household__stairwell__group__leader__resident",
            "household__stairwell__group__deputy__resident",
        )
        .first()
        if user.resident_id
        else None
    )
    if resident is None:
        return None
    stairwell = resident.household.stairwell if resident.household_id else None
    group = stairwell.group if stairwell else None
    mine = (
        Request.objects.visible_to(user)
        .filter(community=community, resident_id=resident.pk)
        .order_by("-created_at", "-id")[:SHOWN_REQUESTS]
    )
    return {
        "building": stairwell.building if stairwell else None,
        "ask_url": reverse("ask:building", args=[stairwell.building.public_token]) if stairwell else "",
        "requests": sorted(mine, key=lambda r: not r.is_open),  # the ones still being handled first
        "group": group,
        "contacts": contacts([("组长", group.leader), ("副组长", group.deputy)]) if group else [],
    }
