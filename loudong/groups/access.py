"""Which groups a user may see or lead, built on the grants (loudong.accounts.access).

The admin sees and leads every group of the community; a leader and a volunteer see the groups of
their grants, and a leader leads theirs; a member also sees the group their member record is in.
Everything else is not found (404).
"""

from django.db.models import QuerySet
from django.http import HttpRequest

from loudong.accounts.access import group_ids, is_admin, led_group_ids
from loudong.accounts.models import Role, User
from loudong.groups.models import BuildingGroup
from loudong.registry.access import community_for, own_member
from loudong.registry.models import Community

GROUP_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER, Role.RESIDENT}


def group_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, GROUP_ROLES)


def visible_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    groups = BuildingGroup.objects.filter(community=community)
    if is_admin(user, community):
        return groups
    ids = group_ids(user, community, {Role.LEADER, Role.VOLUNTEER})
    member = own_member(user, community)
    if member and member.group_id:
        ids.add(member.group_id)
    return groups.filter(pk__in=ids)


def led_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    """Groups whose paper and venue the user may handle: all for the admin, their own for a leader."""
    groups = BuildingGroup.objects.filter(community=community)
    if is_admin(user, community):
        return groups
    return groups.filter(pk__in=led_group_ids(user, community))
