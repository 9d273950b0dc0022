from collections.abc import Iterator

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from loudong.accounts.audit import names_for, record, shown_text
from loudong.accounts.audit_display import detail_lines, object_type_name
from loudong.accounts.models import AuditEntry, Role
from loudong.lib.replica import reading_replica
from loudong.lib.shanghai import SHANGHAI, day_bounds
from loudong.lib.xlsx import xlsx_file
from loudong.registry.access import community_for
from loudong.registry.export import XLSX_TYPE
from loudong.registry.models import Community

AUDIT_PAGE_SIZE = 50


DATE_FIELD = {
    "required": False,
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "error_messages": {"invalid": "请按 2024-05-01 的格式填写日期"},
}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作", required=False)
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    date_from = forms.DateField(label="从", **DATE_FIELD)
    date_to = forms.DateField(label="到", **DATE_FIELD)
    object_type = forms.ChoiceField(label="对象类型", required=False)

    def __init__(self, data: object, *, object_types: list[str]) -> None:
        super().__init__(data)
        self.fields["action"].choices = [("", "全部")] + list(AuditEntry.Action.choices)
        self.fields["object_type"].choices = [("", "全部")] + [(t, object_type_name(t)) for t in object_types]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        return data

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Filters that were filled in correctly; a wrong one is shown as an error and ignored."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("actor"):
            actor = data["actor"]
            # A resident's own account is written as a pseudonym (loudong.accounts.audit): found by the account.
            entries = entries.filter(
                Q(actor_name__icontains=actor) | Q(actor__username=actor) | Q(actor__display_name__icontains=actor)
            )
        if data.get("date_from"):
            entries = entries.filter(at__gte=day_bounds(data["date_from"], data["date_from"])[0])
        if data.get("date_to"):
            entries = entries.filter(at__lt=day_bounds(data["date_to"], data["date_to"])[1])
        if data.get("object_type"):
            entries = entries.filter(object_type=data["object_type"])
        return entries

    def description(self) -> str:
        """The filters applied (as `apply` applies them), in words, for the export's own audit entry."""
        if not self.is_bound:
            return "全部"
        self.is_valid()
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value:
                shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
                parts.append(f"{field.label}：{shown}")
        return "；".join(parts) or "全部"


def _filtered(request: HttpRequest, code: str) -> tuple[Community, AuditFilterForm, QuerySet[AuditEntry], bool]:
    community = community_for(request.user, code, {Role.ADMIN})
    entries = AuditEntry.objects.filter(community=community)
    object_types = sorted(set(entries.order_by().values_list("object_type", flat=True).distinct()))
    form = AuditFilterForm(request.GET or None, object_types=object_types)
    filtering = any(request.GET.get(name) for name in form.fields)
    if form.is_bound:
        entries = form.apply(entries)
    return community, form, entries.order_by("-at", "-id"), filtering


@login_required
@require_GET
def audit_log(request: HttpRequest, code: str) -> HttpResponse:
    """The community's audit log, newest first. Read-only: nothing here edits or deletes an entry."""
    community, form, entries, filtering = _filtered(request, code)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    names = names_for(page)  # people's names, phones and IDs are stored as pseudonyms
    rows = [
        {
            "entry": e,
            "actor": shown_text(e.actor_name, names),
            "object_repr": shown_text(e.object_repr, names),
            "action": e.get_action_display(),
            "object_type": object_type_name(e.object_type),
            "lines": [shown_text(line, names) for line in detail_lines(e)],
        }
        for e in page
    ]
    return render(
        request,
        "home/audit.html",
        {
            "community": community,
            "form": form,
            "page": page,
            "rows": rows,
            "filtering": filtering,
            "export_query": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


EXPORT_HEADERS = ["时间", "操作人", "操作", "对象类型", "对象", "内容", "来源地址"]


def export_rows(entries: QuerySet[AuditEntry], chunk: int = 2000) -> Iterator[list[object]]:
    """The rows of the export, with the pseudonyms put back as on the page (one query per chunk)."""
    batch: list[AuditEntry] = []
    for entry in entries.iterator(chunk_size=chunk):
        batch.append(entry)
        if len(batch) == chunk:
            yield from _export_batch(batch)
            batch = []
    yield from _export_batch(batch)


def _export_batch(batch: list[AuditEntry]) -> Iterator[list[object]]:
    names = names_for(batch)
    for e in batch:
        yield [
            f"{e.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}",
            shown_text(e.actor_name, names),
            e.get_action_display(),
            object_type_name(e.object_type),
            shown_text(e.object_repr, names),
            "\n".join(shown_text(line, names) for line in detail_lines(e)),
            e.ip or "",
        ]


@login_required
@require_GET
@reading_replica()
def audit_export(request: HttpRequest, code: str) -> FileResponse:
    """The log as filtered on the page, as .xlsx (written to a temporary file and streamed from it,
    however long the log); the export is itself recorded."""
    community, form, entries, _ = _filtered(request, code)
    count = entries.count()
    content = xlsx_file(EXPORT_HEADERS, export_rows(entries), title="审计日志")
    record(
        request, AuditEntry.Action.EXPORT, community_id=community.pk, object_type="auditentry",
        object_repr="审计日志", detail={"filter": form.description(), "rows": count},
    )  # fmt: skip
    stamp = timezone.now().astimezone(SHANGHAI)
    name = f"审计日志-{community.name}-{stamp:%Y%m%d-%H%M}.xlsx"
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX_TYPE)
