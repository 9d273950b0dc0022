"""Roll-up dashboards of a subdistrict or a district, under /stats/, for overseers: counts, rates and
lists without any name, phone or room (an overseer cannot open personal data)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from loudong.accounts.models import Role
from loudong.registry.models import Community, District, Subdistrict
from loudong.stats import pages
from loudong.stats.scope import scope_for

LEVELS = ("subdistrict", "district")


def _place(request: HttpRequest, level: str, pk: int) -> pages.Place:
    if level not in LEVELS:
        raise Http404
    scope = scope_for(request.user, level, pk)
    if level == "district":
        children = [
            (s.name, reverse("area_stats:subdistrict", args=[s.pk]))
            for s in Subdistrict.objects.filter(district_id=pk).order_by("name")
        ]
        up = None
    else:
        children = [
            (c.name, reverse("stats:dashboard", args=[c.code]))
            for c in Community.objects.filter(subdistrict_id=pk).order_by("name")
        ]
        sub = Subdistrict.objects.select_related("district").get(pk=pk)
        overseer_of_district = any(
            g.role == Role.OVERSEER and g.district_id == sub.district_id for g in request.user.grant_list()
        )
        up = (
            (sub.district.name, reverse("area_stats:district", args=[sub.district_id]))
            if overseer_of_district
            else None
        )
    return pages.Place(
        scope,
        reverse(f"area_stats:{level}", args=[pk]),
        False,
        children,
        up,
        reverse("area_stats:work_report", args=[level, pk]),
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The overseer's areas; straight to the dashboard when there is only one."""
    areas = []
    for grant in request.user.grant_list():
        if grant.role != Role.OVERSEER:
            continue
        if grant.district_id:
            district = District.objects.get(pk=grant.district_id)
            areas.append((district.name, reverse("area_stats:district", args=[district.pk])))
        elif grant.subdistrict_id:
            sub = Subdistrict.objects.get(pk=grant.subdistrict_id)
            areas.append((sub.name, reverse("area_stats:subdistrict", args=[sub.pk])))
    if not areas:
        raise Http404
    if len(areas) == 1:
        return redirect(areas[0][1])
    return render(request, "stats/areas.html", {"areas": areas})


@login_required
def dashboard(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    return pages.dashboard(request, _place(request, level, pk))


@login_required
def records(request: HttpRequest, level: str, pk: int, key: str) -> HttpResponse:
    return pages.records(request, _place(request, level, pk), key)


@login_required
def records_export(request: HttpRequest, level: str, pk: int, key: str) -> HttpResponse:
    return pages.records_export(request, _place(request, level, pk), key)


@login_required
def export(request: HttpRequest, level: str, pk: int, table: str) -> HttpResponse:
    return pages.table_export(request, _place(request, level, pk), table)


@login_required
def held(request: HttpRequest, level: str, pk: int, key: str) -> HttpResponse:
    return pages.held(request, _place(request, level, pk), key)


@login_required
def held_export(request: HttpRequest, level: str, pk: int, key: str) -> HttpResponse:
    return pages.held_export(request, _place(request, level, pk), key)
