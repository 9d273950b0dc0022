"""Download of the work report (工作简报): a community's at /c/<code>/stats/report/, a subdistrict's or
a district's at /stats/<level>/<pk>/report/.

GET with `from`, `to` (or a `preset`) and `format=docx|pdf` answers the file; without a format, or
with dates that do not parse, it shows the small page to choose them. Who may: whoever may see the
dashboard of that scope (through `scope_for`: a community's admin and the overseers of its area; a
subdistrict's or district's overseers); anyone else gets 404. The report carries figures and group
names, no personal data.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from loudong.lib.replica import reading_replica
from loudong.registry.access import community_for
from loudong.stats import period as periods
from loudong.stats.period import PeriodError
from loudong.stats.scope import Scope, scope_for

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def work_report(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code)
    return _work_report(
        request, scope_for(request.user, "community", community.pk), reverse("stats:dashboard", args=[code])
    )


@login_required
def area_work_report(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    if level not in ("subdistrict", "district"):
        raise Http404
    return _work_report(request, scope_for(request.user, level, pk), reverse(f"area_stats:{level}", args=[pk]))


@reading_replica()
def _work_report(request: HttpRequest, scope: Scope, dashboard_url: str) -> HttpResponse:
    params = {k: request.GET.get(k, "") for k in ("from", "to", "preset")}
    fmt = request.GET.get("format", "")
    error = ""
    try:
        period = periods.from_params(params)
    except PeriodError as exc:
        period, error = periods.preset("this_month"), str(exc)
    if fmt and fmt not in CONTENT_TYPES:
        error = "格式只能是 Word（docx）或 PDF。"
    if not fmt or error:
        context = {
            "scope": scope,
            "dashboard_url": dashboard_url,
            "period": period,
            "error": error,
            "form": params,
            "presets": periods.presets(),
        }
        return render(request, "stats/report/download.html", context, status=400 if error else 200)

    from loudong.stats.report.build import build_report

    report = build_report(scope, period)
    if fmt == "docx":
        from loudong.stats.report.word import report_docx

        content = report_docx(report)
    else:
        from loudong.stats.report.pdf import report_pdf

        content = report_pdf(report)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, report.filename(fmt))
    return response
