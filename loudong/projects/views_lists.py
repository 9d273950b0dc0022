"""The three lists as pages, each filtered by status: 需求清单, 资源清单, 项目清单; and the admin's forms
for entering a need or a resource and for listing what the partners offer.

Every row is read through the scopes of loudong.projects.access; anything else is a 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused
from loudong.partners.models import Offer
from loudong.projects import actions
from loudong.projects.access import lists_community, may_enter, resource_scope
from loudong.projects.forms import NeedForm, ResourceForm
from loudong.projects.models import RUNNING, Need, Project, Resource
from loudong.registry.models import Community

PER_PAGE = 30


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    filter: Q


NEED_TABS = (
    Tab("open", "待对接", Q(status=Need.Status.OPEN)),
    Tab("matched", "已立项", Q(status=Need.Status.MATCHED)),
    Tab("met", "已满足", Q(status=Need.Status.MET)),
    Tab("closed", "已关闭", Q(status=Need.Status.CLOSED)),
    Tab("all", "全部", Q()),
)
PROJECT_TABS = (
    Tab("running", "在办", Q(status__in=RUNNING)),
    Tab("done", "已完成", Q(status=Project.Status.DONE)),
    Tab("cancelled", "已取消", Q(status=Project.Status.CANCELLED)),
    Tab("all", "全部", Q()),
)
RESOURCE_TABS = (
    Tab("active", "可用", Q(active=True)),
    Tab("inactive", "已停用", Q(active=False)),
    Tab("all", "全部", Q()),
)


def tabbed(request: HttpRequest, rows: QuerySet, tabs: tuple[Tab, ...]) -> tuple[list[dict], QuerySet, str]:
    """The tabs with their counts (in one query), and the chosen tab's rows."""
    chosen = request.GET.get("status") or tabs[0].key
    tab = next((t for t in tabs if t.key == chosen), None)
    if tab is None:
        raise Http404
    counts = rows.order_by().aggregate(**{f"tab_{t.key}": Count("pk", filter=t.filter) for t in tabs})
    shown = [{"key": t.key, "label": t.label, "count": counts[f"tab_{t.key}"], "active": t is tab} for t in tabs]
    return shown, rows.filter(tab.filter), tab.key


def page_of(request: HttpRequest, rows: QuerySet) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def visible_resources(user: User, community: Community) -> QuerySet[Resource]:
    return Resource.objects.filter(resource_scope(user, community), community=community)


@login_required
def needs(request: HttpRequest, code: str) -> HttpResponse:
    community = lists_community(request.user, code)
    rows = Need.objects.visible_to(request.user, community).select_related("group", "building")
    tabs, rows, status = tabbed(request, rows, NEED_TABS)
    context = {"community": community, "tabs": tabs, "page": page_of(request, rows), "status": status}
    return render(request, "projects/needs.html", {**context, "may_enter": may_enter(request.user, community)})


@login_required
def need_new(request: HttpRequest, code: str) -> HttpResponse:
    community = lists_community(request.user, code)
    if not may_enter(request.user, community):
        raise Http404
    form = NeedForm(request.POST if request.method == "POST" else None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            need = actions.enter_need(community, by=request.user, http=request, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "已列入需求清单。下面是建议对接的资源。")
            return redirect("projects:need", code=code, pk=need.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"community": community, "form": form, "heading": "录入需求", "back": "projects:needs"}
    return render(request, "projects/form.html", context, status=status)


@login_required
def resources(request: HttpRequest, code: str) -> HttpResponse:
    community = lists_community(request.user, code)
    rows = visible_resources(request.user, community).select_related("unit", "member__resident", "building")
    kind = request.GET.get("kind", "")
    if kind:
        if kind not in Offer.values:
            raise Http404
        rows = rows.filter(kind=kind)
    tabs, rows, status = tabbed(request, rows, RESOURCE_TABS)
    rows = rows.annotate(running=Count("projects", filter=Q(projects__status__in=RUNNING)))
    page = page_of(request, rows.order_by("kind", "title", "pk"))  # a GROUP BY forgets Meta.ordering
    admin = may_enter(request.user, community)
    units, members = actions.unlisted_offers(community) if admin else ([], [])
    return render(
        request,
        "projects/resources.html",
        {
            "community": community,
            "tabs": tabs,
            "page": page,
            "status": status,
            "kind": kind,
            "kind_query": f"&kind={kind}" if kind else "",
            "kinds": Offer.choices,
            "may_enter": admin,
            "unlisted": len(units) + len(members),
        },
    )


@login_required
def resource_new(request: HttpRequest, code: str) -> HttpResponse:
    community = lists_community(request.user, code)
    if not may_enter(request.user, community):
        raise Http404
    form = ResourceForm(request.POST if request.method == "POST" else None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            actions.enter_resource(community, by=request.user, http=request, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "已列入资源清单。")
            return redirect("projects:resources", code=code)
    status = 400 if form.is_bound and form.errors else 200
    context = {"community": community, "form": form, "heading": "录入资源", "back": "projects:resources"}
    return render(request, "projects/form.html", context, status=status)


@login_required
@require_POST
def list_offers(request: HttpRequest, code: str) -> HttpResponse:
    community = lists_community(request.user, code)
    try:
        made = actions.list_partner_offers(community, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"已列入资源清单 {len(made)} 项。" if made else "没有新的资源要列入。")
    return redirect("projects:resources", code=code)


@login_required
@require_POST
def resource_active(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    resource = get_object_or_404(visible_resources(request.user, community), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_resource_active(resource, active, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"“{resource.title}”已{'启用' if active else '停用'}。")
    return redirect("projects:resources", code=code)


@login_required
def projects(request: HttpRequest, code: str) -> HttpResponse:
    community = lists_community(request.user, code)
    rows = Project.objects.visible_to(request.user, community).select_related(
        "need", "resource__unit", "resource__member__resident", "owner"
    )
    tabs, rows, status = tabbed(request, rows, PROJECT_TABS)
    page = page_of(
        request,
        rows.annotate(
            steps_total=Count("steps"), steps_done=Count("steps", filter=Q(steps__done_on__isnull=False))
        ).order_by("-created_at", "-pk"),
    )
    return render(
        request, "projects/projects.html", {"community": community, "tabs": tabs, "page": page, "status": status}
    )
