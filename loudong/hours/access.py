"""Who sees whose hours, built on the grants (loudong.accounts.access).

A volunteer sees only their own records; a leader the members of the groups they lead; the admin
every member of the community. Anyone else gets 404. Who may decide a correction or issue a
certificate is answered here too, for the actions and the pages alike.
"""

from django.db.models import QuerySet
from django.http import HttpRequest

from loudong.accounts.access import PEOPLE_ROLES, STAFF_ROLES, is_admin
from loudong.accounts.models import Role, User
from loudong.groups.access import led_groups
from loudong.registry.access import community_for
from loudong.registry.models import Community, Member


def hours_community(request: HttpRequest, code: str) -> Community:
    """Where the user has hours of their own to read: admin, leader, volunteer."""
    return community_for(request.user, code, STAFF_ROLES)


def team_community(request: HttpRequest, code: str) -> Community:
    """Where the user oversees others' hours: admin and leader."""
    return community_for(request.user, code, PEOPLE_ROLES)


def may_oversee(user: User, community: Community) -> bool:
    return bool(user.roles_in(community.pk) & PEOPLE_ROLES)


def scoped_members(user: User, community: Community) -> QuerySet[Member]:
    """Members whose hours this user oversees: all for the admin, the led groups' for a leader."""
    members = Member.objects.filter(community=community).select_related("resident", "group")
    if is_admin(user, community):
        return members
    return members.filter(group__in=led_groups(user, community))


def may_decide(user: User, member: Member) -> bool:
    """A leader of the member's group or the community admin, and not the member themselves."""
    if user.resident_id and user.resident_id == member.resident_id:
        return False
    for grant in user.grant_list():
        if grant.community_id != member.community_id:
            continue
        if grant.role == Role.ADMIN or grant.role == Role.LEADER and grant.group_id == member.group_id:
            return True
    return False


def may_issue(user: User, member: Member) -> bool:
    """A leader of the member's group or the community admin (a leader may certify themselves)."""
    return any(
        g.community_id == member.community_id
        and (g.role == Role.ADMIN or g.role == Role.LEADER and g.group_id == member.group_id)
        for g in user.grant_list()
    )
