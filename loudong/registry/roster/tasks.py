"""The background task that runs an uploaded roster import and keeps its ImportJob up to date."""

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from loudong.registry.models import ImportJob
from loudong.registry.roster.importer import import_roster
from loudong.registry.roster.parse import RosterError

logger = logging.getLogger(__name__)
FAILED_MESSAGE = "导入时出错，没能完成。已处理的部分可能已经保存；再导入一次同一个文件不会产生重复，请稍后重试。"
STALLED_MESSAGE = "导入中断了（后台进程停止）。已处理的部分可能已经保存；请重新上传同一个文件，不会产生重复。"
# A chunk of rows takes seconds; a running job without a heartbeat for this long has no process left.
STALLED_AFTER = timedelta(minutes=10)


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("community", "created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return  # already run (a retried task) or deleted
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now())

    def progress(processed: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=processed, total_rows=total, heartbeat_at=timezone.now()
        )

    try:
        with job.file.open("rb") as upload:
            result = import_roster(
                upload, job.community, file_name=job.original_name, actor=job.created_by, progress=progress
            )
    except RosterError as exc:
        _fail(job, str(exc))
    except Exception:
        logger.exception("roster import %s failed", job.pk)
        _fail(job, FAILED_MESSAGE)
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, result=result.as_job_result(), finished_at=timezone.now()
        )
    finally:
        # The upload holds personal data; what the result page needs (rejected rows) is in the job.
        job.file.storage.delete(job.file.name)


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, error=message, result={}, finished_at=timezone.now()
    )


def fail_stalled(now: datetime | None = None) -> int:
    """Mark failed the running imports whose process is gone (no heartbeat for STALLED_AFTER), so
    the page stops showing progress forever and says to upload again; remove their uploads."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = list(ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff))
    for job in stalled:
        _fail(job, STALLED_MESSAGE)
        if job.file:
            job.file.storage.delete(job.file.name)
    return len(stalled)
