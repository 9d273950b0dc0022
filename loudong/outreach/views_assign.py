"""包户 pages for leaders (their group) and admins (any group): the proposal per member, moving a
household to another member in two taps, confirming or discarding the proposal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from loudong.groups.access import led_groups
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.outreach import actions
from loudong.outreach.access import outreach_community
from loudong.outreach.models import AssignmentDraft
from loudong.registry.models import Community, Household


def by_stairwell(households: list[Household]) -> list[tuple[str, list[Household]]]:
    """Households under their stairwell's name, so a chip needs to show only the room."""
    places: dict[str, list[Household]] = {}
    for household in households:
        places.setdefault(str(household.stairwell), []).append(household)
    return list(places.items())


def _group(request: HttpRequest, code: str, pk: int) -> tuple[Community, BuildingGroup]:
    community = outreach_community(request, code)
    group = get_object_or_404(led_groups(request.user, community), pk=pk)
    return community, group


@login_required
def groups(request: HttpRequest, code: str) -> HttpResponse:
    community = outreach_community(request, code)
    led = list(led_groups(request.user, community).order_by("name"))
    if not led:
        raise Http404
    if len(led) == 1:
        return redirect("outreach:group", code=code, pk=led[0].pk)
    drafts = set(AssignmentDraft.objects.filter(group__in=led).values_list("group_id", flat=True))
    cards = []
    for group in led:
        current = actions.current_mapping(group)
        cards.append(
            {
                "group": group,
                "households": len(current),
                "open": sum(1 for v in current.values() if v is None),
                "draft": group.pk in drafts,
            }
        )
    return render(request, "outreach/groups.html", {"community": community, "cards": cards})


@login_required
def group(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, group = _group(request, code, pk)
    draft = AssignmentDraft.objects.filter(group=group).first()
    households = actions.group_households(group)
    members = actions.group_members(group)
    mapping = draft.as_ids() if draft else actions.current_mapping(group)
    care = actions.care_household_ids(h.pk for h in households)
    by_member: dict[int | None, list[Household]] = {m.pk: [] for m in members}
    unassigned = []
    for household in households:
        owner = mapping.get(household.pk)
        (by_member[owner] if owner in by_member else unassigned).append(household)
    cards = [
        {
            "member": m,
            "households": by_member[m.pk],
            "stairwells": by_stairwell(by_member[m.pk]),
            "care": sum(1 for h in by_member[m.pk] if h.pk in care),
        }
        for m in members
    ]
    return render(
        request,
        "outreach/group.html",
        {
            "community": community,
            "group": group,
            "draft": draft,
            "cards": cards,
            "unassigned": unassigned,
            "unassigned_stairwells": by_stairwell(unassigned),
            "care": care,
            "total": len(households),
            "total_care": len(care),
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _, group = _group(request, code, pk)
    try:
        actions.propose_for(group, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "平台已给出包户建议。可以点住户换人，满意后点“确认包户”。")
    return redirect("outreach:group", code=code, pk=group.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _, group = _group(request, code, pk)
    try:
        changed = actions.confirm(group, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"包户已确认，{changed} 户有变动。")
    return redirect("outreach:group", code=code, pk=group.pk)


@login_required
@require_POST
def discard(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _, group = _group(request, code, pk)
    try:
        actions.discard(group, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "已放弃建议，包户保持原样。")
    return redirect("outreach:group", code=code, pk=group.pk)


@login_required
def move(request: HttpRequest, code: str, pk: int, household: int) -> HttpResponse:
    """Tap a household on the group page, then tap the member who takes it."""
    community, group = _group(request, code, pk)
    target = get_object_or_404(
        Household.objects.filter(stairwell__group=group).select_related("stairwell__building"), pk=household
    )
    members = actions.group_members(group)
    draft = AssignmentDraft.objects.filter(group=group).first()
    mapping = draft.as_ids() if draft else actions.current_mapping(group)
    if request.method == "POST":
        chosen = next((m for m in members if str(m.pk) == request.POST.get("volunteer", "")), None)
        if chosen is None:
            messages.error(request, "请选择本党小组的一名党员。")
            return redirect("outreach:move", code=code, pk=group.pk, household=target.pk)
        try:
            in_draft = actions.move(group, target, chosen, by=request.user, http=request)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"已把{target}交给{chosen}" + ("（建议中，确认后生效）。" if in_draft else "。"))
        return redirect(reverse("outreach:group", kwargs={"code": code, "pk": group.pk}) + f"#m{chosen.pk}")
    counts: dict[int, int] = {}
    for owner in mapping.values():
        counts[owner] = counts.get(owner, 0) + 1
    choices = [{"member": m, "count": counts.get(m.pk, 0), "current": mapping.get(target.pk) == m.pk} for m in members]
    return render(
        request,
        "outreach/move.html",
        {
            "community": community,
            "group": group,
            "household": target,
            "choices": choices,
            "draft": draft,
        },
    )
