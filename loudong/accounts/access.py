"""The one place that decides what a user may see. Views and the API read scoped objects only
through these helpers (or the `visible_to` querysets built on them).

An object outside the user's scope is reported as not found (404), never as forbidden, so its
existence is not disclosed.
"""

from django.db.models import Q
from django.http import Http404

from loudong.accounts.models import Role, User
from loudong.registry.models import Community, Resident

NOTHING = Q(pk__in=[])

# Roles that see people in the registry pages (an overseer sees roll-ups only).
REGISTRY_ROLES = {Role.ADMIN, Role.LEADER}


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
            scope |= Q(subdistrict_id=grant.subdistrict_id) if grant.subdistrict_id else Q(
                subdistrict__district_id=grant.district_id
            )
    return list(Community.objects.filter(scope).select_related("subdistrict__district").order_by("name"))


def may_reveal(user: User, resident: Resident, field: str) -> bool:
    """Full phone: admin and leader (they call people); full ID number: admin only.
    A resident may see their own values. Everything else stays masked."""
    roles = user.roles_in(resident.community_id)
    if user.resident_id == resident.pk:
        return True
    if field == "phone":
        return bool(roles & {Role.ADMIN, Role.LEADER})
    return Role.ADMIN in roles
