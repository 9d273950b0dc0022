"""What each domain holds about one person, for the resident's rights under 个人信息保护法 §44–47:
a copy of it, and its erasure. Django-free.

Every domain that keeps personal data registers a `Contribution` from its AppConfig.ready() (as the
hours sources do), so the knowledge of its own tables stays in the domain:
- `export(person)`: its data about the person, as `Sheet`s (one kind each: the copy's PDF sections
  and the spreadsheet's sheets);
- `erase(person)`: remove or anonymise that data (called inside the one transaction of the erasure);
- `blockers(person)`: why it may not be erased yet, in Chinese (an active role to end first).
loudong.privacy gathers them: the copy, the erasure (atomic, audited) and the admin's queue.

A `Person` is the registry's resident when there is one (`resident`, any object with `pk`), plus the
values that identify them: the name, the phones and the ID number, captured before anything is
erased, so a domain may still find and scrub them after another domain has anonymised its rows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# What an erased person's name becomes wherever a name must stay (a sign-in counted, an hours record).
ERASED_NAME = "已删除居民"


@dataclass
class Person:
    community_id: int
    resident: Any = None  # registry.Resident or None (a requester known only by their phone)
    name: str = ""
    phones: set[str] = field(default_factory=set)
    id_number: str = ""
    request_ids: set[int] = field(default_factory=set)  # requests known to be theirs beyond the above
    household_id: int | None = None  # where they lived when the erasure began
    member_id: int | None = None
    user_id: int | None = None
    other_values: set[str] = field(default_factory=set)  # scrubbed from text, never searched by

    @property
    def whole(self) -> bool:
        """Whether this is the person (their record or their phones), not one request's contact."""
        return self.resident is not None or bool(self.phones)

    @property
    def resident_id(self) -> int | None:
        return self.resident.pk if self.resident is not None else None

    def values(self) -> list[str]:
        """The strings that identify the person, longest first (replaced in free text)."""
        found = {v for v in (self.name, self.id_number, *self.phones, *self.other_values) if v and len(v) >= 2}
        return sorted(found, key=len, reverse=True)

    def scrub(self, text: str, replacement: str = ERASED_NAME) -> str:
        """`text` with the person's name, phones and ID number replaced (phones and IDs by ***)."""
        if not text:
            return text
        for value in self.values():
            text = text.replace(value, replacement if value == self.name else "***")
        return text

    def scrub_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub_json(v) for k, v in value.items()}
        return value


@dataclass
class Sheet:
    title: str  # the kind of data, in Chinese (a sheet name: at most 31 characters)
    headers: list[str]
    rows: list[list[Any]]

    @property
    def pairs(self) -> list[tuple[str, Any]]:
        """The one row of a record as (header, value): how the copy's PDF shows a single record."""
        return list(zip(self.headers, self.rows[0], strict=False)) if self.rows else []


@dataclass(frozen=True)
class Contribution:
    name: str
    order: int = 50  # lower first: the copy's sections and the erasure's steps
    export: Callable[[Person], Iterable[Sheet]] | None = None
    erase: Callable[[Person], None] | None = None
    blockers: Callable[[Person], Iterable[str]] | None = None
    per_request: bool = False  # also for one request's contact, when the person is not proven


_contributions: dict[str, Contribution] = {}


def register(contribution: Contribution) -> None:
    """Add a domain's contribution (idempotent: ready() may run more than once in tests)."""
    _contributions[contribution.name] = contribution


def contributions(person: Person | None = None) -> list[Contribution]:
    """Every contribution in order; for a person who is only one request's contact (not `whole`),
    those that handle that case alone."""
    found = sorted(_contributions.values(), key=lambda c: (c.order, c.name))
    return found if person is None or person.whole else [c for c in found if c.per_request]
