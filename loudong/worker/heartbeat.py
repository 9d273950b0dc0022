"""Each `loudong worker` says it is alive: one row per process (host:pid), its last_seen moved forward
at most every BEAT_SECONDS by the worker's round, read by /healthz (loudong.ops.health). Rows of
processes not seen for KEEP are deleted by the hourly job "heartbeat cleanup"."""

import os
import socket
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from loudong.worker.models import Heartbeat

# Often enough for a health check that allows minutes, rarely enough that idle workers do not keep
# SQLite's single writer busy.
BEAT_SECONDS = 15.0
KEEP = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(worker: str, started_at: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    Heartbeat.objects.bulk_create(
        [Heartbeat(worker=worker, started_at=started_at, last_seen=now)],
        update_conflicts=True,
        unique_fields=["worker"],
        update_fields=["started_at", "last_seen"],
    )


def last_seen() -> datetime | None:
    """When any worker was last seen; None when none ever was (or all were cleaned away)."""
    return Heartbeat.objects.aggregate(at=Max("last_seen"))["at"]


def clean(now: datetime | None = None) -> int:
    """Delete the rows of workers not seen for KEEP; how many."""
    deleted, _ = Heartbeat.objects.filter(last_seen__lt=(now or timezone.now()) - KEEP).delete()
    return deleted


def clean_job() -> str:
    deleted = clean()
    return f"清理了 {deleted} 条停止的后台进程记录" if deleted else ""
