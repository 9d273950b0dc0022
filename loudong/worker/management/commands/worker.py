"""`loudong worker`: runs the queued tasks and the registered jobs (see loudong.worker).

Run one or more per deployment (with PostgreSQL they share every queue: see loudong.worker):
  .venv/bin/loudong worker      (Ctrl+C or SIGTERM stops it after the current step)
`--once` runs the queue and every job once and exits (for cron or tests).
"""

import logging
import signal
import time
from datetime import datetime
from types import FrameType

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from loudong.worker import heartbeat
from loudong.worker.jobs import Job, registered

log = logging.getLogger("loudong.worker")


class Command(BaseCommand):
    help = "后台进程：执行排队任务，放置收到的点单，每分钟检查期限、发送通知、更新统计"
    # The checks import every URLconf and view module: memory a background process never uses.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="检查任务队列的间隔（秒）")

    def handle(self, *args: object, once: bool = False, interval: float = 1.0, **options: object) -> None:
        self.running = True
        if not once:
            signal.signal(signal.SIGINT, self._stop)
            signal.signal(signal.SIGTERM, self._stop)
            self.stdout.write(f"后台进程已启动（{timezone.localtime():%Y-%m-%d %H:%M}）")
        last_run: dict[str, float] = {}
        name, started_at, last_beat = heartbeat.worker_name(), timezone.now(), -heartbeat.BEAT_SECONDS
        while self.running:
            if not once:  # a long-lived process drops connections the database has closed
                close_old_connections()
            clock = time.monotonic()
            if clock - last_beat >= heartbeat.BEAT_SECONDS:
                last_beat = clock
                self.beat(name, started_at)
            self.run_queued_tasks()
            clock = time.monotonic()
            for job in registered():
                if once or clock - last_run.get(job.name, -job.every) >= job.every:
                    last_run[job.name] = clock
                    self.run_job(job)
            if once:
                return
            time.sleep(interval)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stdout.write("正在停止后台进程……")
        self.running = False

    def beat(self, name: str, started_at: datetime) -> None:
        try:
            heartbeat.beat(name, started_at)
        except Exception:  # noqa: BLE001 - /healthz reports the silence; the jobs still run
            log.exception("recording the worker's heartbeat failed")

    def run_job(self, job: Job) -> None:
        try:
            said = job.run()
        except Exception:  # noqa: BLE001 - the job's rows stay; it runs again at its next time
            log.exception("worker job %s failed", job.name)
            return
        if said:
            self.stdout.write(f"{timezone.localtime():%H:%M} {said}")

    def run_queued_tasks(self) -> None:
        """Everything waiting in the django-tasks database queue, then return."""
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            return
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        try:
            worker.run()
        except Exception:  # noqa: BLE001 - a broken task must not stop the jobs
            log.exception("running queued tasks failed")
