"""The admin's changes to places: add and edit buildings and stairwells, delete an empty building,
and set the size of the site plan. Every change is written to the audit log.

A building's and a stairwell's form redraw a small site plan as the position is typed (htmx asks
the same address with `preview=1`); without script the plan is redrawn when the form is sent.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry
from loudong.registry.access import admin_community
from loudong.registry.forms_places import (
    STAIRWELL_MARGIN,
    SUGGEST_WITHIN,
    BuildingForm,
    Footprint,
    SitePlanForm,
    StairwellForm,
    free_spot,
    shown,
    typed_number,
    unplaced,
)
from loudong.registry.models import Building, Community, Household, Stairwell
from loudong.registry.views_common import is_htmx, varies_on_htmx
from loudong.registry.views_places import site_plan

POSITION_FIELDS = ("x", "y", "width", "depth")


def building_snapshot(building: Building) -> dict:
    """A building as the audit log compares it; field names give the log its Chinese labels."""
    return {
        "name": building.name,
        "address": building.address,
        "x": building.x,
        "y": building.y,
        "width": building.width,
        "depth": building.depth,
        "adjacent": sorted(b.name for b in building.adjacent.all()) if building.pk else [],
    }


def stairwell_snapshot(stairwell: Stairwell) -> dict:
    adjacent = stairwell.adjacent.select_related("building") if stairwell.pk else []
    return {
        "name": stairwell.name,
        "x": stairwell.x,
        "y": stairwell.y,
        "adjacent": sorted(str(s) for s in adjacent),
    }


def record_neighbours(
    request: HttpRequest, obj: models.Model, before: set, old_name: str, label: Callable[[models.Model], str]
) -> None:
    """Adjacency is symmetric: a neighbour added or removed has changed too, so its log says so."""
    after = set(obj.adjacent.all())
    for other in sorted(after ^ before, key=label):
        now = sorted(label(n) for n in other.adjacent.all())
        was = [n for n in now if n != label(obj)] if other in after else sorted([*now, old_name])
        record(request, AuditEntry.Action.UPDATE, other, detail=changes({"adjacent": was}, {"adjacent": now}))


# Buildings -------------------------------------------------------------------------------------


@login_required
def building_create(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    building = Building(community=community)
    if request.method == "GET":
        building.x, building.y = free_spot(community, building.width, building.depth)
    return building_page(request, community, building)


@login_required
def building_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    building = get_object_or_404(Building, community=community, pk=pk)
    return building_page(request, community, building)


def building_page(request: HttpRequest, community: Community, building: Building) -> HttpResponse:
    creating = building.pk is None
    if is_htmx(request) and request.GET.get("preview"):
        form = BuildingForm(request.GET, instance=building, community=community)
        context = building_context(request, community, building, form, preview=True)
        return varies_on_htmx(render(request, "registry/building_form.html#live", context))
    before = building_snapshot(building) if not creating else {}
    old_name, old_footprint = building.name, Footprint.of(building)
    old_neighbours = set(building.adjacent.all()) if not creating else set()
    form = BuildingForm(request.POST if request.method == "POST" else None, instance=building, community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            building = form.save()
            moved = [] if creating else move_stairwells(building, old_footprint)
            diff = changes(before, building_snapshot(building))
            if moved:
                diff["单元随楼栋平移"] = moved
            if creating:
                record(request, AuditEntry.Action.CREATE, building, detail=diff)
            elif diff:
                record(request, AuditEntry.Action.UPDATE, building, detail=diff)
            record_neighbours(request, building, old_neighbours, old_name, label=lambda b: b.name)
        if creating:
            messages.success(request, f"已添加楼栋：{building.name}。接下来可以给它添加单元。")
        else:
            messages.success(request, f"已保存 {building.name} 的信息" if diff else "没有改动")
        return redirect("registry:building", code=community.code, pk=building.pk)
    if request.method == "POST":
        building.name = old_name  # the title keeps the saved name while the form shows what was typed
    return render(request, "registry/building_form.html", building_context(request, community, building, form))


def building_context(
    request: HttpRequest, community: Community, building: Building, form: BuildingForm, *, preview: bool = False
) -> dict:
    households = Household.objects.filter(stairwell__building=building).count() if building.pk else 0
    return {
        "community": community,
        "building": building,
        "form": form,
        "title": f"修改楼栋：{building.name}" if building.pk else "添加楼栋",
        "preview": building_preview(request, community, building, form, preview=preview),
        "households": households,
    }


def building_preview(
    request: HttpRequest, community: Community, building: Building, form: BuildingForm, *, preview: bool
) -> dict:
    """The site plan around the building where it was typed (on a phone the whole plan is too small
    to read), and what lies near it."""
    plan = site_plan(request.user, community)
    plan["shapes"] = [s for s in plan["shapes"] if s["building"].pk != building.pk]
    footprint = form.footprint()
    errors = []
    if preview and form.is_bound:
        form.is_valid()
        errors = [e for name in POSITION_FIELDS for e in form.errors.get(name, [])]
    elif footprint is None:
        errors = ["请填写横坐标、纵坐标、宽和深，平面图上就会画出这栋楼"]
    box = {"x": 0.0, "y": 0.0, "width": plan["width"], "height": plan["height"]}
    marker = None
    if footprint is not None:
        box = view_around(footprint, plan["width"], plan["height"])
        name = str(form["name"].value() or "") or "新楼栋"
        marker = {"footprint": footprint, "name": name, **label_at(footprint, name, box["width"])}
    for shape in plan["shapes"]:
        shape.update(label_at(Footprint.of(shape["building"]), shape["building"].name, box["width"]))
    return {
        "plan": plan,
        "box": box,
        "stroke": round(box["width"] / 300, 2),
        "zoomed": box["width"] < plan["width"] or box["height"] < plan["height"],
        "marker": marker,
        "nearby": form.nearby(),
        "within": shown(SUGGEST_WITHIN),
        "errors": errors,
    }


def view_around(footprint: Footprint, plan_width: float, plan_height: float) -> dict[str, float]:
    """A window of the plan around a footprint: 60 m on each side, at least 200 m wide, 4:3; the whole
    plan when it is smaller than that."""
    half_w = max(footprint.width / 2 + 60, 100.0)
    half_h = max(footprint.depth / 2 + 45, half_w * 0.75)
    cx, cy = footprint.x + footprint.width / 2, footprint.y + footprint.depth / 2
    left, top = cx - half_w, cy - half_h
    if 2 * half_w >= plan_width and 2 * half_h >= plan_height:
        left, top = min(0.0, footprint.x), min(0.0, footprint.y)
        right = max(plan_width, footprint.x + footprint.width)
        bottom = max(plan_height, footprint.y + footprint.depth)
        return {"x": left, "y": top, "width": right - left, "height": bottom - top}
    return {"x": round(left, 2), "y": round(top, 2), "width": 2 * half_w, "height": 2 * half_h}


def label_at(footprint: Footprint, name: str, view_width: float) -> dict[str, float]:
    """Where a building's name sits and how large, readable in a window `view_width` metres wide."""
    base = view_width / 25
    fits = footprint.width / max(len(name), 1) * 1.1
    return {
        "cx": footprint.x + footprint.width / 2,
        "cy": footprint.y + footprint.depth / 2,
        "font": round(max(min(base, fits), base * 0.4), 2),
    }


def move_stairwells(building: Building, old: Footprint) -> list[str]:
    """A building moved on the plan takes the doors of its stairwells along (ones never placed stay)."""
    dx, dy = building.x - old.x, building.y - old.y
    if not dx and not dy:
        return []
    moved = [s for s in building.stairwells.all() if old.distance_to_point(s.x, s.y) <= STAIRWELL_MARGIN]
    for stairwell in moved:
        stairwell.x, stairwell.y = round(stairwell.x + dx, 2), round(stairwell.y + dy, 2)
    Stairwell.objects.bulk_update(moved, ["x", "y"])
    return sorted(s.name for s in moved)


@login_required
def building_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Only an empty building may go: households hold people, and people must not lose their address.
    The question is asked on the building's edit page; this address only takes the answer."""
    community = admin_community(request, code)
    building = get_object_or_404(Building, community=community, pk=pk)
    if request.method != "POST":
        return redirect("registry:building_edit", code=community.code, pk=building.pk)
    households = Household.objects.filter(stairwell__building=building).count()
    if households:
        messages.error(request, f"{building.name}登记了 {households} 户住户，不能删除。")
        return redirect("registry:building_edit", code=community.code, pk=building.pk)
    if not request.POST.get("confirm"):
        messages.error(request, "请先勾选“我确认删除这栋楼”，再点删除。")
        return redirect("registry:building_edit", code=community.code, pk=building.pk)
    detail = building_snapshot(building)
    detail["stairwells"] = sorted(s.name for s in building.stairwells.all())
    try:
        with transaction.atomic():
            record(request, AuditEntry.Action.DELETE, building, detail=detail)
            building.delete()
    except (ProtectedError, RestrictedError):
        messages.error(request, f"{building.name}还有其他记录在使用（如党小组活动或服务记录），暂时不能删除。")
        return redirect("registry:building_edit", code=community.code, pk=building.pk)
    messages.success(request, f"已删除楼栋：{building.name}")
    return redirect("registry:buildings", code=community.code)


# Stairwells ------------------------------------------------------------------------------------


@login_required
def stairwell_create(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    building = get_object_or_404(Building, community=community, pk=pk)
    stairwell = Stairwell(community=community, building=building, **door_spot(building))
    taken = set(building.stairwells.values_list("name", flat=True))
    stairwell.name = next(f"{n}单元" for n in range(1, len(taken) + 2) if f"{n}单元" not in taken)
    return stairwell_page(request, community, stairwell)


@login_required
def stairwell_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = admin_community(request, code)
    stairwell = get_object_or_404(Stairwell.objects.select_related("building"), community=community, pk=pk)
    return stairwell_page(request, community, stairwell)


def door_spot(building: Building) -> dict[str, float]:
    """Where a stairwell without a position is first put: the middle of its building's lower side."""
    return {"x": round(building.x + building.width / 2, 1), "y": building.y + building.depth}


def stairwell_page(request: HttpRequest, community: Community, stairwell: Stairwell) -> HttpResponse:
    building = stairwell.building
    creating = stairwell.pk is None
    previewing = is_htmx(request) and bool(request.GET.get("preview"))
    data = request.GET if previewing else request.POST if request.method == "POST" else None
    initial = door_spot(building) if not creating and unplaced(stairwell, building) else None
    before = stairwell_snapshot(stairwell) if not creating else {}
    old_name, old_neighbours = str(stairwell), set(stairwell.adjacent.all()) if not creating else set()
    form = StairwellForm(data, instance=stairwell, building=building, initial=initial)
    context = {
        "community": community,
        "building": building,
        "stairwell": stairwell,
        "form": form,
        "unplaced": initial is not None,
        "title": f"修改单元：{building.name}{stairwell.name}" if not creating else f"给{building.name}添加单元",
    }
    if previewing:
        context["preview"] = stairwell_preview(building, stairwell, form)
        return varies_on_htmx(render(request, "registry/stairwell_form.html#live", context))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            stairwell = form.save()
            diff = changes(before, stairwell_snapshot(stairwell))
            if creating:
                record(request, AuditEntry.Action.CREATE, stairwell, detail=diff)
            elif diff:
                record(request, AuditEntry.Action.UPDATE, stairwell, detail=diff)
            record_neighbours(request, stairwell, old_neighbours, old_name, label=str)
        if creating:
            messages.success(request, f"已添加单元：{stairwell}")
        else:
            messages.success(request, f"已保存 {stairwell} 的信息" if diff else "没有改动")
        return redirect("registry:building", code=community.code, pk=building.pk)
    context["preview"] = stairwell_preview(building, stairwell, form)
    return render(request, "registry/stairwell_form.html", context)


def stairwell_preview(building: Building, stairwell: Stairwell, form: StairwellForm) -> dict:
    """The building drawn close up, with its neighbours' edges and every door near it."""
    x, y = typed_number(form["x"].value()), typed_number(form["y"].value())
    here = Footprint.of(building)
    left, top = here.x - 20, here.y - 20
    right, bottom = here.x + here.width + 20, here.y + here.depth + 20
    if x is not None and y is not None:
        left, top, right, bottom = min(left, x - 10), min(top, y - 10), max(right, x + 10), max(bottom, y + 10)
    around = Footprint(left, top, right - left, bottom - top)
    community_buildings = Building.objects.filter(community=building.community_id)
    buildings = [b for b in community_buildings if Footprint.of(b).gap(around) == 0]
    doors = Stairwell.objects.filter(building__in=[b.pk for b in buildings]).exclude(pk=stairwell.pk)
    size = max(right - left, bottom - top)
    return {
        "box": {"x": left, "y": top, "width": right - left, "height": bottom - top},
        "buildings": [{"building": b, "own": b.pk == building.pk} for b in buildings],
        "doors": [d for d in doors.select_related("building") if around.distance_to_point(d.x, d.y) == 0],
        "marker": {"x": x, "y": y} if x is not None and y is not None else None,
        "radius": round(size / 60, 2),
        "font": round(size / 40, 2),
        "below": round(size / 60 + size / 40, 2),  # a door's name sits under its dot
        "stroke": round(size / 300, 2),
    }


# The community's site plan ---------------------------------------------------------------------


@login_required
def community_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The site plan's size in metres; it may shrink only as far as the buildings on it allow."""
    community = admin_community(request, code)
    before = {"site_width": community.site_width, "site_height": community.site_height}
    form = SitePlanForm(request.POST if request.method == "POST" else None, instance=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            after = {"site_width": community.site_width, "site_height": community.site_height}
            diff = changes(before, after)
            if diff:
                record(request, AuditEntry.Action.UPDATE, community, community_id=community.pk, detail=diff)
        messages.success(request, "已保存平面图大小" if diff else "没有改动")
        return redirect("registry:community_edit", code=community.code)
    if request.method == "POST":
        community.site_width, community.site_height = before["site_width"], before["site_height"]
    right, bottom = form.needed()
    context = {
        "community": community,
        "form": form,
        "plan": site_plan(request.user, community),
        "needed": {"width": shown(right[0]), "height": shown(bottom[0])},
    }
    return render(request, "registry/community_form.html", context)
