"""The admin's queue of reports-in (报到): confirm, decline, or record one on someone's behalf."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.lib.actions import ActionRefused
from loudong.partners import actions
from loudong.partners.access import admin_community, visible_report_ins
from loudong.partners.forms import ConfirmForm, DeclineForm, ReportInForm
from loudong.partners.models import ReportIn
from loudong.partners.views_public import report_in_url

PER_PAGE = 30


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    status = request.GET.get("status", ReportIn.Status.PENDING)
    if status not in ReportIn.Status.values:
        status = ReportIn.Status.PENDING
    reports = visible_report_ins(request.user, community)
    counts = {s: reports.filter(status=s).count() for s in ReportIn.Status.values}
    page = Paginator(
        reports.filter(status=status).select_related("unit", "household__stairwell__building"), PER_PAGE
    ).get_page(request.GET.get("page"))
    tabs = [(value, label, counts[value]) for value, label in ReportIn.Status.choices]
    context = {"community": community, "page": page, "status": status, "tabs": tabs, "url": report_in_url(community)}
    return render(request, "partners/reports.html", context)


@login_required
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One report-in, the phone in full (the admin calls to check): the view is audited."""
    community = admin_community(request, code)
    report = get_object_or_404(
        visible_report_ins(request.user, community).select_related(
            "unit", "household__stairwell__building", "member__group", "decided_by"
        ),
        pk=pk,
    )
    record(request, AuditEntry.Action.VIEW, report, detail={"field": "手机号"})
    context = {
        "community": community,
        "report": report,
        "confirm_form": ConfirmForm(community=community),
        "decline_form": DeclineForm(),
    }
    return render(request, "partners/report.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    report = get_object_or_404(visible_report_ins(request.user, community), pk=pk)
    form = ConfirmForm(request.POST, community=community)
    if form.is_valid():
        data = form.cleaned_data
        account = actions.Account(data["username"], data["password"]) if data["username"] else None
        try:
            done = actions.confirm(report, by=request.user, household=data["household"], account=account)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            record(request, AuditEntry.Action.UPDATE, report, detail={"状态": "已确认"})
            if done.member_created:
                record(request, AuditEntry.Action.CREATE, done.member)
            if done.user_created:
                record(request, AuditEntry.Action.CREATE, done.user_created, object_type="user")
            if done.grant:
                record(request, AuditEntry.Action.CREATE, done.grant, object_type="grant")
            group = done.member.group.name if done.member.group_id else ""
            joined = f"，编入{group}" if group else ""
            messages.success(request, f"已确认 {report.name} 的报到{joined}。" + "；".join(done.notes))
            return redirect("partners:reports", code=community.code)
    context = {"community": community, "report": report, "confirm_form": form, "decline_form": DeclineForm()}
    return render(request, "partners/report.html", context, status=400)


@login_required
@require_POST
def decline(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    report = get_object_or_404(visible_report_ins(request.user, community), pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            actions.decline(report, by=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            record(request, AuditEntry.Action.UPDATE, report, detail={"状态": "未通过", "原因": report.decline_reason})
            messages.success(request, f"已记下 {report.name} 的报到未通过。")
            return redirect("partners:reports", code=community.code)
    context = {"community": community, "report": report, "confirm_form": ConfirmForm(community=community)}
    return render(request, "partners/report.html", context | {"decline_form": form}, status=400)


@login_required
def new(request: HttpRequest, code: str) -> HttpResponse:
    """代为报到: the admin records a report-in for someone who came to the office or called."""
    community = admin_community(request, code)
    form = ReportInForm(request.POST or None, community=community, public=False)
    if request.method == "POST" and form.is_valid():
        report = ReportIn.objects.create(community=community, entered_by=request.user, **form.report_fields())
        record(request, AuditEntry.Action.CREATE, report, detail={"channel": "社区代为报到"})
        messages.success(request, f"已记下 {report.name} 的报到，请核对后确认。")
        return redirect("partners:report", code=community.code, pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/report_new.html", {"community": community, "form": form}, status=status)
