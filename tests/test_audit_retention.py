"""The audit log cannot be deleted in SQL either: the database refuses DELETE as it refuses UPDATE.
Only the retention job removes entries, those older than six months at least, and it writes its own
removal into each community's log."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.accounts.retention import MIN_DAYS, purge_expired


def written_days_ago(days: int, **fields: object) -> AuditEntry:
    """An entry as it was written `days` ago (raw, as loaddata saves: `at` kept as given)."""
    entry = AuditEntry(
        at=timezone.now() - timedelta(days=days), action="view", object_type="resident", actor_name="admin", **fields
    )
    entry.save_base(raw=True)
    return entry


def delete_in_sql(where: str = "", params: tuple = ()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM accounts_auditentry {where}", params)


def test_the_database_refuses_deleting_an_entry(world):
    entry = record(None, "view", world.liu, actor=world.admin)
    with pytest.raises(DatabaseError, match="append-only"):
        delete_in_sql("WHERE id = %s", (entry.pk,))
    with pytest.raises(DatabaseError, match="append-only"):
        delete_in_sql()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_retention_job_removes_only_entries_past_the_period_and_says_so(world, login):
    record(None, "view", world.liu, actor=world.admin)
    record(None, "view", world.stranger, actor=world.outsider)
    assert purge_expired() == 0 and AuditEntry.objects.count() == 2  # nothing is old yet
    later = timezone.now() + timedelta(days=MIN_DAYS, minutes=1)
    assert purge_expired(now=later) == 2
    purges = AuditEntry.objects.filter(action="delete", object_type="auditentry")
    assert sorted(purges.values_list("community_id", "detail")) == sorted(
        [
            (world.community.pk, {"删除条数": 1, "保留天数": MIN_DAYS}),
            (world.other.pk, {"删除条数": 1, "保留天数": MIN_DAYS}),
        ]
    )
    assert AuditEntry.objects.count() == 2  # the two records of the purge itself
    page = login(world.admin).get(reverse("audit", args=["xihu"])).content.decode()
    assert "审计日志" in page and "删除条数：1" in page


def test_after_the_retention_job_deleting_is_refused_again(world):
    record(None, "view", world.liu, actor=world.admin)
    purge_expired(now=timezone.now() + timedelta(days=MIN_DAYS + 1))
    with pytest.raises(DatabaseError, match="append-only"):
        delete_in_sql()
    assert AuditEntry.objects.count() == 1


def test_a_retention_shorter_than_six_months_counts_as_six_months(world, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    record(None, "view", world.liu, actor=world.admin)
    assert purge_expired(now=timezone.now() + timedelta(days=100)) == 0
    settings.AUDIT_RETENTION_DAYS = 400
    assert purge_expired(now=timezone.now() + timedelta(days=MIN_DAYS + 1)) == 0
    assert purge_expired(now=timezone.now() + timedelta(days=401)) == 1


def test_the_worker_runs_the_retention_job(world):
    old = written_days_ago(MIN_DAYS + 1, community=world.community)
    kept = written_days_ago(MIN_DAYS - 1, community=world.community)
    call_command("worker", "--once", stdout=io.StringIO())
    assert set(AuditEntry.objects.filter(action="view").values_list("pk", flat=True)) == {kept.pk}
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.get(action="delete").detail["删除条数"] == 1
