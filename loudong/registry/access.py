"""Who may see which places and people of the registry, built on the grants (loudong.accounts.access).
Views and the API read scoped objects only through these helpers (or the `visible_to` querysets built
on them).

An object outside the user's scope is reported as not found (404), never as forbidden, so its
existence is not disclosed.
"""

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from loudong.accounts.access import NOTHING, PEOPLE_ROLES
from loudong.accounts.models import Role, User
from loudong.registry.models import Building, Community, Household, Member, Resident, ResidentQuerySet, Stairwell


def resident_scope(user: User) -> Q:
    """Residents this user may see:
    admin: the community; leader: the households of the group's stairwells;
    volunteer: fellow members of their group; resident: their own household.
    """
    if not user.is_authenticated:
        return NOTHING
    scope = NOTHING
    for grant in user.grant_list():
        if grant.role == Role.ADMIN:
            scope |= Q(community_id=grant.community_id)
        elif grant.role == Role.LEADER:
            scope |= Q(household__stairwell__group_id=grant.group_id) | Q(member__group_id=grant.group_id)
        elif grant.role == Role.VOLUNTEER:
            scope |= Q(member__group_id=grant.group_id)
        elif grant.role == Role.RESIDENT and user.resident_id:
            household_id = Resident.objects.filter(pk=user.resident_id).values("household_id")
            scope |= Q(pk=user.resident_id) | Q(household_id__in=household_id)
    return scope


def stairwell_scope(user: User, prefix: str = "") -> Q:
    """Places (buildings via prefix 'stairwells__', stairwells, households via 'stairwell__')."""
    scope = NOTHING
    for grant in user.grant_list() if user.is_authenticated else []:
        if grant.role == Role.ADMIN:
            scope |= Q(community_id=grant.community_id)
        elif grant.role == Role.LEADER:
            scope |= Q(**{f"{prefix}group_id": grant.group_id})
    return scope


def community_for(user: User, code: str, roles: set[str] | None = None) -> Community:
    """The community `code` if the user holds one of `roles` in it (any role when None); else 404."""
    community = Community.objects.filter(code=code).select_related("subdistrict__district").first()
    if community is None or not user.is_authenticated:
        raise Http404
    held = user.roles_in(community.pk)
    if roles is None:
        held |= {Role.OVERSEER} if oversees(user, community) else set()
    if not held or (roles is not None and not held & set(roles)):
        raise Http404
    return community


def oversees(user: User, community: Community) -> bool:
    return any(
        g.role == Role.OVERSEER
        and (g.subdistrict_id == community.subdistrict_id or g.district_id == community.subdistrict.district_id)
        for g in user.grant_list()
    )


def overseen_communities(user: User) -> "list[Community]":
    scope = NOTHING
    for grant in user.grant_list() if user.is_authenticated else []:
        if grant.role == Role.OVERSEER:
            scope |= (
                Q(subdistrict_id=grant.subdistrict_id)
                if grant.subdistrict_id
                else Q(subdistrict__district_id=grant.district_id)
            )
    return list(Community.objects.filter(scope).select_related("subdistrict__district").order_by("name"))


def may_reveal(user: User, resident: Resident, field: str) -> bool:
    """Full phone: admin and leader (they call people); full ID number: admin only.
    A resident may see their own values. Everything else stays masked."""
    roles = user.roles_in(resident.community_id)
    if user.resident_id == resident.pk:
        return True
    if field == "phone":
        return bool(roles & PEOPLE_ROLES)
    return Role.ADMIN in roles


def own_member(user: User, community: Community) -> Member | None:
    """The member record of the person the user is, in this community."""
    if not user.is_authenticated or not user.resident_id:
        return None
    return (
        Member.objects.filter(resident_id=user.resident_id, community=community)
        .select_related("resident__household__stairwell")
        .first()
    )


# The registry's people and places pages, combined with the community named in the address, so a
# view never builds a query of people or places by itself. Who reads them: PEOPLE_ROLES (admin and
# leader); volunteers, residents and overseers do not.


def people_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, PEOPLE_ROLES)


def admin_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, {Role.ADMIN})


def visible_residents(user: User, community: Community) -> ResidentQuerySet:
    return Resident.objects.visible_to(user).filter(community=community)


def visible_members(user: User, community: Community) -> QuerySet[Member]:
    return Member.objects.filter(community=community, resident__in=visible_residents(user, community).values("pk"))


def visible_buildings(user: User, community: Community) -> QuerySet[Building]:
    scoped = Building.objects.filter(community=community).filter(stairwell_scope(user, "stairwells__"))
    return Building.objects.filter(pk__in=scoped.values("pk"))


def visible_stairwells(user: User, community: Community) -> QuerySet[Stairwell]:
    return Stairwell.objects.filter(community=community).filter(stairwell_scope(user))


def visible_households(user: User, community: Community) -> QuerySet[Household]:
    return Household.objects.filter(community=community).filter(stairwell_scope(user, "stairwell__"))
