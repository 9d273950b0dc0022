"""Download of the work report (工作简报) from a community's dashboard: /c/<code>/stats/report/.

GET with `from`, `to` (or a `preset`) and `format=docx|pdf` answers the file; without a format, or
with dates that do not parse, it shows the small page to choose them. Who may: the community's
admin and the overseers of its area (the same as the community dashboard, through `scope_for`);
anyone else gets 404. The report carries figures and group names, no personal data.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from loudong.accounts.access import community_for
from loudong.stats import period as periods
from loudong.stats.period import PeriodError
from loudong.stats.scope import scope_for

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def work_report(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code)
    scope = scope_for(request.user, "community", community.pk)
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
        context = {"community": community, "period": period, "error": error, "form": params,
                   "presets": periods.presets()}
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
