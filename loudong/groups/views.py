"""The groups a user may see or lead, and the group pages: the list and one group's page.

Scoping rests on the user's grants (loudong.accounts.access's rule): the admin sees every group of
the community; a leader and a volunteer see the groups of their grants; a member also sees the group
their member record is in. Everything else is not found (404).
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from loudong.accounts.access import community_for
from loudong.accounts.models import Role, User
from loudong.groups.models import BuildingGroup, Election, Venue, VenueConsent
from loudong.registry.models import Community, Member, Stairwell

GROUP_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER, Role.RESIDENT}


def group_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, GROUP_ROLES)


def is_admin(user: User, community: Community) -> bool:
    return Role.ADMIN in user.roles_in(community.pk)


def own_member(user: User, community: Community) -> Member | None:
    """The member record of the person the user is, in this community."""
    if not user.resident_id:
        return None
    return Member.objects.filter(resident_id=user.resident_id, community=community).select_related("resident").first()


def visible_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    groups = BuildingGroup.objects.filter(community=community)
    if is_admin(user, community):
        return groups
    ids = {
        g.group_id for g in user.grant_list()
        if g.community_id == community.pk and g.group_id and g.role in (Role.LEADER, Role.VOLUNTEER)
    }  # fmt: skip
    member = own_member(user, community)
    if member and member.group_id:
        ids.add(member.group_id)
    return groups.filter(pk__in=ids)


def led_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    """Groups whose paper and venue the user may handle: all for the admin, their own for a leader."""
    groups = BuildingGroup.objects.filter(community=community)
    if is_admin(user, community):
        return groups
    ids = [g.group_id for g in user.grant_list() if g.community_id == community.pk and g.role == Role.LEADER]
    return groups.filter(pk__in=ids)


def open_venues() -> QuerySet[Venue]:
    """Venues whose household's consent stands (a withdrawn consent closes the venue)."""
    standing = VenueConsent.objects.filter(venue=OuterRef("pk"), withdrawn_on__isnull=True)
    return Venue.objects.filter(Exists(standing))


def current_venue(group: BuildingGroup) -> Venue | None:
    return (
        open_venues().filter(group=group).select_related("household__stairwell__building", "host__resident")
        .order_by("-opened_on", "-id").first()
    )  # fmt: skip


def venue_address(venue: Venue) -> str:
    stairwell = venue.household.stairwell
    building = stairwell.building
    return f"{building.address or building.name}{stairwell.name}{venue.household.room}室"


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
        "buildings": sorted({s.building.name for s in stairwells}),
        "stairwells": stairwells,
        "elections": elections,
        "venue": venue,
        "venue_address": venue_address(venue) if venue else "",
        "is_admin": is_admin(request.user, community),
        "leads": led_groups(request.user, community).filter(pk=group.pk).exists(),
        "me": me if me and me.group_id == group.pk else None,
    }
    return render(request, "groups/elections/group.html", context)
