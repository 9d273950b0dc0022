"""The honours register: admins list, add, change and delete; leaders read it and may invite an
honoured resident to give a talk (a link to the activities' create page, prefilled)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry, Role
from loudong.community_life.honours.forms import HonourForm
from loudong.community_life.honours.models import COMMON_TITLES, Honour
from loudong.registry.access import community_for
from loudong.registry.models import Community, Resident, ResidentQuerySet

READ_ROLES = {Role.ADMIN, Role.LEADER}
SEARCH_LIMIT = 10
FIELDS = ("title", "awarded_on", "awarded_by", "resident_id", "person_name", "note")


def talk_url(code: str, resident_id: int | None) -> str | None:
    """The activities page prefilled for a talk by this person; None when there is no such page."""
    if resident_id is None:
        return None
    try:
        return reverse("activities:create", args=[code]) + f"?type=talk&speaker={resident_id}"
    except NoReverseMatch:
        return None


def registry_people(request: HttpRequest, community: Community) -> ResidentQuerySet:
    return Resident.objects.visible_to(request.user).filter(community=community)


def values_of(honour: Honour) -> dict:
    return {field: getattr(honour, field) for field in FIELDS}


@login_required
def honours(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code, READ_ROLES)
    rows = Honour.objects.filter(community=community).select_related("resident__member")
    chosen = request.GET.get("title", "")
    if chosen:
        rows = rows.filter(title=chosen)
    counts = Honour.objects.filter(community=community).values("title").annotate(n=Count("pk")).order_by("-n", "title")
    context = {
        "community": community, "chosen": chosen, "counts": counts,
        "rows": [(h, talk_url(community.code, h.resident_id)) for h in rows],
        "is_admin": Role.ADMIN in request.user.roles_in(community.pk),
    }  # fmt: skip
    return render(request, "community_life/honours/list.html", context)


def edit_page(request: HttpRequest, community: Community, honour: Honour | None) -> HttpResponse:
    people = registry_people(request, community)
    form = HonourForm(request.POST or None, instance=honour, residents=people)
    if request.method == "POST" and form.is_valid():
        before = values_of(honour) if honour else {}
        saved = form.save(commit=False)
        saved.community = community
        saved.person_name = form.cleaned_data["person_name"]
        if honour is None:
            saved.created_by = request.user
        saved.save()
        action = AuditEntry.Action.UPDATE if honour else AuditEntry.Action.CREATE
        record(request, action, saved, detail={"changes": changes(before, values_of(saved))})
        messages.success(request, f"已保存：{saved.person_name} · {saved.title}")
        return redirect("honours:list", code=community.code)
    chosen = form["resident"].value()
    picked = people.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    context = {"community": community, "form": form, "honour": honour, "picked": picked, "titles": COMMON_TITLES}
    return render(request, "community_life/honours/form.html", context)


@login_required
def create(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    return edit_page(request, community, None)


@login_required
def edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    return edit_page(request, community, get_object_or_404(Honour, community=community, pk=pk))


@login_required
@require_POST
def delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    honour = get_object_or_404(Honour, community=community, pk=pk)
    record(request, AuditEntry.Action.DELETE, honour, detail=values_of(honour) | {"awarded_on": str(honour.awarded_on)})
    honour.delete()
    messages.success(request, f"已删除：{honour.person_name} · {honour.title}")
    return redirect("honours:list", code=community.code)


@login_required
def people(request: HttpRequest, code: str) -> HttpResponse:
    """Search the registry by name or pinyin for the person (an htmx fragment of choices)."""
    community = community_for(request.user, code, {Role.ADMIN})
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = list(
            registry_people(request, community)
            .search(query)
            .select_related("household__stairwell__building", "member")[:SEARCH_LIMIT]
        )
    return render(request, "community_life/honours/_people.html", {"found": found, "query": query})
