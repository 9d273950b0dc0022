"""Who sees which households and visits under /outreach/, built on the grants (loudong.accounts.access).

volunteer: the households assigned to them and their own visits; leader: their group's
households and visits (and their own); admin: the community. Anything else is not found (404).
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from loudong.accounts.access import NOTHING, STAFF_ROLES, is_admin
from loudong.accounts.models import Role, User
from loudong.groups.access import led_groups
from loudong.outreach.models import Visit
from loudong.registry.access import community_for, own_member
from loudong.registry.models import Community, Household, Member

OUTREACH_ROLES = STAFF_ROLES


def outreach_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, OUTREACH_ROLES)


def serving_member(user: User, community: Community) -> Member | None:
    """The member record of the person the user is, in this community, if they serve as leader or volunteer."""
    if not user.roles_in(community.pk) & {Role.LEADER, Role.VOLUNTEER}:
        return None
    return own_member(user, community)


def may_lead(user: User, community: Community) -> bool:
    return is_admin(user, community) or led_groups(user, community).exists()


def households_for(user: User, community: Community) -> QuerySet[Household]:
    scope = NOTHING
    if is_admin(user, community):
        scope = Q(community=community)
    else:
        scope |= Q(stairwell__group__in=led_groups(user, community))
        member = serving_member(user, community)
        if member is not None:
            scope |= Q(assignment__volunteer=member)
    return Household.objects.filter(scope, community=community)


def assigned_households(member: Member) -> QuerySet[Household]:
    """我的包户: the households assigned to the member (in the member's community)."""
    return Household.objects.filter(community_id=member.community_id, assignment__volunteer=member)


def visits_for(user: User, community: Community) -> QuerySet[Visit]:
    scope = NOTHING
    if is_admin(user, community):
        scope = Q(community=community)
    else:
        scope |= Q(household__stairwell__group__in=led_groups(user, community))
        member = serving_member(user, community)
        if member is not None:
            scope |= Q(volunteer=member)
    return Visit.objects.filter(scope, community=community)
