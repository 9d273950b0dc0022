"""The grants: which roles a user holds, where. Every domain's `access.py` answers "who may see or
do this" on top of these, and nothing else decides it.

A community is passed as any object with its primary key (accounts sit below the registry, so they
name no registry model).
"""

from django.db.models import Model, Q

from loudong.accounts.models import Role, User

NOTHING = Q(pk__in=[])

# The people who work in a community: they see its staff pages.
STAFF_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.VOLUNTEER})
# The people who call residents and keep their records: they see people in the registry.
PEOPLE_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def is_admin(user: User, community: Model | int) -> bool:
    """Whether the user is an admin of the community (given as a model or its id)."""
    community_id = community if isinstance(community, int) else community.pk
    return user.is_authenticated and Role.ADMIN in user.roles_in(community_id)


def group_ids(user: User, community: Model, roles: set[str] | frozenset[str]) -> set[int]:
    """The groups of the community in which the user holds one of `roles` (leader, volunteer)."""
    if not user.is_authenticated:
        return set()
    return {g.group_id for g in user.grant_list() if g.community_id == community.pk and g.group_id and g.role in roles}


def led_group_ids(user: User, community: Model) -> set[int]:
    return group_ids(user, community, {Role.LEADER})
