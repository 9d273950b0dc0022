"""Roster upload pages: upload, the preview to confirm (how each column is read, sample rows,
counts), progress and result, the rejected rows and a template to fill in.

Community admins only; anyone else gets 404 (community_for)."""

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from loudong.accounts.audit import record
from loudong.accounts.models import Role
from loudong.lib.xlsx import xlsx_bytes, xlsx_file
from loudong.registry.access import community_for
from loudong.registry.models import Community, ImportJob, ImportRow, RosterMapping
from loudong.registry.roster.parse import FIELD_LABELS, HEADER_NAMES
from loudong.registry.roster.tasks import forget_upload, run_import

MAX_UPLOAD_MB = 20
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".et", ".ods", ".csv", ".txt")
REJECTED_SHOWN = 200
CANCELLED_MESSAGE = "已取消，这个文件没有导入，上传的文件已删除。"
TEMPLATE_HEADERS = [
    "姓名", "性别", "出生日期", "身份证号", "联系电话", "楼栋", "单元", "房号", "关爱标签",
    "政治面貌", "入党日期", "党员类别", "组织关系所在", "在职/退休", "服务项目", "备注",
]  # fmt: skip
TEMPLATE_EXAMPLE = [
    "刘光前", "男", "1950-03-02", "430407195003020015", "13800138000", "环城北路93号", "1单元", "301",
    "独居老人、高龄", "中共党员", "1975-07-01", "正式", "本社区", "退休", "政策咨询、代买代办",
    "示例行，请删除",
]  # fmt: skip
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="名册文件",
        error_messages={
            "required": "请先选择要导入的名册文件",
            "empty": "这个文件是空的，请检查后重新选择",
            "invalid": "没有收到文件，请重新选择",
        },
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError("只能导入 Excel 表格（.xlsx、.xls）或 .ods 表格，请另存为这几种格式后再上传")
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件太大（超过 {MAX_UPLOAD_MB} MB），请把名册拆成几个文件分别导入")
        return upload


def _admin_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, {Role.ADMIN})


def _job(community: Community, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, community=community)


@login_required
def import_page(request: HttpRequest, code: str) -> HttpResponse:
    community = _admin_community(request, code)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(community=community, created_by=request.user, original_name=Path(upload.name).name[:200])
        job.file.save(f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload, save=False)
        job.save()
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
        return redirect("roster:job", code=community.code, job_id=job.pk)
    recognised = [(FIELD_LABELS[name], "、".join(names)) for name, names in HEADER_NAMES.items()]
    return render(
        request,
        "registry/roster/import.html",
        {
            "community": community,
            "form": form,
            "recognised": recognised,
            "jobs": ImportJob.objects.filter(community=community).select_related("created_by")[:10],
            "max_upload_mb": MAX_UPLOAD_MB,
        },
    )


def _status_context(community: Community, job: ImportJob, problem: str = "") -> dict:
    result = job.result or {}
    rejected_count, warning_count = result.get("rejected") or 0, result.get("warnings") or 0
    rows = ImportRow.objects.filter(job=job).only("row_number", "message")
    places = result.get("places", {})
    return {
        "community": community,
        "job": job,
        "active": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        "result": result,
        "preview": job.preview or {},
        "columns": _preview_columns(job) if job.status == ImportJob.Status.REVIEW else [],
        "field_choices": list(FIELD_LABELS.items()),
        "problem": problem,
        "rejected_count": rejected_count,
        "rejected_shown": rows.filter(kind=ImportRow.Kind.REJECTED)[:REJECTED_SHOWN] if rejected_count else [],
        "rejected_more": max(rejected_count - REJECTED_SHOWN, 0),
        "warning_count": warning_count,
        "warnings_shown": rows.filter(kind=ImportRow.Kind.WARNING)[:REJECTED_SHOWN] if warning_count else [],
        "warnings_more": max(warning_count - REJECTED_SHOWN, 0),
        "new_buildings": places.get("buildings", []),
        "new_stairwells": places.get("stairwells", []),
        "new_households": places.get("households", []),
        "new_household_count": places.get("household_count", len(places.get("households", []))),
    }


@login_required
@require_GET
def job_page(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    community = _admin_community(request, code)
    job = _job(community, job_id)
    return render(request, "registry/roster/job.html", _status_context(community, job))


@login_required
@require_GET
def job_status(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    """The htmx partial polled every second while the job is queued or running."""
    community = _admin_community(request, code)
    job = _job(community, job_id)
    return render(request, "registry/roster/job.html#status", _status_context(community, job))


def _preview_columns(job: ImportJob) -> list[dict]:
    preview = job.preview or {}
    header, examples = preview.get("header", []), preview.get("examples", [])
    mapping = job.mapping or preview.get("mapping", [])
    return [
        {
            "index": i,
            "number": i + 1,
            "header": header[i] if i < len(header) else "",
            "field": field,
            "example": examples[i] if i < len(examples) else "",
        }
        for i, field in enumerate(mapping)
    ]


@login_required
@require_POST
def confirm(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    """The admin's answer to a preview: import as shown (and remember how this header is read),
    check again with changed columns, or cancel."""
    community = _admin_community(request, code)
    job = _job(community, job_id)
    if job.status != ImportJob.Status.REVIEW:
        return redirect("roster:job", code=community.code, job_id=job.pk)
    action = request.POST.get("action")
    if action == "cancel":
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=CANCELLED_MESSAGE, finished_at=timezone.now()
        )
        forget_upload(job)
        return redirect("roster:job", code=community.code, job_id=job.pk)
    mapping = [request.POST.get(f"column-{i}", field) for i, field in enumerate(job.mapping)]
    mapping = [field if field in FIELD_LABELS else "" for field in mapping]
    if "name" not in mapping:
        context = _status_context(community, job, problem="请至少把一列设为“姓名”，否则认不出是谁。")
        return render(request, "registry/roster/job.html", context, status=400)
    confirmed = action == "confirm" and mapping == job.mapping
    if confirmed:
        preview = job.preview or {}
        RosterMapping.objects.update_or_create(
            community=community,
            signature=preview.get("signature", ""),
            defaults={"header": preview.get("header", []), "mapping": mapping, "confirmed_by": request.user},
        )
    job.mapping = mapping
    job.confirmed_at = timezone.now() if confirmed else None
    job.status = ImportJob.Status.QUEUED
    job.processed_rows = job.total_rows = 0
    job.save(update_fields=["mapping", "confirmed_at", "status", "processed_rows", "total_rows"])
    record(request, "update", job, detail={"confirmed": confirmed, "mapping": mapping},
           object_repr=f"名册导入：{job.original_name}")  # fmt: skip
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return redirect("roster:job", code=community.code, job_id=job.pk)


@login_required
@require_GET
def rejected_download(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    """The rows that were not imported, as they were, plus 原行号 and 问题原因; fix and upload again
    (the importer ignores the two extra columns)."""
    community = _admin_community(request, code)
    job = _job(community, job_id)
    header = list((job.result or {}).get("header", []))
    rejected = ImportRow.objects.filter(job=job, kind=ImportRow.Kind.REJECTED).order_by("row_number", "id")
    record(request, "export", job, detail={"rows": rejected.count(), "file": job.original_name},
           object_repr=f"未导入的行：{job.original_name}")  # fmt: skip
    rows = rejected.values_list("row_number", "message", "cells").iterator(chunk_size=2000)
    content = xlsx_file([*header, "原行号", "问题原因"], _padded(rows, len(header)), title="未导入的行")
    name = f"{Path(job.original_name).stem}-未导入的行.xlsx"
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX_TYPE)


def _padded(rows: Iterator[tuple[int, str, list]], width: int) -> Iterator[list]:
    """Each rejected row's cells cut or padded to the header's width, then 原行号 and 问题原因."""
    for number, reason, cells in rows:
        cells = list(cells)[:width] if width else list(cells)
        yield [*cells, *[""] * (width - len(cells)), number, reason]


@login_required
@require_GET
def template_download(request: HttpRequest, code: str) -> HttpResponse:
    community = _admin_community(request, code)
    content = xlsx_bytes(TEMPLATE_HEADERS, [TEMPLATE_EXAMPLE], title="居民名册")
    name = f"{community.name}居民名册模板.xlsx"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name, content_type=XLSX_TYPE)
