"""敲门问需 pages: my households (due first), the visit log, a visit and its need, a household's
history, and the list of visits the user may see."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.lib.actions import ActionRefused
from loudong.lib.page_actions import actions_for
from loudong.outreach import actions
from loudong.outreach.access import (
    assigned_households,
    households_for,
    may_lead,
    outreach_community,
    serving_member,
    visits_for,
)
from loudong.outreach.forms import ToRequestForm, VisitForm
from loudong.outreach.models import Visit
from loudong.outreach.schedule import DueState, HouseholdDue, schedule
from loudong.policy.models import current_rules
from loudong.registry.models import Community, Resident
from loudong.registry.views_common import is_htmx, varies_on_htmx
from loudong.registry.views_people import record_full_value
from loudong.tickets.suggest.classify import guess_category

VISITS_PER_PAGE = 30


def people_by_household(household_ids: list[int]) -> dict[int, list[dict]]:
    """Names and masked phones of the residents, for lists (the full phone only through `phone`)."""
    people: dict[int, list[dict]] = defaultdict(list)
    for resident in Resident.objects.filter(household_id__in=household_ids).order_by("birth_date", "pk"):
        people[resident.household_id].append(
            {"pk": resident.pk, "name": resident.name, "phone": resident.phone_masked, "age": resident.age}
        )
    return people


def with_people(rows: list[HouseholdDue]) -> list[tuple[HouseholdDue, list[dict]]]:
    people = people_by_household([r.household.pk for r in rows])
    return [(r, people.get(r.household.pk, [])) for r in rows]


def state_counts(rows: list[HouseholdDue]) -> dict[str, int]:
    counts = {state.value: 0 for state in DueState}
    for row in rows:
        counts[row.state.value] += 1
    return counts


@login_required
def mine(request: HttpRequest, code: str) -> HttpResponse:
    community = outreach_community(request, code)
    member = serving_member(request.user, community)
    rows = []
    recent = Visit.objects.none()
    if member is not None:
        rows = schedule(assigned_households(member), current_rules(community.pk))
        recent = (
            visits_for(request.user, community)
            .filter(volunteer=member)
            .select_related("household__stairwell__building", "request")[:10]
        )
    return render(
        request,
        "outreach/mine.html",
        {
            "community": community,
            "member": member,
            "rows": with_people(rows),
            "counts": state_counts(rows),
            "recent": recent,
            "may_lead": may_lead(request.user, community),
        },
    )


def _household_choices(request: HttpRequest, community: Community) -> list[HouseholdDue]:
    return schedule(households_for(request.user, community), current_rules(community.pk))


@login_required
def visit_new(request: HttpRequest, code: str) -> HttpResponse:
    community = outreach_community(request, code)
    member = serving_member(request.user, community)
    if member is None:
        messages.error(request, "只有在档案里有党员记录的志愿者和组长才能记录走访。")
        return redirect("outreach:mine", code=code)
    rows = _household_choices(request, community)
    by_id = {r.household.pk: r for r in rows}
    picked = request.POST.get("household") if request.method == "POST" else request.GET.get("household")
    fixed = int(picked) if str(picked or "").isdigit() else None
    if fixed is not None and fixed not in by_id:
        raise Http404
    residents = list(Resident.objects.filter(household_id=fixed).order_by("birth_date", "pk")) if fixed else []
    form = VisitForm(request.POST if request.method == "POST" else None, rows=rows, residents=residents, fixed=fixed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = by_id[data["household"]].household
        try:
            visit = actions.log_visit(
                household=household,
                volunteer=member,
                by=request.user,
                visited_at=data["visited_at"],
                minutes=data["minutes"],
                someone_home=data["someone_home"],
                met=[r for r in residents if r.pk in set(data.get("met") or [])],
                needs=data["needs"],
                note=data["note"],
                http=request,
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"已记录走访：{household}。")
            return redirect("outreach:visit", code=code, pk=visit.pk)
    return render(
        request,
        "outreach/visit_form.html",
        {
            "community": community,
            "form": form,
            "fixed": by_id.get(fixed),
            "need_categories": current_rules(community.pk).categories,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _visit(request: HttpRequest, community: Community, pk: int) -> Visit:
    visits = (
        visits_for(request.user, community)
        .select_related("household__stairwell__building", "volunteer__resident", "request")
        .prefetch_related("met")
    )
    return get_object_or_404(visits, pk=pk)


def _request_form(community: Community, visit: Visit, data: object = None) -> ToRequestForm:
    categories = [(c.code, c.name) for c in current_rules(community.pk).categories]
    guesses = guess_category(community.pk, visit.needs) if visit.needs.strip() else []
    return ToRequestForm(data, categories=categories, guess=guesses[0].code if guesses else None)


@login_required
def visit_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = outreach_community(request, code)
    visit = _visit(request, community, pk)
    convertible = bool(visit.needs.strip()) and visit.request_id is None
    return render(
        request,
        "outreach/visit.html",
        {
            "community": community,
            "visit": visit,
            "request_form": _request_form(community, visit) if convertible else None,
            "more_actions": actions_for(request.user, [visit])[visit.pk],
        },
    )


@login_required
@require_POST
def visit_to_request(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = outreach_community(request, code)
    visit = _visit(request, community, pk)
    form = _request_form(community, visit, request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["category"][0])
        return redirect("outreach:visit", code=code, pk=visit.pk)
    try:
        req = actions.request_from_visit(
            visit, category_code=form.cleaned_data["category"], by=request.user, http=request
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"已转为点单，编号 {req.number}。组长会尽快派单。")
    return redirect("outreach:visit", code=code, pk=visit.pk)


@login_required
def household_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = outreach_community(request, code)
    scope = households_for(request.user, community)
    household = get_object_or_404(scope.select_related("stairwell__building"), pk=pk)
    row = schedule(scope.filter(pk=household.pk), current_rules(community.pk))[0]
    residents = Resident.objects.filter(household=household).prefetch_related("care_tags").order_by("birth_date")
    visits = (
        visits_for(request.user, community)
        .filter(household=household)
        .select_related("volunteer__resident", "request")[:20]
    )
    assignment = getattr(household, "assignment", None)
    return render(
        request,
        "outreach/household.html",
        {
            "community": community,
            "household": household,
            "row": row,
            "residents": residents,
            "visits": visits,
            "volunteer": assignment.volunteer if assignment else None,
            "may_log": serving_member(request.user, community) is not None,
        },
    )


@login_required
@require_POST
def phone(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """拨打: the full phone of a resident of a household the user visits or oversees (households_for),
    as a tel: link, written down in the audit log as the resident's page reveals it. Else 404."""
    community = outreach_community(request, code)
    resident = get_object_or_404(
        Resident.objects.filter(household__in=households_for(request.user, community)).exclude(phone=""), pk=pk
    )
    record_full_value(request, resident, "phone", page="outreach")
    context = {"field": "phone", "value": resident.phone}
    if is_htmx(request):
        return varies_on_htmx(render(request, "registry/resident.html#revealed", context))
    context.update(community=community, resident=resident)
    return varies_on_htmx(render(request, "outreach/phone.html", context))


@login_required
def visit_list(request: HttpRequest, code: str) -> HttpResponse:
    community = outreach_community(request, code)
    visits = visits_for(request.user, community).select_related(
        "household__stairwell__building", "volunteer__resident", "request"
    )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "outreach/visits.html", {"community": community, "page": page})
