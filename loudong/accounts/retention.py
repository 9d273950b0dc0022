"""Removing audit entries older than the retention period: the one deletion the audit log allows.

The database refuses DELETE on the audit log (a trigger, see migration 0006) unless the deleting
transaction permits it for itself (`deletion_permitted`); only `purge_expired` does, and it writes
its own removal into the log of each community it removed entries from. `loudong worker` runs it
every hour.

Setting AUDIT_RETENTION_DAYS (env LOUDONG_AUDIT_RETENTION_DAYS, default 184): how many days entries
are kept. 网络安全法第二十一条 asks for network logs to be kept at least six months, so a smaller
value counts as 184 days, the longest six months in a row.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry

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
