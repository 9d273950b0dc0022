"""Reading large aggregate results without Django's per-value conversion."""

from datetime import date

from django.db import connection
from django.db.models import QuerySet


def plain_values(rows: QuerySet, dates: tuple[str, ...] = ()) -> list[dict]:
    """The dicts a values() query gives, read straight off the cursor. Django runs a converter on
    every value of an aggregate (an int() per count); a district's grouped counts are tens of
    thousands of values, and the conversions took longer than the query. Only for columns whose
    database values are already the Python ones: integers, text, and the `dates` columns, which
    SQLite returns as ISO text."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        out = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for name in dates:
        for row in out:
            if isinstance(row[name], str):
                row[name] = date.fromisoformat(row[name])
    return out
