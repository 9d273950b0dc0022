"""The grants: which roles a user holds, where. Every domain's `access.py` answers "who may see or
do this" on top of these, and nothing else decides it.

A community is passed as any object with its primary key (accounts sit below the registry, so they
name no registry model).
"""

from django.db.models import Model, Q, QuerySet

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


def admin_community_ids(user: User) -> set[int]:
    """The communities where the user is an admin."""
    if not user.is_authenticated:
        return set()
    return {g.community_id for g in user.grant_list() if g.role == Role.ADMIN and g.community_id}


def people_of(community_ids: set[int] | list[int]) -> QuerySet[User]:
    """The users holding any role in these communities: whose API tokens and login locks the
    communities' admins see and may end."""
    return User.objects.filter(grants__community_id__in=community_ids).distinct()


def group_ids(user: User, community: Model, roles: set[str] | frozenset[str]) -> set[int]:
    """The groups of the community in which the user holds one of `roles` (leader, volunteer)."""
    if not user.is_authenticated:
        return set()
    return {g.group_id for g in user.grant_list() if g.community_id == community.pk and g.group_id and g.role in roles}


def led_group_ids(user: User, community: Model) -> set[int]:
    return group_ids(user, community, {Role.LEADER})
