"""`loudong worker`: the one background process.

Every second it runs the queued background tasks (roster imports, outbox deliveries: the
django-tasks database queue, as `db_worker` would); every minute it sweeps request deadlines
(reminders, late responses, overdue escalation, auto-close), sends outbox messages whose
retry time has come and marks failed the roster imports whose process died; every hour it purges
expired API idempotency answers.

Run exactly one per deployment (more are safe, since every step locks or claims its rows, but
unnecessary):  .venv/bin/loudong worker   (Ctrl+C or SIGTERM stops it after the current step)
`--once` does one round of everything and exits (for cron or tests).
"""

import logging
import signal
import time
from types import FrameType

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from loudong.notify.outbox import send_due
from loudong.registry.roster.tasks import fail_stalled
from loudong.tickets.tasks import sweep

log = logging.getLogger("loudong.worker")
SWEEP_SECONDS = 60
PURGE_SECONDS = 3600


class Command(BaseCommand):
    help = "后台进程：执行排队任务，每分钟检查点单期限并发送通知"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="检查任务队列的间隔（秒）")

    def handle(self, *args: object, once: bool = False, interval: float = 1.0, **options: object) -> None:
        self.running = True
        if not once:
            signal.signal(signal.SIGINT, self._stop)
            signal.signal(signal.SIGTERM, self._stop)
            self.stdout.write(f"后台进程已启动（{timezone.localtime():%Y-%m-%d %H:%M}）")
        last_sweep = last_purge = 0.0
        while self.running:
            if not once:  # a long-lived process drops connections the database has closed
                close_old_connections()
            self.run_queued_tasks()
            self.drain_intake()
            clock = time.monotonic()
            if clock - last_sweep >= SWEEP_SECONDS or once:
                last_sweep = clock
                self.sweep_once()
                self.refresh_stats()
            if clock - last_purge >= PURGE_SECONDS or once:
                last_purge = clock
                self.purge_idempotency()
            if once:
                return
            time.sleep(interval)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stdout.write("正在停止后台进程……")
        self.running = False

    def run_queued_tasks(self) -> None:
        """Everything waiting in the django-tasks database queue, then return."""
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            return
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name=backend.alias,
                        startup_delay=False, max_tasks=None, worker_id=get_random_string(32),
                        excluded_queue_names=[])
        try:
            worker.run()
        except Exception:  # noqa: BLE001 - a broken task must not stop the sweeps
            log.exception("running queued tasks failed")

    def drain_intake(self) -> None:
        """Submissions acknowledged since the last round become requests (loudong.tickets.intake)."""
        from loudong.tickets.intake import drain

        try:
            drain()
        except Exception:  # noqa: BLE001 - the rows stay; the next round tries again
            log.exception("placing received submissions failed")

    def sweep_once(self) -> None:
        try:
            done = sweep()
            sent = send_due()
            stalled = fail_stalled()
        except Exception:  # noqa: BLE001 - try again next minute
            log.exception("deadline sweep failed")
            return
        if any(done.values()) or sent:
            self.stdout.write(
                f"{timezone.localtime():%H:%M} 提醒 {done['reminded']}，响应超时 {done['response_late']}，"
                f"超期督办 {done['escalated']}，自动办结 {done['closed']}，发送通知 {sent}"
            )
        if stalled:
            self.stdout.write(f"{timezone.localtime():%H:%M} 中断的名册导入 {stalled} 个已标记为失败")

    def refresh_stats(self) -> None:
        """Recount the stats tallies of the days whose finished requests changed, and the group
        coverage of the communities whose registry changed."""
        from loudong.stats import coverage, tally

        try:
            tally.refresh()
            coverage.refresh()
        except Exception:  # noqa: BLE001 - readers recount what they need; try again next minute
            log.exception("refreshing the stats tallies failed")

    def purge_idempotency(self) -> None:
        try:
            from loudong.api.idempotency import purge_expired
        except ImportError:
            return
        try:
            purge_expired()
        except Exception:  # noqa: BLE001
            log.exception("purging idempotency answers failed")
