"""共建单位: the register (staff read it, phones masked), the admin's edits, a full phone on request
(audited) and the agreements, whose documents are served only here, to the admin."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry
from loudong.partners.access import (
    admin_community,
    may_manage,
    staff_community,
    visible_agreements,
    visible_units,
)
from loudong.partners.forms import AgreementForm, UnitForm
from loudong.partners.models import PartnerUnit, ReportIn


def unit_snapshot(unit: PartnerUnit) -> dict:
    return {
        "单位名称": unit.name,
        "单位类型": unit.get_kind_display(),
        "地址": unit.address,
        "联系人": unit.contact_name,
        "联系电话": unit.contact_phone_masked,
        "单位党组织": unit.party_org,
        "可提供的资源": "、".join(unit.offer_labels),
        "资源说明": unit.offers_note,
        "共建中": "是" if unit.active else "否",
    }


@login_required
def units(request: HttpRequest, code: str) -> HttpResponse:
    community = staff_community(request, code)
    found = visible_units(request.user, community)
    members = {
        row["unit_id"]: row["n"]
        for row in ReportIn.objects.filter(community=community, status=ReportIn.Status.CONFIRMED, unit__isnull=False)
        .values("unit_id")
        .annotate(n=Count("member", distinct=True))
    }
    rows = [(unit, members.get(unit.pk, 0)) for unit in found]
    context = {"community": community, "rows": rows, "may_manage": may_manage(request.user, community)}
    return render(request, "partners/units.html", context)


@login_required
def unit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = staff_community(request, code)
    found = get_object_or_404(visible_units(request.user, community), pk=pk)
    return _unit_page(request, community, found, revealed=False)


def _unit_page(
    request: HttpRequest, community: object, found: PartnerUnit, *, revealed: bool, **extra: object
) -> HttpResponse:
    manage = may_manage(request.user, community)
    context = {
        "community": community,
        "unit": found,
        "may_manage": manage,
        "revealed": revealed,
        "agreements": visible_agreements(request.user, community).filter(unit=found),
        "agreement_form": AgreementForm() if manage else None,
        **extra,
    }
    return render(request, "partners/unit.html", context, status=400 if extra else 200)


@login_required
@require_POST
def phone(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The contact's full phone, for the admin who calls them; written in the audit log."""
    community = admin_community(request, code)
    found = get_object_or_404(visible_units(request.user, community), pk=pk)
    record(request, AuditEntry.Action.VIEW, found, detail={"field": "联系电话"})
    return _unit_page(request, community, found, revealed=True)


@login_required
def edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    community = admin_community(request, code)
    found = get_object_or_404(visible_units(request.user, community), pk=pk) if pk else PartnerUnit(community=community)
    before = unit_snapshot(found) if pk else {}
    form = UnitForm(request.POST or None, instance=found, community=community)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        action = AuditEntry.Action.UPDATE if pk else AuditEntry.Action.CREATE
        record(request, action, saved, detail={"changes": changes(before, unit_snapshot(saved))})
        messages.success(request, f"已保存共建单位“{saved.name}”。")
        return redirect("partners:unit", code=community.code, pk=saved.pk)
    context = {"community": community, "form": form, "unit": found if pk else None}
    return render(request, "partners/unit_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def agreement_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    found = get_object_or_404(visible_units(request.user, community), pk=pk)
    form = AgreementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _unit_page(request, community, found, revealed=False, agreement_form=form)
    agreement = form.save(commit=False)
    agreement.community, agreement.unit, agreement.uploaded_by = community, found, request.user
    agreement.save()
    record(request, AuditEntry.Action.CREATE, agreement, detail={"单位": found.name})
    messages.success(request, f"已添加共建协议“{agreement.title}”。")
    return redirect("partners:unit", code=community.code, pk=found.pk)


@login_required
@require_GET
def agreement_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    community = admin_community(request, code)
    agreement = get_object_or_404(visible_agreements(request.user, community), pk=pk)
    if not agreement.file:
        raise Http404
    try:
        handle = agreement.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    record(request, AuditEntry.Action.EXPORT, agreement, detail={"单位": agreement.unit.name})
    return FileResponse(handle, as_attachment=True, filename=f"{agreement.title}{Path(agreement.file.name).suffix}")
