"""Keeping the tallies of finished requests (loudong.stats.models) exact, and reading them.

Writing: `mark(req)` flags the request's community and collection day as stale (one UPSERT, in the
transaction of the change); `refresh(community_ids)` recomputes the flagged days of those
communities (their day rows, the week and month rows above them, their trend rows, the local month
rows, the errand minutes of those days and the weeks and months they were served in), one community
per transaction; `loudong worker` calls it for all each minute (job "tallies"), and readers never do:
a page only reads, and says up to when the tallies count (`tallied_at`). `rebuild()` recomputes
everything (`loudong stats_rebuild`, after bulk loads). The rows come from the request table through
the figures' own definitions, in INSERT ... SELECT statements: nothing passes through Python.

A flag is taken under a row lock (SELECT ... FOR UPDATE SKIP LOCKED, then DELETE) and the recount
runs after it in the same transaction: a change committed before the flag is taken is counted, a
change still running holds the flag's row (its UPSERT updates it) until it commits, so the flag is
skipped and stays for the next round, and a later change flags the day again.

Reading: `pieces`, `area_q` and `split_months` cut a period into the fewest month, week and day rows;
`errand_minutes` gives the hours ledger its errands' minutes per volunteer.
"""

from datetime import UTC, date, datetime, timedelta

from django.db import connection, connections, transaction
from django.db.models import Count, DateField, Func, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from loudong.lib.shanghai import SHANGHAI, local_date
from loudong.registry.models import Community
from loudong.stats.definitions import RECORD_SETS
from loudong.stats.models import (
    TALLIED,
    AreaTally,
    AreaTrend,
    DirtyDay,
    ErrandDay,
    ErrandMonth,
    ErrandWeek,
    LocalTally,
    count_field,
)
from loudong.stats.period import Period
from loudong.tickets import hours_source as errand_source
from loudong.tickets.models import OPEN, Request

# Finished requests are counted as if every deadline had passed (see loudong.stats.models).
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
LOCAL_DIMENSIONS = ("category_code", "building_id", "group_id", "assignee_id")
LOCAL_TALLIED = LOCAL_DIMENSIONS[1:]  # a community's categories come from its area tallies
DAY = timedelta(days=1)


# China keeps UTC+8 all year (no daylight saving since 1991): the Shanghai day of a moment is the
# UTC day of the moment 8 hours later, computed in SQL with the fixed offset. On SQLite it replaces
# Django's per-row Python conversion (420 of 544 ms of a community's dashboard on 200,000 requests);
# on PostgreSQL, `AT TIME ZONE 'Asia/Shanghai'` looks the zone's rules up for every row (14 of 35 ms
# of grouping a district's 44,000 open requests by day).
SHANGHAI_DAY_SQL = {
    "sqlite": "date({}, '+8 hours')",
    "postgresql": "(({} AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date",
}
SHANGHAI_MONTH_SQL = {
    "sqlite": "date({}, '+8 hours', 'start of month')",
    "postgresql": "DATE_TRUNC('month', ({} AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date",
}


class ShanghaiDate(TruncDate):
    """The Shanghai calendar day of a moment (see SHANGHAI_DAY_SQL)."""

    def as_sql(self, compiler: object, connection: object, **extra_context: object) -> tuple[str, list]:
        sql, params = compiler.compile(self.lhs)
        return SHANGHAI_DAY_SQL[connection.vendor].format(sql), list(params)


class ShanghaiMonth(Func):
    """The first day of a moment's Shanghai calendar month, as a date."""

    output_field = DateField()

    def as_sql(self, compiler: object, connection: object, **extra_context: object) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        return SHANGHAI_MONTH_SQL[connection.vendor].format(sql), list(params)


def month_add(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Writing ------------------------------------------------------------------------------------------


def mark(req: Request) -> None:
    """The request changed while finished (or stopped being so): its day's tallies are stale."""
    DirtyDay.objects.bulk_create(
        [DirtyDay(community_id=req.community_id, day=local_date(req.created_at), marked_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["community", "day"],
        update_fields=["marked_at"],
    )


def sums() -> dict[str, Sum]:
    """Sum every tallied count, named by its figure key."""
    return {key: Sum(count_field(key)) for key in TALLIED}


def finished(requests: QuerySet) -> QuerySet:
    return requests.exclude(status__among=OPEN).order_by()


def counts(now: datetime) -> dict[str, Count]:
    return {count_field(key): Count("pk", filter=RECORD_SETS[key].q(now)) for key in TALLIED}


def _insert(model: type, rows: QuerySet, renamed: dict[str, str] | None = None, **fixed: object) -> None:
    """INSERT INTO model's table SELECT `rows` (a values() query whose names are the model's fields,
    or fields through `renamed`; `name` stands for category_name), with `fixed` values in front."""
    renamed = {"name": "category_name", **(renamed or {})}
    query = rows.query
    names = list(query.selected)  # the SELECT's order: values(), then the annotations after it
    fields = [*fixed, *(renamed.get(n, n) for n in names)]
    columns = ", ".join(
        model._meta.get_field(f.removesuffix("_id")).column if f.endswith("_id") else model._meta.get_field(f).column
        for f in fields
    )
    sql, params = query.sql_with_params()
    marks = "".join("%s, " for _ in fixed)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {marks}t.* FROM ({sql}) t",
            [*fixed.values(), *params],
        )


def _area_days(requests: QuerySet) -> QuerySet:
    return (
        finished(requests)
        .annotate(start=ShanghaiDate("created_at", tzinfo=SHANGHAI))
        .values("community_id", "start", "category_code")
        .annotate(name=Max("category_name"), **counts(FAR_FUTURE))
    )


def _local_months(requests: QuerySet) -> QuerySet:
    return (
        finished(requests)
        .annotate(start=ShanghaiMonth("created_at"))
        .values("community_id", "start", *LOCAL_TALLIED)
        .annotate(**counts(FAR_FUTURE))
    )


def _span_sql(span: str, column: str = "start") -> str:
    """SQL for the week's Monday or the month's first day of a date column."""
    if connection.vendor == "postgresql":
        return f"DATE_TRUNC('{'week' if span == 'w' else 'month'}', {column})::date"
    return f"date({column}, 'weekday 0', '-6 days')" if span == "w" else f"date({column}, 'start of month')"


def _spans_of(
    span: str, column: str, rows: QuerySet, community_ids: list[int] | None, starts: set[date] | None
) -> tuple[QuerySet, str, list]:
    """For a roll-up into week or month rows: the stale rows to delete (`rows` of these communities
    and starts; all with None), and the SQL conditions with their parameters that pick the rows
    they are summed from (those whose date `column` falls in one of these spans)."""
    where, params = ["1 = 1"], []
    if community_ids is not None:
        rows = rows.filter(community_id__in=community_ids)
        where.append(f"community_id IN ({', '.join(['%s'] * len(community_ids))})")
        params += community_ids
    if starts is not None:
        rows = rows.filter(start__in=starts)
        where.append(f"{_span_sql(span, column)} IN ({', '.join(['%s'] * len(starts))})")
        where.append(f"{column} >= %s AND {column} < %s")
        params += [*sorted(starts), min(starts), max(starts) + timedelta(days=31)]
    return rows, " AND ".join(where), params


def _roll_up(span: str, community_ids: list[int] | None, starts: set[date] | None) -> None:
    """The week or month rows of AreaTally from its day rows (of `starts` only, or all)."""
    if starts is not None and not starts:
        return
    stale, where, params = _spans_of(span, "start", AreaTally.objects.filter(span=span), community_ids, starts)
    stale.delete()
    columns = [count_field(k) for k in TALLIED]
    table = AreaTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (community_id, span, start, category_code, category_name, {', '.join(columns)}) "
            f"SELECT community_id, %s, {_span_sql(span)}, category_code, MAX(category_name), "
            f"{', '.join(f'SUM({c})' for c in columns)} FROM {table} WHERE span = 'd' AND {where} "
            f"GROUP BY community_id, {_span_sql(span)}, category_code",
            [span, *params],
        )


def _trend(community_ids: list[int] | None, starts: dict[str, set[date]] | None) -> None:
    """AreaTrend's rows from AreaTally's, summed over the categories (of these spans' starts, or all)."""
    q = Q()
    if starts is not None:
        q = Q(pk__in=[])
        for span, days in starts.items():
            q |= Q(span=span, start__in=days)
    if community_ids is not None:
        q &= Q(community_id__in=community_ids)
    AreaTrend.objects.filter(q).delete()
    _insert(
        AreaTrend,
        AreaTally.objects.filter(q)
        .order_by()
        .values("community_id", "span", "start")
        .annotate(all_collected=Sum("collected"), all_resolved=Sum("resolved")),
        {"all_collected": "collected", "all_resolved": "resolved"},
    )


def _errand_days(requests: QuerySet) -> QuerySet:
    return (
        errand_source.errands(requests)
        .order_by()
        .annotate(
            day=ShanghaiDate("created_at", tzinfo=SHANGHAI), served_on=ShanghaiDate("resolved_at", tzinfo=SHANGHAI)
        )
        .values("community_id", "day", "served_on", "assignee_id")
        .annotate(minutes=Sum("time_spent_minutes"))
    )


ERRAND_SPANS = {"w": ErrandWeek, "m": ErrandMonth}


def _errand_spans(span: str, community_ids: list[int] | None, starts: set[date] | None) -> None:
    """ErrandWeek ("w") or ErrandMonth ("m") rows from ErrandDay (of `starts` only, or all)."""
    if starts is not None and not starts:
        return
    model = ERRAND_SPANS[span]
    stale, where, params = _spans_of(span, "served_on", model.objects.all(), community_ids, starts)
    stale.delete()
    start = _span_sql(span, "served_on")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} (community_id, start, member_id, minutes) "
            f"SELECT community_id, {start}, member_id, SUM(minutes) FROM {ErrandDay._meta.db_table} "
            f"WHERE {where} GROUP BY community_id, {start}, member_id",
            params,
        )


def errand_minutes(
    community_ids: list[int], start: date, end: date, member_ids: list[int] | None = None
) -> dict[int, int]:
    """{member: minutes} of the offline errands served start..end (loudong.tickets.hours_source):
    month rows for whole months, week rows for the whole weeks around them, day rows for the rest;
    only the given members'. Each range is summed per member on its own (it reads its index alone)
    and the sums are added in the same statement (a district's members come back once)."""
    using = ErrandDay.objects.db  # the replica inside loudong.lib.replica.reading_replica
    parts, params = [], []
    for span, lo, hi in pieces(start, end):
        if span == "d":
            rows = ErrandDay.objects.filter(served_on__gte=lo, served_on__lte=hi)
        else:
            rows = ERRAND_SPANS[span].objects.filter(start__gte=lo, start__lt=hi)
        rows = rows.filter(community_id__in_ids=community_ids)
        if member_ids is not None:
            rows = rows.filter(member_id__in=member_ids)
        query = rows.order_by().values("member_id").annotate(total=Sum("minutes")).query
        sql, part_params = query.get_compiler(using).as_sql()
        parts.append(sql)
        params += part_params
    if not parts:
        return {}
    with connections[using].cursor() as cursor:  # (PostgreSQL's SUM of a bigint is a numeric: cast back)
        cursor.execute(
            f"SELECT member_id, CAST(SUM(total) AS BIGINT) FROM ({' UNION ALL '.join(parts)}) t GROUP BY member_id",
            params,
        )
        return dict(cursor.fetchall())


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days (first, last)."""
    out: list[list[date]] = []
    for day in days:
        if out and day - out[-1][1] == DAY:
            out[-1][1] = day
        else:
            out.append([day, day])
    return [(a, b) for a, b in out]


def _recount(community_id: int, days: list[date]) -> None:
    days = sorted(set(days))
    requests = Request.objects.filter(community_id=community_id)
    AreaTally.objects.filter(community_id=community_id, span=AreaTally.Span.DAY, start__in=days).delete()
    for first, last in _runs(days):
        lo, hi = Period(first, last).bounds()
        _insert(AreaTally, _area_days(requests.filter(created_at__gte=lo, created_at__lt=hi)), span="d")
    weeks = {monday(d) for d in days}
    months = sorted({d.replace(day=1) for d in days})
    _roll_up("w", [community_id], weeks)
    _roll_up("m", [community_id], set(months))
    _trend([community_id], {"d": set(days), "w": weeks, "m": set(months)})
    LocalTally.objects.filter(community_id=community_id, start__in=months).delete()
    for first, last in _runs(months):
        lo, hi = Period(first, month_add(last, 1) - DAY).bounds()
        _insert(LocalTally, _local_months(requests.filter(created_at__gte=lo, created_at__lt=hi)))
    errands = ErrandDay.objects.filter(community_id=community_id, day__in=days)
    served = set(errands.values_list("served_on", flat=True))
    errands.delete()
    for first, last in _runs(days):
        lo, hi = Period(first, last).bounds()
        _insert(
            ErrandDay,
            _errand_days(requests.filter(created_at__gte=lo, created_at__lt=hi)),
            {"assignee_id": "member_id"},
        )
    served |= set(errands.values_list("served_on", flat=True))
    _errand_spans("w", [community_id], {monday(d) for d in served})
    _errand_spans("m", [community_id], {d.replace(day=1) for d in served})


def refresh(community_ids: list[int] | None = None) -> int:
    """Recount the stale days of these communities (all with None), one community per transaction;
    the number of days recounted.

    Several workers share the work (PostgreSQL): a community is taken under a lock on its row that
    the others skip (FOR NO KEY UPDATE SKIP LOCKED: inserts referencing it still go on), so two
    workers never recount the same community at once and each moves on to the next. Its flags are
    taken with SKIP LOCKED too: a flag a change still running holds (its UPSERT) is left for the
    next round, when the change has committed. SQLite has one writer at a time: a second worker
    waits for the first community and then takes the next."""
    done, after = 0, 0
    while True:
        with transaction.atomic():
            stale = DirtyDay.objects.filter(community_id__gt=after).order_by("community_id")
            if community_ids is not None:
                stale = stale.filter(community_id__in_ids=community_ids)
            after = stale.values_list("community_id", flat=True).first()
            if after is None:
                return done
            if not (
                Community.objects.filter(pk=after)
                .select_for_update(no_key=True, skip_locked=True)
                .values_list("pk", flat=True)
            ):
                continue  # another worker is recounting it
            rows = list(
                DirtyDay.objects.filter(community_id=after).select_for_update(skip_locked=True).values_list("pk", "day")
            )
            if rows:
                DirtyDay.objects.filter(pk__in=[pk for pk, _day in rows]).delete()
                _recount(after, [day for _pk, day in rows])
                done += len(rows)


def tallied_at(community_ids: list[int], now: datetime) -> datetime:
    """Up to when these communities' tallies count every change: when their oldest flag still
    waiting for the worker was set, or `now` when none waits."""
    oldest = DirtyDay.objects.filter(community_id__in_ids=community_ids).aggregate(at=Min("marked_at"))["at"]
    return min(oldest, now) if oldest else now


def rebuild(community_ids: list[int] | None = None) -> None:
    """Every tally again from the request table (of these communities, or all)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # the whole table is grouped: sort in memory, in parallel
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
        requests = Request.objects.all()
        tables = [
            DirtyDay.objects.all(),
            AreaTally.objects.all(),
            AreaTrend.objects.all(),
            LocalTally.objects.all(),
            ErrandDay.objects.all(),
            ErrandWeek.objects.all(),
            ErrandMonth.objects.all(),
        ]
        if community_ids is not None:
            requests = requests.filter(community_id__in=community_ids)
            tables = [t.filter(community_id__in=community_ids) for t in tables]
        for rows in tables:
            rows.delete()
        _insert(AreaTally, _area_days(requests), span="d")
        _roll_up("w", community_ids, None)
        _roll_up("m", community_ids, None)
        _trend(community_ids, None)
        _insert(LocalTally, _local_months(requests))
        _insert(ErrandDay, _errand_days(requests), {"assignee_id": "member_id"})
        _errand_spans("w", community_ids, None)
        _errand_spans("m", community_ids, None)


# Reading ------------------------------------------------------------------------------------------


def split(
    first: date, last: date, start_of: "type", step: "type"
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole spans (weeks or months) inside first..last as (first span start, start after the
    last), and the days before and after them as (first, last) pairs."""
    lo = first if start_of(first) == first else step(start_of(first))
    hi = step(start_of(last)) if step(start_of(last)) - DAY == last else start_of(last)
    if lo >= hi:
        return None, [(first, last)]
    edges = [(first, lo - DAY)] if first < lo else []
    if hi <= last:
        edges.append((hi, last))
    return (lo, hi), edges


def split_months(first: date, last: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    return split(first, last, lambda d: d.replace(day=1), lambda d: month_add(d, 1))


def split_weeks(first: date, last: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    return split(first, last, monday, lambda d: d + timedelta(weeks=1))


def pieces(first: date, last: date) -> list[tuple[str, date, date]]:
    """The fewest tally rows that add up to the days first..last: whole months ("m", first month,
    month after the last), whole weeks around them ("w", first Monday, Monday after the last), and
    the days left ("d", first day, last day)."""
    months, rest = split_months(first, last)
    out = [("m", *months)] if months else []
    for lo, hi in rest:
        weeks, days = split_weeks(lo, hi)
        if weeks:
            out.append(("w", *weeks))
        out += [("d", a, b) for a, b in days]
    return out


def area_q(first: date, last: date) -> Q:
    """AreaTally rows that add up to the days first..last: whole months, whole weeks, then days."""
    q = Q(pk__in=[])
    for span, lo, hi in pieces(first, last):
        q |= Q(span=span, start__gte=lo, start__lte=hi) if span == "d" else Q(span=span, start__gte=lo, start__lt=hi)
    return q
