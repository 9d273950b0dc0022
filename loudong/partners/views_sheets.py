"""反馈单 pages (the admin): the quarter's in-post members with the community's evaluation of each,
and the quarter's sheets, one PDF per workplace party organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.lib.identity import InvalidValue
from loudong.partners.access import admin_community
from loudong.partners.forms import EvaluationForm
from loudong.partners.models import Evaluation
from loudong.partners.sheets import Quarter, reported_members, sheets_for
from loudong.partners.sheets import render as render_sheet


def _quarter(request: HttpRequest) -> tuple[Quarter, str]:
    """The quarter asked for (?quarter=2026Q4), the last one by default; with an error to show."""
    asked = request.GET.get("quarter") or request.POST.get("quarter") or ""
    if not asked:
        return Quarter.of(timezone.localdate()).previous, ""
    try:
        return Quarter.parse(asked), ""
    except InvalidValue as error:
        return Quarter.of(timezone.localdate()).previous, str(error)


def _choices() -> list[Quarter]:
    latest = Quarter.of(timezone.localdate())
    found = [latest]
    while len(found) < 8:
        found.append(found[-1].previous)
    return found


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    quarter, error = _quarter(request)
    sheets = sheets_for(community, quarter)
    context = {
        "community": community,
        "quarter": quarter,
        "quarters": _choices(),
        "error": error,
        "sheets": sheets,
        "form": EvaluationForm(),
    }
    return render(request, "partners/sheets.html", context, status=400 if error else 200)


@login_required
@require_POST
def evaluate(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    community = admin_community(request, code)
    quarter, error = _quarter(request)
    reports = reported_members(community)
    if member_id not in reports:
        raise Http404
    member = reports[member_id].member
    form = EvaluationForm(request.POST)
    back = f"{reverse('partners:sheets', args=[community.code])}?quarter={quarter.code}#m{member_id}"
    if error or not form.is_valid():
        problems = [error] if error else [e for errors in form.errors.values() for e in errors]
        messages.error(request, f"{member.resident.name}的评价没有保存：" + "；".join(problems))
        return redirect(back)
    evaluation, created = Evaluation.objects.update_or_create(
        member=member,
        quarter=quarter.code,
        defaults={"community": community, "entered_by": request.user, **form.cleaned_data},
    )
    action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
    record(request, action, evaluation, object_repr=f"{member.resident.name} {quarter.code} 评价",
           detail={"评价": evaluation.get_grade_display(), "评语": evaluation.comment})  # fmt: skip
    messages.success(request, f"已保存{member.resident.name}{quarter.label}的评价。")
    return redirect(back)


@login_required
def sheet_pdf(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    quarter, error = _quarter(request)
    if error:
        raise Http404
    org = request.GET.get("org", "")
    sheet = next((s for s in sheets_for(community, quarter) if s.party_org == org), None)
    if sheet is None:
        raise Http404
    pdf = render_sheet(sheet)
    record(request, AuditEntry.Action.EXPORT, community_id=community.pk, object_type="feedbacksheet",
           object_repr=f"{org} {quarter.code} 反馈单", detail={"人数": len(sheet.rows)})  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, sheet.filename)
    return response
