"""Reading from the read replica (DATABASE_REPLICA_URL, database alias "replica").

Only what `reading_replica()` wraps reads there: the dashboards, the lists and exports behind them,
the work report, the registry's and the audit log's exports and the stats API. Everything else reads
the primary, so a request that writes and then reads sees its write. Inside the wrapped code too,
every write goes to the primary, and so does every read inside a transaction (a read that decides
a write, as the tallies' refresh makes before it recounts). Raw SQL takes its connection from the
same choice: `connections[queryset.db]`.

Without a "replica" alias everything uses the primary ("default").
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"
_reading = ContextVar("reading_replica", default=False)


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads in this block (or the function it decorates) go to the replica, if there is one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def read_alias() -> str:
    """The alias a read made now uses."""
    if _reading.get() and REPLICA in connections.settings and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """DATABASE_ROUTERS: reads as read_alias() says, writes to the primary."""

    def db_for_read(self, model: type[Model], **hints: object) -> str:
        return read_alias()

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool:
        return True  # the replica holds the primary's rows: a row read there may be linked to one here
