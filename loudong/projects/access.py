"""Who sees and runs the three lists, built on the grants (loudong.accounts.access).

- admin: the community's needs, resources and projects; enters, matches and runs them all.
- leader: the needs of their groups and the projects made of them (and runs those), and the
  resources they may name: the units', the entered ones and those of their groups' members.
- volunteers, residents, overseers (who read the figures on the dashboards) and anyone else: the
  pages and the API are not found (404).
"""

from django.db.models import Q

from loudong.accounts.access import PEOPLE_ROLES, is_admin, led_group_ids
from loudong.accounts.models import User
from loudong.registry.access import community_for
from loudong.registry.models import Community

LIST_ROLES = PEOPLE_ROLES


def lists_community(user: User, code: str) -> Community:
    return community_for(user, code, LIST_ROLES)


def need_scope(user: User, community: Community) -> Q:
    if is_admin(user, community):
        return Q()
    return Q(group_id__in=led_group_ids(user, community))


def project_scope(user: User, community: Community) -> Q:
    if is_admin(user, community):
        return Q()
    return Q(need__group_id__in=led_group_ids(user, community))


def resource_scope(user: User, community: Community) -> Q:
    if is_admin(user, community):
        return Q()
    return Q(member__isnull=True) | Q(member__group_id__in=led_group_ids(user, community))


def may_run_group(user: User, community: Community, group_id: int | None) -> bool:
    """Whether the user raises and runs needs and projects of this group (None: the community's own)."""
    return is_admin(user, community) or (group_id is not None and group_id in led_group_ids(user, community))


def may_enter(user: User, community: Community) -> bool:
    """Entering needs and resources by hand, and listing the partners' offers, is the admin's."""
    return is_admin(user, community)
