"""The deadline sweep: what `loudong worker` runs every minute (the job "deadlines").

Each query reads one indexed column (remind_at, response_due_at, next_escalation_at,
(status, resolved_at)) and takes at most BATCH rows. Each row is handled in its own transaction that
first locks it, still due, with SKIP LOCKED (`_claimed`): several workers sweeping at once share the
rows (PostgreSQL; SQLite has one writer at a time), a row another worker holds or has handled is
passed over, and the actions re-check it under their own lock.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from loudong.tickets import actions, deadlines
from loudong.tickets.models import RUNNING, Request, Status

BATCH = 500


def _each(rows: QuerySet, act: Callable[..., bool], now: datetime) -> int:
    """`act` on each of up to BATCH due rows, in a transaction that first locks the row, unless
    another worker holds it or it is no longer due; how many it changed."""
    done = 0
    for pk in list(rows.order_by().values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            if rows.filter(pk=pk).select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True):
                done += act(Request(pk=pk), now=now)
    return done


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Remind, report late responses, escalate overdue requests and close unrated ones."""
    now = now or timezone.now()
    done = {"reminded": 0, "response_late": 0, "escalated": 0, "closed": 0}
    reminders = Request.objects.filter(remind_at__lte=now, reminded_at__isnull=True, status__in=RUNNING)
    done["reminded"] = _each(reminders, actions.remind, now)
    late = Request.objects.filter(
        response_due_at__lte=now, response_late=False, status__in=(Status.SUBMITTED, Status.DISPATCHED)
    )
    done["response_late"] = _each(late, actions.mark_response_late, now)
    overdue = Request.objects.filter(next_escalation_at__lte=now, status__in=RUNNING)
    done["escalated"] = _each(overdue, actions.step_overdue, now)
    unrated = Request.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - deadlines.AUTO_CLOSE_AFTER)
    done["closed"] = _each(unrated, actions.close_unrated, now)
    return done


def sweep_job() -> str:
    done = sweep()
    if not any(done.values()):
        return ""
    return (
        f"提醒 {done['reminded']}，响应超时 {done['response_late']}，超期督办 {done['escalated']}，"
        f"自动办结 {done['closed']}"
    )
