"""People: the residents list with live search, its export, a resident's page and revealing a full value."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from loudong.accounts.access import is_admin
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, User
from loudong.lib.replica import reading_replica
from loudong.registry.access import may_reveal, people_community, visible_buildings, visible_residents
from loudong.registry.export import residents_xlsx, xlsx_response
from loudong.registry.forms import ResidentFilterForm
from loudong.registry.models import Community, Resident, ResidentQuerySet
from loudong.registry.views_common import is_htmx, page_of, resident_list, varies_on_htmx

REVEALABLE = {"phone": "联系电话", "id_number": "身份证号"}


def filtered_residents(request: HttpRequest, community: Community) -> tuple[ResidentFilterForm, ResidentQuerySet]:
    """The residents list as filtered by the query string: the page, its export and the benchmark."""
    buildings = visible_buildings(request.user, community).order_by("sort_key")
    filters = ResidentFilterForm(request.GET, community=community, buildings=buildings)
    return filters, filters.apply(visible_residents(request.user, community))


@login_required
def residents(request: HttpRequest, code: str) -> HttpResponse:
    community = people_community(request, code)
    filters, found = filtered_residents(request, community)
    page = page_of(resident_list(found), request.GET.get("page"))
    context = {
        "community": community,
        "filters": filters,
        "page": page,
        "is_admin": is_admin(request.user, community),
    }
    template = "registry/residents.html#results" if is_htmx(request) else "registry/residents.html"
    return varies_on_htmx(render(request, template, context))


@login_required
@reading_replica()
def residents_export(request: HttpRequest, code: str) -> HttpResponse:
    community = people_community(request, code)
    filters, found = filtered_residents(request, community)
    content, count = residents_xlsx(found)
    record(
        request, AuditEntry.Action.EXPORT, community_id=community.pk, object_type="resident",
        object_repr="居民名单", detail={"filter": filters.description(), "rows": count},
    )  # fmt: skip
    return xlsx_response(content, "居民名单")


def reveal_rights(user: User, resident: Resident) -> dict[str, bool]:
    """Which full values the page offers to show: only those the user may see and that are filled in."""
    return {field: bool(getattr(resident, field)) and may_reveal(user, resident, field) for field in REVEALABLE}


def record_full_value(request: HttpRequest, resident: Resident, field: str, *, page: str = "") -> None:
    """Write down that the user was shown the resident's full phone or ID number (on `page`, if not
    revealed on the resident's own page)."""
    record(request, AuditEntry.Action.VIEW, resident, detail={"field": field, **({"page": page} if page else {})})


def scoped_resident(request: HttpRequest, community: Community, pk: int) -> Resident:
    residents = resident_list(visible_residents(request.user, community)).select_related("member__group")
    return get_object_or_404(residents.prefetch_related("member__service_items"), pk=pk)


@login_required
def resident_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = people_community(request, code)
    resident = scoped_resident(request, community, pk)
    # Opening a person's page is access to personal data (address, care tags): it is logged too.
    record(request, AuditEntry.Action.VIEW, resident, detail={"page": "resident"})
    return render(request, "registry/resident.html", resident_context(request, community, resident))


def resident_context(request: HttpRequest, community: Community, resident: Resident) -> dict:
    return {
        "community": community,
        "resident": resident,
        "member": getattr(resident, "member", None),
        "may_reveal": reveal_rights(request.user, resident),
        "is_admin": is_admin(request.user, community),
        "revealed": {},
    }


@login_required
@require_POST
def reveal(request: HttpRequest, code: str, pk: int, field: str) -> HttpResponse:
    """Show one full value to a user allowed to see it, and write that down. Refused: 404."""
    if field not in REVEALABLE:
        raise Http404
    community = people_community(request, code)
    resident = scoped_resident(request, community, pk)
    if not reveal_rights(request.user, resident)[field]:
        raise Http404
    record_full_value(request, resident, field)
    if is_htmx(request):
        context = {"field": field, "value": getattr(resident, field)}
        return varies_on_htmx(render(request, "registry/resident.html#revealed", context))
    context = resident_context(request, community, resident)
    context["revealed"] = {field: getattr(resident, field)}
    return varies_on_htmx(render(request, "registry/resident.html", context))
