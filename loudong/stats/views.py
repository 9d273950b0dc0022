"""Dashboards of a community and of its groups, under /c/<code>/stats/.

The community admin and the overseers of its area see the community; a leader sees their group
(and is sent there from the community's address); anyone else gets 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from loudong.accounts.models import Role
from loudong.groups.models import BuildingGroup
from loudong.registry.access import community_for, oversees
from loudong.registry.models import Community
from loudong.stats import pages
from loudong.stats.scope import child_scopes, scope_for, shows_people


def _community_place(request: HttpRequest, code: str) -> pages.Place:
    community = community_for(request.user, code)
    scope = scope_for(request.user, "community", community.pk)
    children = [(child.name, reverse("stats:group", args=[code, child.pk])) for child in child_scopes(scope)]
    up = None
    if oversees(request.user, community):
        up = (community.subdistrict.name, reverse("area_stats:subdistrict", args=[community.subdistrict_id]))
    return pages.Place(
        scope,
        reverse("stats:dashboard", args=[code]),
        shows_people(request.user, scope),
        children,
        up,
        reverse("stats:work_report", args=[code]),
    )


def _group_place(request: HttpRequest, code: str, pk: int) -> pages.Place:
    community = community_for(request.user, code)
    group = BuildingGroup.objects.filter(pk=pk, community=community).first()
    if group is None:
        raise Http404
    scope = scope_for(request.user, "group", group.pk)
    up = None
    roles = request.user.roles_in(community.pk)
    if Role.ADMIN in roles or oversees(request.user, community):
        up = (community.name, reverse("stats:dashboard", args=[code]))
    return pages.Place(scope, reverse("stats:group", args=[code, pk]), shows_people(request.user, scope), [], up)


def _leaders_group(request: HttpRequest, community: Community) -> int | None:
    groups = [g.group_id for g in request.user.grant_list() if g.role == Role.LEADER and g.community_id == community.pk]
    return groups[0] if groups else None


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code)
    roles = request.user.roles_in(community.pk)
    if Role.ADMIN not in roles and not oversees(request.user, community):
        group_id = _leaders_group(request, community)
        if group_id is None:
            raise Http404
        target = reverse("stats:group", args=[code, group_id])
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
    return pages.dashboard(request, _community_place(request, code))


@login_required
def records(request: HttpRequest, code: str, key: str) -> HttpResponse:
    return pages.records(request, _community_place(request, code), key)


@login_required
def records_export(request: HttpRequest, code: str, key: str) -> HttpResponse:
    return pages.records_export(request, _community_place(request, code), key)


@login_required
def export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    return pages.table_export(request, _community_place(request, code), table)


@login_required
def group(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return pages.dashboard(request, _group_place(request, code, pk))


@login_required
def group_records(request: HttpRequest, code: str, pk: int, key: str) -> HttpResponse:
    return pages.records(request, _group_place(request, code, pk), key)


@login_required
def group_records_export(request: HttpRequest, code: str, pk: int, key: str) -> HttpResponse:
    return pages.records_export(request, _group_place(request, code, pk), key)


@login_required
def group_export(request: HttpRequest, code: str, pk: int, table: str) -> HttpResponse:
    return pages.table_export(request, _group_place(request, code, pk), table)


@login_required
def held(request: HttpRequest, code: str, key: str) -> HttpResponse:
    return pages.held(request, _community_place(request, code), key)


@login_required
def held_export(request: HttpRequest, code: str, key: str) -> HttpResponse:
    return pages.held_export(request, _community_place(request, code), key)


@login_required
def group_held(request: HttpRequest, code: str, pk: int, key: str) -> HttpResponse:
    return pages.held(request, _group_place(request, code, pk), key)


@login_required
def group_held_export(request: HttpRequest, code: str, pk: int, key: str) -> HttpResponse:
    return pages.held_export(request, _group_place(request, code, pk), key)
