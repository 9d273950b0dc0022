"""The admin's changes to residents: add, edit, delete, move to another household. Each is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry
from loudong.registry.access import admin_community, visible_residents
from loudong.registry.forms import PlaceForm, ResidentForm
from loudong.registry.models import Community, Resident
from loudong.registry.views_people import REVEALABLE, record_full_value


def snapshot(resident: Resident) -> dict:
    """A resident's fields as the audit log compares them (phone and ID are masked by `changes`)."""
    return {
        "name": resident.name,
        "gender": resident.get_gender_display(),
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
        "phone": resident.phone,
        "id_number": resident.id_number or "",
        "note": resident.note,
        "household": str(resident.household) if resident.household_id else "",
        "care_tags": sorted(tag.name for tag in resident.care_tags.all()) if resident.pk else [],
    }


def editable_resident(request: HttpRequest, community: Community, pk: int) -> Resident:
    residents = visible_residents(request.user, community).select_related("household__stairwell__building")
    return get_object_or_404(residents, pk=pk)


@login_required
def resident_create(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    data = request.POST if request.method == "POST" else None
    form = ResidentForm(data, community=community)
    place = PlaceForm(data, community=community)
    if data is not None and form.is_valid() & place.is_valid():  # both validated, so all errors show at once
        with transaction.atomic():
            household, new_room = place.household()
            resident = form.save(commit=False)
            resident.community = community
            resident.household = household
            resident.save()
            form.save_m2m()
            detail = {"changes": changes({}, snapshot(resident))}
            if new_room:
                detail["new_household"] = str(household)
            record(request, AuditEntry.Action.CREATE, resident, detail=detail)
        messages.success(request, f"已添加居民：{resident.name}")
        return redirect("registry:resident", code=community.code, pk=resident.pk)
    context = {"community": community, "form": form, "place": place, "title": "添加居民"}
    return render(request, "registry/resident_form.html", context)


@login_required
def resident_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    resident = editable_resident(request, community, pk)
    before = snapshot(resident)
    form = ResidentForm(request.POST if request.method == "POST" else None, instance=resident, community=community)
    if request.method != "POST":  # the form holds the full phone and ID number: as if revealed
        for field in REVEALABLE:
            if getattr(resident, field):
                record_full_value(request, resident, field, page="edit")
    elif form.is_valid():
        with transaction.atomic():
            form.save()
            diff = changes(before, snapshot(resident))
            if diff:
                record(request, AuditEntry.Action.UPDATE, resident, detail={"changes": diff})
        messages.success(request, f"已保存 {resident.name} 的信息" if diff else "没有改动")
        return redirect("registry:resident", code=community.code, pk=resident.pk)
    context = {
        "community": community,
        "form": form,
        "resident": resident,
        "title": f"修改 {before['name']} 的信息",
    }
    return render(request, "registry/resident_form.html", context)


@login_required
def resident_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    resident = editable_resident(request, community, pk)
    if request.method == "POST":
        with transaction.atomic():
            record(
                request, AuditEntry.Action.DELETE, resident,
                detail={"household": str(resident.household or ""), "member": hasattr(resident, "member")},
            )  # fmt: skip
            resident.delete()
        messages.success(request, f"已删除居民：{resident.name}")
        return redirect("registry:residents", code=community.code)
    return render(request, "registry/resident_delete.html", {"community": community, "resident": resident})


@login_required
def resident_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Move to another household: building, stairwell, room; a room not yet known is created."""
    community = admin_community(request, code)
    resident = editable_resident(request, community, pk)
    current = resident.household
    initial = {"building": current.stairwell.building_id, "stairwell": current.stairwell_id} if current else {}
    place = PlaceForm(request.POST if request.method == "POST" else None, community=community, initial=initial)
    if request.method == "POST" and place.is_valid():
        with transaction.atomic():
            household, new_room = place.household()
            if household.pk == resident.household_id:
                messages.info(request, "住址没有变化")
                return redirect("registry:resident", code=community.code, pk=resident.pk)
            resident.household = household
            resident.save()
            detail = {"changes": changes({"household": str(current or "")}, {"household": str(household)})}
            if new_room:
                detail["new_household"] = str(household)
            record(request, AuditEntry.Action.UPDATE, resident, detail=detail)
        messages.success(request, f"{resident.name} 已迁到 {household}")
        return redirect("registry:resident", code=community.code, pk=resident.pk)
    context = {"community": community, "resident": resident, "place": place}
    return render(request, "registry/resident_move.html", context)
