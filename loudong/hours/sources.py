"""The sources of volunteer hours, registered by the domains that record service.

Hours sit below the domains that record them (errands in tickets, visits in outreach, activities in
community_life), so the ledger never imports them: each registers its `hours_source` module here
from its AppConfig.ready(). A source module offers (see loudong.hours.records):
- `SOURCE`, its name ("errand", "visit", "activity");
- `service_records(community_id, start, end)` and `service_records_many(community_ids, start, end,
  source_ids=None)`, its records as `ServiceRecord`s;
- `minutes_by_member(community_ids, start, end, member_ids=None)`, {member id: minutes} summed in the
  database.
"""

from collections.abc import Callable
from datetime import date
from types import ModuleType

MinutesReader = Callable[[list[int], date, date, list[int] | None], dict[int, int]]
_sources: dict[str, ModuleType] = {}
_totals: dict[str, MinutesReader] = {}


def register_source(module: ModuleType) -> None:
    """Add a source of hours (idempotent: AppConfig.ready() may run more than once in tests)."""
    _sources[module.SOURCE] = module


def sources() -> tuple[ModuleType, ...]:
    return tuple(_sources.values())


def register_totals(source: str, reader: MinutesReader) -> None:
    """A faster reader of one source's minutes per member, kept by an upper layer (the stats keep the
    errands' minutes tallied per day, week and month); it must answer exactly as the source would."""
    _totals[source] = reader


def minutes_by_member(
    module: ModuleType, community_ids: list[int], start: date, end: date, member_ids: list[int] | None = None
) -> dict[int, int]:
    """{member: minutes} of one source's records, through its registered faster reader if any."""
    reader = _totals.get(module.SOURCE, module.minutes_by_member)
    return reader(community_ids, start, end, member_ids)
