"""A need's page: what is needed, where it came from, the suggested resources with their reasons and
a one-tap 立项 for each; and the one-tap 需要资源 of requests, visits and meetings' decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from loudong.accounts.access import STAFF_ROLES
from loudong.community_life.meetings.access import visible_meetings
from loudong.community_life.meetings.models import Decision
from loudong.lib.actions import ActionRefused
from loudong.outreach.access import visits_for
from loudong.projects import actions
from loudong.projects.access import lists_community, may_run_group
from loudong.projects.forms import NeedEditForm, ReasonForm, StartForm
from loudong.projects.matching import suggest
from loudong.projects.models import Need
from loudong.projects.views_lists import visible_resources
from loudong.registry.access import community_for
from loudong.registry.models import Community
from loudong.tickets.models import Request


def _need(request: HttpRequest, community: Community, pk: int) -> Need:
    rows = Need.objects.visible_to(request.user, community).select_related(
        "community", "group", "building", "request", "decision__meeting", "visit__household"
    )
    return get_object_or_404(rows, pk=pk)


def _start_form(request: HttpRequest, need: Need, data: object = None) -> StartForm:
    resources = visible_resources(request.user, need.community).filter(active=True)
    resources = resources.select_related("unit", "member__resident").order_by("kind", "title", "pk")
    return StartForm(data, resources=resources, owners=actions.owners_for(need), me=request.user)


@login_required
def need_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    need = _need(request, community, pk)
    runner = may_run_group(request.user, community, need.group_id)
    suggestions = suggest(need, visible_resources(request.user, community)) if need.is_open else []
    edit = NeedEditForm(initial={f: getattr(need, f) for f in ("title", "category", "description", "beneficiaries")})
    return render(
        request,
        "projects/need.html",
        {
            "community": community,
            "need": need,
            "runner": runner,
            "suggestions": suggestions,
            "start_form": _start_form(request, need) if runner and need.is_open else None,
            "edit_form": edit if runner and need.status != Need.Status.CLOSED else None,
            "reason_form": ReasonForm(),
            "projects": need.projects.select_related("resource__unit", "resource__member__resident", "owner"),
        },
    )


@login_required
@require_POST
def need_start(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """立项: with a suggested resource in one tap (only `resource`), or with the form's choices."""
    community = lists_community(request.user, code)
    need = _need(request, community, pk)
    if "owner" in request.POST:
        form = _start_form(request, need, request.POST)
        if not form.is_valid():
            messages.error(request, next(iter(form.errors.values()))[0])
            return redirect("projects:need", code=code, pk=pk)
        chosen = form.cleaned_data
    else:
        resource = visible_resources(request.user, community).filter(pk=request.POST.get("resource") or 0).first()
        if resource is None:
            messages.error(request, "请选择一项资源。")
            return redirect("projects:need", code=code, pk=pk)
        chosen = {"resource": resource, "owner": None, "due_on": None}
    try:
        project = actions.start_project(
            need, chosen["resource"], owner=chosen["owner"], due_on=chosen["due_on"], by=request.user, http=request
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("projects:need", code=code, pk=pk)
    messages.success(request, "已立项。按步骤推进，每做完一步点一下“完成”。")
    return redirect("projects:project", code=code, pk=project.pk)


@login_required
@require_POST
def need_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    need = _need(request, community, pk)
    form = NeedEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("projects:need", code=code, pk=pk)
    try:
        actions.update_need(need, by=request.user, http=request, **form.cleaned_data)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "已保存。")
    return redirect("projects:need", code=code, pk=pk)


@login_required
@require_POST
def need_close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    need = _need(request, community, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionRefused(form.errors["reason"][0])
        actions.close_need(need, by=request.user, reason=form.cleaned_data["reason"], http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "需求已关闭。")
    return redirect("projects:need", code=code, pk=pk)


@login_required
@require_POST
def need_reopen(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    need = _need(request, community, pk)
    try:
        actions.reopen_need(need, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "需求已重新打开，可以再对接资源。")
    return redirect("projects:need", code=code, pk=pk)


def _raised(request: HttpRequest, code: str, raise_need: object, source: object, back: str) -> HttpResponse:
    """Run the one-tap action on the source object; on to the new need, or back with the refusal."""
    try:
        need = raise_need(source, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    messages.success(request, "已列入需求清单。下面是建议对接的资源。")
    return redirect("projects:need", code=code, pk=need.pk)


@login_required
@require_POST
def need_from_request(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, STAFF_ROLES)
    req = get_object_or_404(Request.objects.visible_to(request.user).filter(community=community), pk=pk)
    return _raised(request, code, actions.need_from_request, req, reverse("tickets:detail", args=[code, req.pk]))


@login_required
@require_POST
def need_from_visit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, STAFF_ROLES)
    visit = get_object_or_404(visits_for(request.user, community).select_related("household__stairwell"), pk=pk)
    return _raised(request, code, actions.need_from_visit, visit, reverse("outreach:visit", args=[code, visit.pk]))


@login_required
@require_POST
def need_from_decision(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, STAFF_ROLES)
    decision = get_object_or_404(Decision.objects.filter(meeting__in=visible_meetings(request.user, community)), pk=pk)
    back = reverse("meetings:detail", args=[code, decision.meeting_id]) + "#decisions"
    return _raised(request, code, actions.need_from_decision, decision, back)
