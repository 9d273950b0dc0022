"""Member records (党员档案): the list with search and filters, its export, and the admin's edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from loudong.accounts.access import is_admin
from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry
from loudong.lib.replica import reading_replica
from loudong.registry.access import admin_community, people_community, visible_residents
from loudong.registry.export import members_xlsx, xlsx_response
from loudong.registry.forms import MemberFilterForm, MemberForm
from loudong.registry.models import Community, Member
from loudong.registry.views_common import is_htmx, page_of, varies_on_htmx
from loudong.registry.views_edit import editable_resident


def filtered_members(request: HttpRequest, community: Community) -> tuple[MemberFilterForm, QuerySet[Member]]:
    filters = MemberFilterForm(request.GET, community=community)
    members = Member.objects.filter(community=community)
    return filters, filters.apply(members, visible_residents(request.user, community))


@login_required
def members(request: HttpRequest, code: str) -> HttpResponse:
    community = people_community(request, code)
    filters, found = filtered_members(request, community)
    found = found.select_related("resident__household__stairwell__building", "group").prefetch_related("service_items")
    page = page_of(found, request.GET.get("page"))
    context = {
        "community": community,
        "filters": filters,
        "page": page,
        "is_admin": is_admin(request.user, community),
    }
    template = "registry/members.html#results" if is_htmx(request) else "registry/members.html"
    return varies_on_htmx(render(request, template, context))


@login_required
@reading_replica()
def members_export(request: HttpRequest, code: str) -> HttpResponse:
    community = people_community(request, code)
    filters, found = filtered_members(request, community)
    content, count = members_xlsx(found)
    record(
        request, AuditEntry.Action.EXPORT, community_id=community.pk, object_type="member",
        object_repr="党员名单", detail={"filter": filters.description(), "rows": count},
    )  # fmt: skip
    return xlsx_response(content, "党员名单")


def member_snapshot(member: Member) -> dict:
    if member.pk is None:
        return {}
    return {
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "standing": member.get_standing_display(),
        "registration": member.registration_display,
        "employment": member.get_employment_display(),
        "service_items": sorted(item.name for item in member.service_items.all()),
        "group": str(member.group or ""),
    }


@login_required
def member_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Add or edit the member record of a resident."""
    community = admin_community(request, code)
    resident = editable_resident(request, community, pk)
    member = Member.objects.filter(resident=resident).first() or Member(community=community, resident=resident)
    before = member_snapshot(member)
    creating = member.pk is None
    form = MemberForm(request.POST if request.method == "POST" else None, instance=member, community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            member = form.save()
            member = Member.objects.select_related("group").get(pk=member.pk)
            diff = changes(before, member_snapshot(member))
            if creating or diff:
                action = AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE
                record(request, action, member, detail={"changes": diff})
        messages.success(request, f"已保存 {resident.name} 的党员档案" if creating or diff else "没有改动")
        return redirect("registry:resident", code=community.code, pk=resident.pk)
    title = f"添加 {resident.name} 的党员档案" if creating else f"修改 {resident.name} 的党员档案"
    context = {
        "community": community,
        "resident": resident,
        "form": form,
        "title": title,
        "creating": creating,
    }
    return render(request, "registry/member_form.html", context)


@login_required
def member_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    resident = editable_resident(request, community, pk)
    member = Member.objects.filter(resident=resident).select_related("group").first()
    if member is None:
        return redirect("registry:resident", code=community.code, pk=resident.pk)
    if request.method == "POST":
        with transaction.atomic():
            record(request, AuditEntry.Action.DELETE, member, detail={"record": member_snapshot(member)})
            member.delete()
        messages.success(request, f"已移除 {resident.name} 的党员档案")
        return redirect("registry:resident", code=community.code, pk=resident.pk)
    context = {"community": community, "resident": resident, "member": member}
    return render(request, "registry/member_delete.html", context)
