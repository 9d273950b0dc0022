"""The group pages: the list and one group's page (who sees which group: loudong.groups.access)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from loudong.accounts.access import is_admin
from loudong.groups.access import group_community, led_groups, visible_groups
from loudong.groups.models import Election
from loudong.groups.venues.queries import current_venue, venue_address
from loudong.lib.natural import natural_key
from loudong.registry.access import own_member
from loudong.registry.models import Member, Stairwell


@login_required
def groups(request: HttpRequest, code: str) -> HttpResponse:
    community = group_community(request, code)
    found = (
        visible_groups(request.user, community)
        .select_related("leader__resident", "deputy__resident")
        .prefetch_related(
            Prefetch("elections", queryset=Election.objects.exclude(stage=Election.Stage.CLOSED), to_attr="running")
        )
    )
    context = {"community": community, "groups": found, "is_admin": is_admin(request.user, community)}
    return render(request, "groups/elections/groups.html", context)


@login_required
def group_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One group: its members and roles, the 红色议事厅, election history, and what the user may do."""
    community = group_community(request, code)
    group = get_object_or_404(
        visible_groups(request.user, community).select_related("leader__resident", "deputy__resident"), pk=pk
    )
    members = (
        Member.objects.filter(group=group)
        .select_related("resident__household__stairwell__building")
        .prefetch_related("service_items")
    )
    stairwells = Stairwell.objects.filter(group=group).select_related("building")
    elections = Election.objects.filter(group=group).select_related("elected__resident").order_by("-opened_at", "-id")
    venue = current_venue(group)
    me = own_member(request.user, community)
    context = {
        "community": community,
        "group": group,
        "members": members,
        "buildings": sorted({s.building.name for s in stairwells}, key=natural_key),
        "stairwells": stairwells,
        "elections": elections,
        "venue": venue,
        "venue_address": venue_address(venue) if venue else "",
        "is_admin": is_admin(request.user, community),
        "leads": led_groups(request.user, community).filter(pk=group.pk).exists(),
        "me": me if me and me.group_id == group.pk else None,
    }
    return render(request, "groups/elections/group.html", context)
