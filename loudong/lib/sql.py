"""Database helpers for the dashboards' large reads: a lookup that binds a list of ids as one
array, and reading aggregate results without Django's per-value conversion; and a cursor whose
statements PostgreSQL plans once per connection, for the few statements every API call runs."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache

from django.conf import settings
from django.db import connection, connections
from django.db.models import Field, ForeignObject, Lookup, QuerySet


class InIds(Lookup):
    """`community_id__in_ids=ids`: `__in` for a list of integer ids, bound on PostgreSQL as one array
    (`= ANY(%s)`). Django binds every value of `__in` as its own parameter and prepares each; for a
    district's 200 communities that took 1.7 ms per query (20 queries a dashboard), against 0.1 ms
    for one array. Other databases get the plain IN list."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def as_sql(self, compiler: object, connection: object) -> tuple[str, list]:
        lhs, params = self.process_lhs(compiler, connection)
        ids = [int(pk) for pk in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, ids]
        if not ids:
            return "1 = 0", params
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]


Field.register_lookup(InIds)
ForeignObject.register_lookup(InIds)  # a foreign key sees only its own class's lookups


def plain_values(rows: QuerySet, dates: tuple[str, ...] = ()) -> list[dict]:
    """The dicts a values() query gives, read straight off the cursor. Django runs a converter on
    every value of an aggregate (an int() per count); a district's grouped counts are tens of
    thousands of values, and the conversions took longer than the query. Only for columns whose
    database values are already the Python ones: integers, text, and the `dates` columns, which
    SQLite returns as ISO text. Read where the query would read (rows.db: the replica inside
    loudong.lib.replica.reading_replica)."""
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        out = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for name in dates:
        for row in out:
            if isinstance(row[name], str):
                row[name] = date.fromisoformat(row[name])
    return out


@contextmanager
def prepared_cursor() -> Iterator[object]:
    """A cursor (Django's, so that debugging and tests see its statements) for the statements every
    API call or submission runs. On PostgreSQL each statement is prepared on the server once per
    connection and then only executed: planning was most of the server's work for them (measured on
    2 shared cores: the token check 0.43 → 0.13 ms of the server's CPU, a submission's checks 1.14 →
    0.26 ms). Parameters are bound on the server. Through PgBouncer (settings.PGBOUNCER: transaction pooling
    hands a client a different server session each time, and a prepared statement lives in one) and
    on SQLite, a plain cursor. The prepared cursor is made once per connection and kept: making
    and closing a cursor per statement cost a fifth of psycopg's time for these statements."""
    # Not while statements are logged (DEBUG, tests counting them): psycopg keeps no text of a
    # prepared statement's execution, and the log would show None.
    if connection.vendor != "postgresql" or settings.PGBOUNCER or connection.queries_logged:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = connection.connection
    prepared = getattr(raw, "loudong_prepared", None)
    if prepared is None or prepared.closed:
        if raw.prepare_threshold is None:
            # Off for the connection (settings: no statement is prepared by how often it runs);
            # psycopg then refuses prepare=True too. A count never reached prepares only these.
            raw.prepare_threshold = sys.maxsize
        prepared = raw.loudong_prepared = _prepared_class()(raw)
    yield connection._prepare_cursor(prepared)  # Django's wrapper (its errors), not closed: kept


@cache
def _prepared_class() -> type:
    import psycopg

    class Prepared(psycopg.Cursor):
        def execute(self, query: str, params: object = None, **options: object) -> "Prepared":
            return super().execute(query, params, **{**options, "prepare": True})

    return Prepared
