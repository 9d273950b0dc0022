"""The parameters later features read from a community's policy, with their defaults.

Stored as JSON on each PolicyVersion; `Rules.from_json` fills in anything a version predates.
"""

from dataclasses import asdict, dataclass, field

# Where a request's matter is: a shared place (the stairwell, the lift, the roof, the bins, the
# street lights, the green) may be shown to neighbours as an excerpt so they can say 我也遇到; a
# household's matter is seen only by the group and the community.
SHARED = "shared"
HOUSEHOLD = "household"
SCOPES = {SHARED: "公共区域的事", HOUSEHOLD: "家中的事"}
# Words in a category's name that say it is usually about a shared place; anything else is taken
# as a household's matter, the safe side.
SHARED_WORDS = ("环境", "卫生", "设施", "维修", "安全", "隐患", "绿化", "公共", "路灯", "电梯", "消防", "垃圾", "楼道")


def usual_scope(name: str) -> str:
    """The scope a category of this name usually has, when the admin has not said."""
    return SHARED if any(word in name for word in SHARED_WORDS) else HOUSEHOLD


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    response_hours: int  # time to take (接单) a dispatched request
    resolve_working_days: int  # time to resolve, in working days
    scope: str = HOUSEHOLD  # SHARED or HOUSEHOLD: what a request of this category usually is

    @classmethod
    def from_json(cls, data: dict) -> "Category":
        data = dict(data)
        if data.get("scope") not in SCOPES:
            data["scope"] = usual_scope(data.get("name", ""))
        return cls(**data)


@dataclass(frozen=True)
class Rules:
    min_members: int = 5
    max_members: int = 15
    group_cost: int = 3000
    categories: tuple[Category, ...] = (
        Category("policy", "政策咨询", 24, 3, HOUSEHOLD),
        Category("environment", "环境卫生", 24, 2, SHARED),
        Category("hardship", "困难需求", 12, 5, HOUSEHOLD),
    )
    visit_default_days: int = 30
    visit_days_by_care_tag: dict[str, int] = field(
        default_factory=lambda: {"独居老人": 7, "高龄": 7, "残疾": 14, "困难家庭": 14, "低保": 30}
    )

    @classmethod
    def from_json(cls, data: dict) -> "Rules":
        base = asdict(cls())
        base.update({k: v for k, v in data.items() if k in base})
        base["categories"] = tuple(Category.from_json(c) for c in base["categories"])
        return cls(**base)

    def to_json(self) -> dict:
        data = asdict(self)
        data["categories"] = [asdict(c) for c in self.categories]
        return data

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def visit_days(self, care_tags: list[str]) -> int:
        """The shortest interval any of the household's care tags asks for."""
        return min(
            [self.visit_days_by_care_tag.get(t, self.visit_default_days) for t in care_tags] + [self.visit_default_days]
        )
