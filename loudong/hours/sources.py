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

from types import ModuleType

_sources: dict[str, ModuleType] = {}


def register_source(module: ModuleType) -> None:
    """Add a source of hours (idempotent: AppConfig.ready() may run more than once in tests)."""
    _sources[module.SOURCE] = module


def sources() -> tuple[ModuleType, ...]:
    return tuple(_sources.values())
