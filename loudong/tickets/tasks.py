"""The deadline sweep: what `loudong worker` runs every minute (the job "deadlines").

Each query reads one indexed column (remind_at, response_due_at, next_escalation_at,
(status, resolved_at)) and takes at most BATCH rows; the actions re-check each row under a lock,
so running two sweeps at once is harmless.
"""

from datetime import datetime

from django.utils import timezone

from loudong.tickets import actions, deadlines
from loudong.tickets.models import RUNNING, Request, Status

BATCH = 500


def _ids(rows: "object") -> list[int]:
    return list(rows.order_by().values_list("pk", flat=True)[:BATCH])


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Remind, report late responses, escalate overdue requests and close unrated ones."""
    now = now or timezone.now()
    done = {"reminded": 0, "response_late": 0, "escalated": 0, "closed": 0}
    reminders = Request.objects.filter(remind_at__lte=now, reminded_at__isnull=True, status__in=RUNNING)
    for pk in _ids(reminders):
        done["reminded"] += actions.remind(Request(pk=pk), now=now)
    late = Request.objects.filter(
        response_due_at__lte=now, response_late=False, status__in=(Status.SUBMITTED, Status.DISPATCHED)
    )
    for pk in _ids(late):
        done["response_late"] += actions.mark_response_late(Request(pk=pk), now=now)
    overdue = Request.objects.filter(next_escalation_at__lte=now, status__in=RUNNING)
    for pk in _ids(overdue):
        done["escalated"] += actions.step_overdue(Request(pk=pk), now=now)
    unrated = Request.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - deadlines.AUTO_CLOSE_AFTER)
    for pk in _ids(unrated):
        done["closed"] += actions.close_unrated(Request(pk=pk), now=now)
    return done


def sweep_job() -> str:
    done = sweep()
    if not any(done.values()):
        return ""
    return (
        f"提醒 {done['reminded']}，响应超时 {done['response_late']}，超期督办 {done['escalated']}，"
        f"自动办结 {done['closed']}"
    )
