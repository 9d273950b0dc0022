"""The parameters later features read from a community's policy, with their defaults.

Stored as JSON on each PolicyVersion; `Rules.from_json` fills in anything a version predates.
"""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    response_hours: int  # time to take (接单) a dispatched request
    resolve_working_days: int  # time to resolve, in working days


@dataclass(frozen=True)
class Rules:
    min_members: int = 5
    max_members: int = 15
    group_cost: int = 3000
    categories: tuple[Category, ...] = (
        Category("policy", "政策咨询", 24, 3),
        Category("environment", "环境卫生", 24, 2),
        Category("hardship", "困难需求", 12, 5),
    )
    visit_default_days: int = 30
    visit_days_by_care_tag: dict[str, int] = field(
        default_factory=lambda: {"独居老人": 7, "高龄": 7, "残疾": 14, "困难家庭": 14, "低保": 30}
    )

    @classmethod
    def from_json(cls, data: dict) -> "Rules":
        base = asdict(cls())
        base.update({k: v for k, v in data.items() if k in base})
        base["categories"] = tuple(Category(**c) for c in base["categories"])
        return cls(**base)

    def to_json(self) -> dict:
        data = asdict(self)
        data["categories"] = [asdict(c) for c in self.categories]
        return data

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def visit_days(self, care_tags: list[str]) -> int:
        """The shortest interval any of the household's care tags asks for."""
        return min([self.visit_days_by_care_tag.get(t, self.visit_default_days) for t in care_tags]
                   + [self.visit_default_days])
