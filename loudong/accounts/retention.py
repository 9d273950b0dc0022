"""Retention: how long personal data is kept, and the jobs that remove or anonymise it after that.

The audit log (`purge_expired`): removing entries older than the retention period is the one
deletion the audit log allows.

The database refuses DELETE on the audit log (a trigger, see migration 0006) unless the deleting
transaction permits it for itself (`deletion_permitted`); only `purge_expired` does, and it writes
its own removal into the log of each community it removed entries from. `loudong worker` runs it
every hour.

Setting AUDIT_RETENTION_DAYS (env LOUDONG_AUDIT_RETENTION_DAYS, default 184): how many days entries
are kept. 网络安全法第二十一条 asks for network logs to be kept at least six months, so a smaller
value counts as 184 days, the longest six months in a row.

Other data (`Rule`, `register`, `run`): each domain registers, from its AppConfig.ready(), the rows
it keeps for a limited time: which rows are past the limit at a cutoff, and what is done to them
(deleted, or anonymised in place). `register` makes each rule a worker job, run once a day; `run`
works through the rows BATCH at a time, one short transaction per batch, so a district's backlog
never holds a table's lock for long, and writes one audit entry per community per run saying how
many rows it removed or anonymised. `loudong purge [--dry-run]` runs every rule at once.

The background tasks' results (django-tasks' database queue: roster imports, outbox deliveries) are
one such rule, registered here since no domain owns them (`TASK_RESULT_RULE`): a task finished
(successful or failed) more than TASK_RESULT_DAYS ago (env LOUDONG_TASK_RESULT_DAYS, default 7) is
deleted; tasks waiting or running are kept.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, QuerySet
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.worker import jobs

MIN_DAYS = 184


def retention_days() -> int:
    return max(MIN_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_DAYS)))


@contextmanager
def deletion_permitted(cursor: CursorWrapper) -> Iterator[None]:
    """Let the current transaction delete audit entries, and no one else: call inside atomic()."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL loudong.audit_purge = 'on'")
        yield
        cursor.execute("SET LOCAL loudong.audit_purge = 'off'")
    else:  # uncommitted, the row is seen by this transaction only
        cursor.execute("INSERT INTO accounts_audit_purge (permitted) VALUES (1)")
        yield
        cursor.execute("DELETE FROM accounts_audit_purge")


def expired_count(now: datetime | None = None) -> int:
    """How many entries `purge_expired` would remove now."""
    return AuditEntry.objects.filter(at__lt=(now or timezone.now()) - timedelta(days=retention_days())).count()


def purge_expired(now: datetime | None = None) -> int:
    """Delete the entries older than the retention period; how many. Each community whose entries
    were removed gets an entry saying how many and up to when."""
    days = retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = AuditEntry.objects.filter(at__lt=cutoff).order_by()
    with transaction.atomic():
        by_community = dict(expired.values_list("community_id").annotate(count=Count("id")))
        if not by_community:
            return 0
        with connection.cursor() as cursor, deletion_permitted(cursor):
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(AuditEntry._meta.db_table)} WHERE at < %s",
                [connection.ops.adapt_datetimefield_value(cutoff)],
            )
            deleted = cursor.rowcount
        before = timezone.localtime(cutoff)
        for community_id, count in by_community.items():
            record(
                None,
                AuditEntry.Action.DELETE,
                community_id=community_id,
                object_type="auditentry",
                object_repr=f"{before:%Y-%m-%d %H:%M} 以前的审计日志",
                detail={"删除条数": count, "保留天数": days},
            )
    return deleted


def purge_expired_job() -> str:
    deleted = purge_expired()
    return f"删除了 {deleted} 条超过保留期限的审计日志" if deleted else ""


# Other data kept for a limited time ------------------------------------------------------------

# Rows changed by one statement: a district's first run may find millions, and a batch of 5,000 keeps
# each transaction (and the locks it holds) short.
BATCH = 5000


@dataclass(frozen=True)
class Rule:
    """Rows kept for a limited time, and what happens to them after it."""

    name: str  # the worker job's name
    what: str  # the rows, in Chinese, for the audit log and `loudong purge`: "已办结点单的联系人信息"
    keep: Callable[[], timedelta]  # how long the rows are kept (read from the settings when run)
    # The rows past the limit at a cutoff; a row once handled by `apply` must no longer be among them.
    due: Callable[[datetime], QuerySet]
    object_type: str  # the model's name in the audit log
    # What is done to a batch of those rows (their ids); how many it changed. None: they are deleted.
    apply: Callable[[list[int]], int] | None = None
    community: str | None = "community_id"  # the path to the rows' community, for the audit log


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    cutoff: datetime
    by_community: dict[int | None, int]

    @property
    def count(self) -> int:
        return sum(self.by_community.values())

    def summary(self, dry_run: bool = False) -> str:
        verb = "删除" if self.rule.apply is None else "匿名化"
        limit = limit_words(self.rule.keep())
        if dry_run:
            return f"将{verb} {self.count} 条{self.rule.what}（保留期限 {limit}）"
        return f"{verb}了 {self.count} 条{self.rule.what}（保留期限 {limit}）" if self.count else ""


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    """Keep the rule for `loudong purge` and run it in the worker once a day."""
    _rules[rule.name] = rule
    jobs.register(rule.name, lambda: run(rule).summary(), every=jobs.DAY)


def registered() -> tuple[Rule, ...]:
    return tuple(_rules.values())


def limit_words(keep: timedelta) -> str:
    """1095 天; a limit under two days, or not of whole days, in hours: 24 小时."""
    return f"{keep.days} 天" if keep.days >= 2 and not keep.seconds else f"{int(keep.total_seconds() // 3600)} 小时"


def run(rule: Rule, now: datetime | None = None, dry_run: bool = False) -> Outcome:
    """Remove or anonymise the rule's rows past the limit, BATCH a transaction, and write what was done
    into the audit log of each community concerned (a row without a community: an entry without one).
    With dry_run, count them and change nothing."""
    keep = rule.keep()
    cutoff = (now or timezone.now()) - keep
    if dry_run:
        due = rule.due(cutoff).order_by()
        if rule.community:
            counts = dict(due.values_list(rule.community).annotate(count=Count("pk")))
        else:
            counts = {None: due.count()}
        return Outcome(rule, cutoff, {community: n for community, n in counts.items() if n})
    fields = ("pk", rule.community) if rule.community else ("pk",)
    done: Counter = Counter()
    while True:
        with transaction.atomic():
            # Rows another worker is handling are skipped (PostgreSQL); SQLite has one writer at a time.
            batch = list(
                rule.due(cutoff)
                .order_by()
                .select_for_update(skip_locked=True, of=("self",))
                .values_list(*fields)[:BATCH]
            )
            if batch:
                ids = [row[0] for row in batch]
                if rule.apply is None:
                    rule.due(cutoff).model.objects.filter(pk__in=ids).delete()
                else:
                    rule.apply(ids)
                done.update(row[1] if rule.community else None for row in batch)
        if len(batch) < BATCH:
            break
    outcome = Outcome(rule, cutoff, dict(done))
    if done:
        _write_down(outcome, keep)
    return outcome


def _write_down(outcome: Outcome, keep: timedelta) -> None:
    rule, before = outcome.rule, timezone.localtime(outcome.cutoff)
    with transaction.atomic():
        for community_id, count in outcome.by_community.items():
            record(
                None,
                AuditEntry.Action.DELETE if rule.apply is None else AuditEntry.Action.UPDATE,
                community_id=community_id,
                object_type=rule.object_type,
                object_repr=f"{before:%Y-%m-%d %H:%M} 以前的{rule.what}",
                detail={"条数": count, "保留期限": limit_words(keep)},
            )


def finished_tasks_before(cutoff: datetime) -> QuerySet:
    return DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    )


TASK_RESULT_RULE = Rule(
    name="task result retention",
    what="已结束的后台任务记录",
    keep=lambda: timedelta(days=int(getattr(settings, "TASK_RESULT_DAYS", 7))),
    due=finished_tasks_before,
    object_type="dbtaskresult",
    community=None,
)
