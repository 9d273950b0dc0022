"""What the demo builds, as data: the hierarchy, each community's buildings on its site plan, its groups.

Coordinates are metres on the community's site plan, x to the east and y to the south, from the
north-west corner. 环城北路 runs along the north edge, 船山路 along the west, 学宫巷 through the
middle. The four first buildings are those named in the account; the others are plausible
neighbours on the same streets.
"""

from dataclasses import dataclass
from datetime import date

# The demo describes its people as of this day, so every build gives the same ages and tags.
REFERENCE_DATE = date(2026, 7, 1)
CITY_PREFIX = "衡阳市石鼓区"
ID_REGION = "430407"  # 衡阳市石鼓区

DISTRICT = ("shigu", "石鼓区")
SUBDISTRICT = ("qingshan", "青山街道")


@dataclass(frozen=True)
class BuildingSpec:
    name: str
    x: float
    y: float
    stairwells: int
    floors: int
    flats: int  # flats per floor in each stairwell
    members: int  # party members living here
    first_floor: int = 1  # 2 for the 综合楼, whose ground floor is shops
    street_no: str = ""  # the postal address when the name is not it

    @property
    def address(self) -> str:
        return CITY_PREFIX + (self.street_no or self.name)

    @property
    def width(self) -> float:
        return self.stairwells * self.flats * 5 + 2

    @property
    def depth(self) -> float:
        return 16 if self.first_floor > 1 else (12 if self.flats <= 2 else 14)


@dataclass(frozen=True)
class GroupSpec:
    building: str
    founded_on: date
    leader: str | None = None  # the name in the account, or None: the builder picks a member


@dataclass(frozen=True)
class CommunityPlan:
    code: str
    name: str
    seed: int
    site_width: float
    site_height: float
    buildings: tuple[BuildingSpec, ...]
    groups: tuple[GroupSpec, ...]
    occupancy: float = 0.945  # share of flats with a household
    admin_name: str = ""


FIRST_GROUPS_FOUNDED = date(2021, 6, 25)

XIHU = CommunityPlan(
    code="xihu-xincun",
    name="西湖新村社区",
    seed=20210625,
    site_width=500,
    site_height=400,
    admin_name="谭慧敏",
    buildings=(
        # 环城北路, north edge
        BuildingSpec("环城北路89号", 15, 15, 3, 7, 3, 3),
        BuildingSpec("环城北路91号", 78, 15, 3, 7, 3, 3),
        BuildingSpec("环城北路93号", 141, 15, 4, 7, 3, 8),
        BuildingSpec("环城北路95号", 219, 15, 3, 7, 3, 2),
        BuildingSpec("环城北路97号", 282, 15, 2, 6, 3, 1),
        BuildingSpec("环城北路99号", 345, 15, 3, 7, 3, 4),
        BuildingSpec("环城北路101号", 408, 15, 3, 6, 3, 3),
        # 学宫巷, the lane through the middle
        BuildingSpec("学宫巷1号", 15, 85, 2, 6, 2, 1),
        BuildingSpec("学宫巷3号", 53, 85, 3, 7, 3, 7),
        BuildingSpec("学宫巷5号", 15, 120, 3, 6, 3, 3),
        BuildingSpec("学宫巷7号", 78, 120, 3, 6, 3, 1),
        # 西湖路, east of the lane
        BuildingSpec("西湖路2号", 190, 95, 3, 7, 3, 2),
        BuildingSpec("西湖路4号", 255, 90, 3, 7, 3, 2),
        BuildingSpec("西湖路6号", 190, 122, 4, 7, 3, 6),
        BuildingSpec("西湖路8号", 270, 122, 2, 6, 3, 1),
        # 北正街, east edge
        BuildingSpec("北正街20号", 440, 110, 3, 7, 3, 4),
        BuildingSpec("北正街22号", 440, 145, 2, 7, 3, 1),
        # 船山路, west edge
        BuildingSpec("船山路63号西湖广场综合楼", 15, 200, 4, 7, 4, 7, first_floor=2, street_no="船山路63号"),
        BuildingSpec("船山路61号", 15, 236, 3, 7, 3, 2),
        BuildingSpec("船山路65号", 115, 200, 2, 7, 3, 1),
        BuildingSpec("船山路39号小西门综合楼", 15, 320, 3, 7, 4, 6, first_floor=2, street_no="船山路39号"),
        BuildingSpec("船山路41号", 95, 320, 2, 7, 3, 1),
        BuildingSpec("船山路45号", 15, 356, 2, 6, 3, 1),
        # 青山街, south-east
        BuildingSpec("青山街12号", 230, 260, 4, 7, 3, 5),
        BuildingSpec("青山街14号", 310, 260, 3, 7, 3, 2),
        BuildingSpec("青山街16号", 230, 295, 3, 7, 3, 2),
        BuildingSpec("青山街18号", 295, 295, 3, 6, 3, 1),
    ),
    groups=(
        GroupSpec("环城北路93号", FIRST_GROUPS_FOUNDED, "肖伯群"),
        GroupSpec("学宫巷3号", FIRST_GROUPS_FOUNDED, "刘光前"),
        GroupSpec("船山路63号西湖广场综合楼", FIRST_GROUPS_FOUNDED, "郭旭中"),
        GroupSpec("船山路39号小西门综合楼", FIRST_GROUPS_FOUNDED, "杨学成"),
        GroupSpec("西湖路6号", date(2022, 3, 18)),
        GroupSpec("青山街12号", date(2023, 9, 12)),
    ),
)

DONGFENG = CommunityPlan(
    code="dongfeng",
    name="东风社区",
    seed=20220318,
    site_width=300,
    site_height=200,
    admin_name="",
    buildings=(
        BuildingSpec("东风路21号", 20, 20, 2, 6, 2, 1),
        BuildingSpec("东风路23号", 74, 20, 3, 6, 2, 6),
        BuildingSpec("东风路25号", 150, 20, 2, 5, 2, 1),
        BuildingSpec("和平路8号", 20, 90, 2, 6, 3, 1),
    ),
    groups=(GroupSpec("东风路23号", date(2022, 7, 1)),),
)

PLANS = (XIHU, DONGFENG)
