"""The background task that runs an uploaded roster import and keeps its ImportJob up to date.

An upload first gets a dry run (status REVIEW: the admin checks the columns and the counts), unless
the community confirmed the same header before: then it imports straight away. A confirmed job
imports for real. The upload is deleted when the import ends, fails or is abandoned."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from loudong.registry.models import ImportJob, ImportRow, RosterMapping
from loudong.registry.roster.importer import import_roster, preview_roster
from loudong.registry.roster.parse import RosterError, open_roster

logger = logging.getLogger(__name__)
FAILED_MESSAGE = "导入时出错，没能完成。已处理的部分可能已经保存；再导入一次同一个文件不会产生重复，请稍后重试。"
STALLED_MESSAGE = "导入中断了（后台进程停止）。已处理的部分可能已经保存；请重新上传同一个文件，不会产生重复。"
EXPIRED_MESSAGE = "这次导入一直没有确认，上传的文件已删除；需要导入时请重新上传。"
# A chunk of rows takes seconds; a running job without a heartbeat for this long has no process left.
STALLED_AFTER = timedelta(minutes=10)
# A preview nobody confirmed: the file (personal data) is not kept longer than this.
REVIEW_KEPT = timedelta(days=2)


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
            if job.confirmed_at is None and not job.mapping:
                remembered = _remembered(job, upload)
                if remembered is not None:
                    job.mapping, job.confirmed_at = remembered, timezone.now()
                    ImportJob.objects.filter(pk=job.pk).update(mapping=job.mapping, confirmed_at=job.confirmed_at)
            if job.confirmed_at is None:
                preview = preview_roster(upload, job.community, mapping=job.mapping or None, progress=progress)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportJob.Status.REVIEW, preview=preview, mapping=preview["mapping"]
                )
                return
            ImportRow.objects.filter(job=job).delete()
            result = import_roster(
                upload, job.community, file_name=job.original_name, actor=job.created_by, progress=progress,
                mapping=job.mapping or None, sink=row_sink(job),
            )  # fmt: skip
    except RosterError as exc:
        _fail(job, str(exc))
    except Exception:
        logger.exception("roster import %s failed", job.pk)
        _fail(job, FAILED_MESSAGE)
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, result=result.as_job_result(), finished_at=timezone.now()
        )
    forget_upload(job)


def row_sink(job: ImportJob) -> Callable[[list[dict], list[dict]], None]:
    """Where an import puts each chunk's rejected rows and warnings: ImportRow rows of the job."""

    def store(rejected: list[dict], warnings: list[dict]) -> None:
        ImportRow.objects.bulk_create(
            [ImportRow(job=job, kind=ImportRow.Kind.REJECTED, row_number=r["row"], message=r["reason"],
                       cells=r["cells"]) for r in rejected]
            + [ImportRow(job=job, kind=ImportRow.Kind.WARNING, row_number=w["row"], message=w["message"])
               for w in warnings],
            batch_size=500,
        )  # fmt: skip

    return store


def _remembered(job: ImportJob, upload: object) -> list[str] | None:
    """The mapping the community confirmed for this file's header, if any."""
    signature = open_roster(upload).signature
    upload.seek(0)
    found = RosterMapping.objects.filter(community=job.community, signature=signature).first()
    return found.mapping if found else None


def forget_upload(job: ImportJob) -> None:
    # The upload holds personal data; what the result page needs (rejected rows) is in the job.
    if job.file:
        job.file.storage.delete(job.file.name)


def _fail(job: ImportJob, message: str) -> None:
    ImportRow.objects.filter(job=job).delete()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, error=message, result={}, finished_at=timezone.now()
    )


def fail_stalled_job() -> str:
    stalled = fail_stalled()
    return f"中断的名册导入 {stalled} 个已标记为失败" if stalled else ""


def fail_stalled(now: datetime | None = None) -> int:
    """Mark failed the running imports whose process is gone (no heartbeat for STALLED_AFTER), so
    the page stops showing progress forever and says to upload again, and the previews nobody
    confirmed within REVIEW_KEPT; remove their uploads. One job per transaction, locked with SKIP
    LOCKED: several workers share them and none marks a job twice."""
    now = now or timezone.now()
    due = ImportJob.objects.filter(
        Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=now - STALLED_AFTER)
        | Q(status=ImportJob.Status.REVIEW, created_at__lt=now - REVIEW_KEPT)
    )
    done = 0
    while True:
        with transaction.atomic():
            job = due.select_for_update(skip_locked=True, of=("self",)).order_by("pk").first()
            if job is None:
                return done
            _fail(job, STALLED_MESSAGE if job.status == ImportJob.Status.RUNNING else EXPIRED_MESSAGE)
        forget_upload(job)
        done += 1
