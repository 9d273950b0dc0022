"""Who sees which households and visits under /outreach/, built on loudong.accounts.access.

volunteer: the households assigned to them and their own visits; leader: their group's
households and visits (and their own); admin: the community. Anything else is not found (404).
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from loudong.accounts.access import NOTHING, community_for
from loudong.accounts.models import Role, User
from loudong.groups.models import BuildingGroup
from loudong.outreach.models import Visit
from loudong.registry.models import Community, Household, Member

OUTREACH_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER}


def outreach_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, OUTREACH_ROLES)


def is_admin(user: User, community: Community) -> bool:
    return Role.ADMIN in user.roles_in(community.pk)


def own_member(user: User, community: Community) -> Member | None:
    """The member record of the person the user is, in this community, if they hold a member role."""
    if not user.resident_id or not user.roles_in(community.pk) & {Role.LEADER, Role.VOLUNTEER}:
        return None
    return (Member.objects.filter(resident_id=user.resident_id, community=community)
            .select_related("resident__household__stairwell").first())


def led_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    groups = BuildingGroup.objects.filter(community=community)
    if is_admin(user, community):
        return groups
    ids = [g.group_id for g in user.grant_list() if g.community_id == community.pk and g.role == Role.LEADER]
    return groups.filter(pk__in=ids)


def may_lead(user: User, community: Community) -> bool:
    return is_admin(user, community) or led_groups(user, community).exists()


def households_for(user: User, community: Community) -> QuerySet[Household]:
    scope = NOTHING
    if is_admin(user, community):
        scope = Q(community=community)
    else:
        scope |= Q(stairwell__group__in=led_groups(user, community))
        member = own_member(user, community)
        if member is not None:
            scope |= Q(assignment__volunteer=member)
    return Household.objects.filter(scope, community=community)


def visits_for(user: User, community: Community) -> QuerySet[Visit]:
    scope = NOTHING
    if is_admin(user, community):
        scope = Q(community=community)
    else:
        scope |= Q(household__stairwell__group__in=led_groups(user, community))
        member = own_member(user, community)
        if member is not None:
            scope |= Q(volunteer=member)
    return Visit.objects.filter(scope, community=community)
