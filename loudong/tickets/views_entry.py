"""代点单 (staff enter a request for a resident) and the working-day calendar overrides."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from loudong.accounts import audit
from loudong.accounts.access import STAFF_ROLES
from loudong.accounts.models import AuditEntry, Role
from loudong.lib.actions import ActionRefused
from loudong.lib.workdays import is_workday
from loudong.policy.models import current_rules
from loudong.registry.access import community_for
from loudong.registry.models import Building, Community, Resident, Stairwell
from loudong.tickets import actions
from loudong.tickets.deadlines import overrides
from loudong.tickets.forms_staff import EntryForm, OverrideForm
from loudong.tickets.models import CalendarOverride

SEARCH_LIMIT = 10
CALENDAR_AHEAD_DAYS = 120


def _entry_form(request: HttpRequest, community: object, resident: Resident | None) -> EntryForm:
    buildings = list(Building.objects.filter(community=community).order_by("sort_key"))
    stairwells = list(
        Stairwell.objects.filter(community=community)
        .select_related("building")
        .order_by("building__sort_key", "sort_key")
    )
    initial = {}
    if resident is not None and resident.household_id:
        household = resident.household
        initial = {
            "building": household.stairwell.building_id,
            "stairwell": household.stairwell_id,
            "room": household.room,
        }
    if resident is not None:
        initial.update(resident=resident.pk, contact_name=resident.name, contact_phone=resident.phone)
    if channel := request.GET.get("channel"):
        initial["channel"] = channel
    return EntryForm(
        request.POST or None,
        initial=initial,
        buildings=buildings,
        stairwells=stairwells,
        categories=list(current_rules(community.pk).categories),
    )


@login_required
def create(request: HttpRequest, code: str) -> HttpResponse:
    """代点单: pick the resident from the registry (or type a name or phone), what they need, the channel."""
    user = request.user
    community = community_for(user, code, STAFF_ROLES)
    visible = Resident.objects.visible_to(user).filter(community=community)
    picked_id = request.POST.get("resident") or request.GET.get("resident")
    resident = (
        visible.select_related("household__stairwell").filter(pk=picked_id).first()
        if str(picked_id or "").isdigit()
        else None
    )
    form = _entry_form(request, community, resident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        building = Building.objects.filter(community=community, pk=data["building"]).first()
        stairwell = (
            Stairwell.objects.filter(community=community, pk=data["stairwell"]).first()
            if data.get("stairwell")
            else None
        )
        try:
            req = actions.place_request(
                community=community,
                building=building,
                stairwell=stairwell,
                room=data.get("room", ""),
                category_code=data["category"],
                kind=data["kind"],
                scope=data.get("scope", ""),
                description=data["description"],
                channel=data["channel"],
                contact_name=data.get("contact_name", ""),
                contact_phone=data.get("contact_phone", ""),
                anonymous=data.get("anonymous", False),
                resident=resident,
                by=user,
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            audit.record(request, AuditEntry.Action.CREATE, req, detail={"what": "代点单", "channel": req.channel})
            messages.success(request, f"已代居民点单，编号 {req.number}。")
            return redirect("tickets:detail", code=code, pk=req.pk)
    return render(
        request,
        "tickets/staff/create.html",
        {
            "community": community,
            "form": form,
            "resident": resident,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def resident_search(request: HttpRequest, code: str) -> HttpResponse:
    """The registry search of the 代点单 page (htmx partial): name, pinyin initials or phone digits."""
    user = request.user
    community = community_for(user, code, STAFF_ROLES)
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = list(
            Resident.objects.visible_to(user)
            .filter(community=community)
            .search(query)
            .select_related("household__stairwell__building")[:SEARCH_LIMIT]
        )
    return render(
        request,
        "tickets/staff/_resident_results.html",
        {
            "community": community,
            "found": found,
            "query": query,
            "channel": request.GET.get("channel", ""),
        },
    )


def _calendar_ahead(community: Community, today: date) -> list[dict]:
    """Days in the next months that differ from a plain Monday-to-Friday week, in this community."""
    table = overrides(community.pk)
    days = []
    for offset in range(CALENDAR_AHEAD_DAYS):
        day = today + timedelta(days=offset)
        works = is_workday(day, table)
        if works != (day.weekday() < 5):
            days.append({"date": day, "works": works, "override": day in table})
    return days


@login_required
def calendar(request: HttpRequest, code: str) -> HttpResponse:
    """Admins add a date as a working day or a rest day (a local holiday, a State Council change)."""
    community = community_for(request.user, code, {Role.ADMIN})
    form = OverrideForm(request.POST or None, instance=CalendarOverride(community=community))
    if request.method == "POST" and form.is_valid():
        row = form.save()
        audit.record(
            request,
            AuditEntry.Action.CREATE,
            row,
            community_id=community.pk,
            detail={"date": row.date.isoformat(), "is_workday": row.is_workday, "note": row.note},
        )
        messages.success(request, f"已设置：{row.date:%Y年%m月%d日} {'上班' if row.is_workday else '休息'}。")
        return redirect("tickets:calendar", code=code)
    today = timezone.localdate()
    return render(
        request,
        "tickets/staff/calendar.html",
        {
            "community": community,
            "form": form,
            "rows": CalendarOverride.objects.filter(
                Q(community=community) | Q(community__isnull=True), date__gte=today - timedelta(days=365)
            ),
            "ahead": _calendar_ahead(community, today),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def calendar_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    row = get_object_or_404(CalendarOverride, pk=pk, community=community)  # never another's, nor everywhere rows
    audit.record(
        request,
        AuditEntry.Action.DELETE,
        row,
        community_id=community.pk,
        detail={"date": row.date.isoformat(), "is_workday": row.is_workday},
    )
    row.delete()
    messages.success(request, f"已删除 {row.date:%Y年%m月%d日} 的设置。")
    return redirect("tickets:calendar", code=code)
