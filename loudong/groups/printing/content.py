"""What goes on paper: a group's notice board (公示栏) and its members' contact cards (便民联系卡).

A phone is printed in full only for a member who consented (Member.publish_phone); every other
phone is masked. The content is read fresh for each print, so a withdrawn consent is gone from
the next sheet.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from loudong.groups.models import BuildingGroup
from loudong.groups.venues.queries import current_venue, venue_address
from loudong.lib.identity import mask_phone
from loudong.lib.natural import natural_key
from loudong.lib.qr import qr_data_uri
from loudong.registry.models import Member, Stairwell

# An A4 sheet (210 × 297 mm) holds two columns and five rows of 85 × 54 mm cards, centred, with
# cut marks in the margins along every edge between cards.
CARD_WIDTH, CARD_HEIGHT = 85, 54
COLUMNS, ROWS = 2, 5
CARDS_PER_SHEET = COLUMNS * ROWS
MARGIN_X = (210 - COLUMNS * CARD_WIDTH) / 2  # 20 mm
MARGIN_Y = (297 - ROWS * CARD_HEIGHT) / 2  # 13.5 mm
CUT_X = [MARGIN_X + i * CARD_WIDTH for i in range(COLUMNS + 1)]
CUT_Y = [MARGIN_Y + i * CARD_HEIGHT for i in range(ROWS + 1)]


def group_url(group: BuildingGroup) -> str:
    return settings.PUBLIC_URL + reverse("ask:group", args=[group.public_token])


def member_url(member: Member) -> str:
    return settings.PUBLIC_URL + reverse("ask:member", args=[member.public_token])


def published_phone(member: Member) -> str:
    """The phone the notice board shows in full: only with the member's consent; '' without it."""
    return member.resident.phone if member.publish_phone else ""


def printed_phone(member: Member) -> str:
    phone = member.resident.phone
    if not phone:
        return ""
    return published_phone(member) or mask_phone(phone)


def role_of(member: Member, group: BuildingGroup) -> str:
    if member.pk == group.leader_id:
        return "组长"
    if member.pk == group.deputy_id:
        return "副组长"
    return "党员"


@dataclass
class BoardRow:
    name: str
    role: str
    phone: str
    services: list[str]


@dataclass
class Board:
    group: BuildingGroup
    buildings: list[str]
    venue_address: str
    venue_times: str
    rows: list[BoardRow]
    url: str
    qr: str
    full_phones: int = 0


@dataclass
class Card:
    name: str
    group: str
    building: str
    phone: str
    services: list[str]
    url: str
    qr: str
    published: bool = False
    left: float = 0  # position on the sheet, mm
    top: float = 0


def group_members(groups: QuerySet[BuildingGroup]) -> QuerySet[BuildingGroup]:
    members = Member.objects.select_related("resident__household__stairwell__building").prefetch_related(
        "service_items"
    )
    return groups.prefetch_related(Prefetch("members", queryset=members, to_attr="printed_members"))


def _ordered(group: BuildingGroup) -> list[Member]:
    rank = {"组长": 0, "副组长": 1, "党员": 2}
    return sorted(group.printed_members, key=lambda m: (rank[role_of(m, group)], m.resident.name_pinyin, m.pk))


def board_of(group: BuildingGroup) -> Board:
    """`group` comes from `group_members` so its members are loaded with it."""
    stairwells = Stairwell.objects.filter(group=group).select_related("building")
    buildings = sorted({s.building.name for s in stairwells}, key=natural_key)
    venue = current_venue(group)
    rows = [
        BoardRow(m.resident.name, role_of(m, group), printed_phone(m), [i.name for i in m.service_items.all()])
        for m in _ordered(group)
    ]
    url = group_url(group)
    return Board(
        group=group, buildings=buildings, venue_address=venue_address(venue) if venue else "",
        venue_times=venue.opening_times if venue else "", rows=rows, url=url, qr=qr_data_uri(url, scale=8),
        full_phones=sum(1 for m in group.printed_members if m.publish_phone and m.resident.phone),
    )  # fmt: skip


def cards_of(group: BuildingGroup) -> list[Card]:
    cards = []
    for m in _ordered(group):
        household = m.resident.household
        building = household.stairwell.building if household else None
        url = member_url(m)
        cards.append(Card(
            name=m.resident.name, group=group.name,
            building=building.name if building else "", phone=printed_phone(m),
            services=[i.name for i in m.service_items.all()], url=url, qr=qr_data_uri(url, scale=4),
            published=bool(m.publish_phone and m.resident.phone),
        ))  # fmt: skip
    return cards


def sheets(cards: list[Card]) -> list[list[Card]]:
    """Cards in sheets of ten, placed two across and five down."""
    for i, card in enumerate(cards):
        place = i % CARDS_PER_SHEET
        card.left = MARGIN_X + (place % COLUMNS) * CARD_WIDTH
        card.top = MARGIN_Y + (place // COLUMNS) * CARD_HEIGHT
    return [cards[i : i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]
