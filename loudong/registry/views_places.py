"""Places: the site plan, the buildings list and a building's page."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from loudong.accounts.access import is_admin
from loudong.accounts.models import User
from loudong.registry.access import admin_community, people_community, visible_buildings, visible_residents
from loudong.registry.forms import stairwells_of
from loudong.registry.models import Building, Community, Household, Stairwell, groups_of

# Distinct, calm colours for groups on the site plan; buildings no group serves are grey.
PALETTE = ["#c0392b", "#2e86c1", "#28a745", "#d68910", "#8e44ad", "#16a085", "#b9770e", "#c2185b", "#34495e",
           "#7d8f1e"]  # fmt: skip
UNSERVED = "#bdbdbd"


def serving_groups(community: Community) -> dict[int, Model]:
    """Building id -> the group serving it (the first by name when stairwells have different groups)."""
    served: dict[int, Model] = {}
    stairwells = (
        Stairwell.objects.filter(community=community, group__isnull=False)
        .select_related("group")
        .order_by("group__name", "name")
    )
    for stairwell in stairwells:
        served.setdefault(stairwell.building_id, stairwell.group)
    return served


def site_plan(user: User, community: Community) -> dict:
    """The community's buildings drawn to scale in metres; a building the user may open is a link."""
    groups = list(groups_of(community).order_by("pk"))
    colour = {group.pk: PALETTE[i % len(PALETTE)] for i, group in enumerate(groups)}
    served = serving_groups(community)
    openable = set(visible_buildings(user, community).values_list("pk", flat=True))
    width, height = max(community.site_width, 1), max(community.site_height, 1)
    base = max(width, height) / 45
    shapes = []
    for building in Building.objects.filter(community=community):
        group = served.get(building.pk)
        fits = building.width / max(len(building.name), 1) * 1.1
        shapes.append({
            "building": building,
            "group": group,
            "fill": colour[group.pk] if group else UNSERVED,
            "link": building.pk in openable,
            "cx": building.x + building.width / 2,
            "cy": building.y + building.depth / 2,
            "font": round(max(min(base, fits), base * 0.55), 2),
        })  # fmt: skip
    legend = [{"group": group, "fill": colour[group.pk]} for group in groups]
    return {
        "width": width,
        "height": height,
        "shapes": shapes,
        "legend": legend,
        "stroke": round(base / 8, 2),
    }


@login_required
def buildings(request: HttpRequest, code: str) -> HttpResponse:
    community = people_community(request, code)
    listed = list(visible_buildings(request.user, community).order_by("sort_key"))
    ids = [b.pk for b in listed]
    stairwells = dict(
        Stairwell.objects.filter(building__in=ids).order_by().values_list("building_id").annotate(n=Count("pk"))
    )
    households = dict(
        Household.objects.filter(stairwell__building__in=ids)
        .order_by()
        .values_list("stairwell__building_id")
        .annotate(n=Count("pk"))
    )
    residents = dict(
        visible_residents(request.user, community)
        .filter(household__stairwell__building__in=ids)
        .order_by()
        .values_list("household__stairwell__building_id")
        .annotate(n=Count("pk"))
    )
    served = serving_groups(community)
    rows = [
        {
            "building": b,
            "stairwells": stairwells.get(b.pk, 0),
            "households": households.get(b.pk, 0),
            "residents": residents.get(b.pk, 0),
            "group": served.get(b.pk),
        }
        for b in listed
    ]
    context = {"community": community, "rows": rows, "is_admin": is_admin(request.user, community)}
    return render(request, "registry/buildings.html", context)


@login_required
def building_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Address, neighbours, stairwells with their group, households with head counts; residents are
    named only where the user may see them."""
    community = people_community(request, code)
    scoped = visible_buildings(request.user, community)
    building = get_object_or_404(scoped, pk=pk)
    openable = set(scoped.values_list("pk", flat=True))
    adjacent = [{"building": b, "link": b.pk in openable} for b in building.adjacent.order_by("sort_key")]
    named = defaultdict(list)
    for resident in visible_residents(request.user, community).filter(household__stairwell__building=building):
        named[resident.household_id].append(resident)
    households = defaultdict(list)
    for household in (
        Household.objects.filter(stairwell__building=building).annotate(people=Count("residents")).order_by("sort_key")
    ):
        household.named = named.get(household.pk, [])
        households[household.stairwell_id].append(household)
    stairwells = list(building.stairwells.select_related("group__leader__resident").order_by("sort_key"))
    for stairwell in stairwells:
        stairwell.household_rows = households.get(stairwell.pk, [])
    context = {
        "community": community,
        "building": building,
        "adjacent": adjacent,
        "stairwells": stairwells,
        "is_admin": is_admin(request.user, community),
    }
    return render(request, "registry/building.html", context)


@login_required
def stairwell_options(request: HttpRequest, code: str) -> HttpResponse:
    """The stairwells of the chosen building, as <option>s for the place form (htmx)."""
    community = admin_community(request, code)
    building = request.GET.get("building")
    context = {"stairwells": stairwells_of(community, building), "whole": not str(building or "").isdigit()}
    return render(request, "registry/_place_fields.html#stairwell_options", context)
