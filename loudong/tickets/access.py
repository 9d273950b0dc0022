"""Who may see and act on which requests, built on the grants (loudong.accounts.access).

- see: the admin the community's requests; a leader their group's; a volunteer those assigned to
  them or entered by them; a resident account their own. Overseers see roll-ups, never requests.
- act: dispatchers (the leader of the request's group, the community admin) and the assignee; what
  each may do is listed in loudong.tickets.actions.
- the staff pages: admin, leader and volunteer of the community (STAFF_ROLES); the intake checks
  the same rule in SQL (`staff_grant_join`), generated from the same roles.
"""

from django.db import connection
from django.db.models import Q
from django.http import HttpRequest

from loudong.accounts.access import NOTHING, STAFF_ROLES
from loudong.accounts.access import is_admin as admin_of
from loudong.accounts.models import Grant, Role, User
from loudong.registry.access import community_for
from loudong.registry.models import Community, Member
from loudong.tickets.models import Request, RequestEvent


def request_scope(user: User) -> Q:
    """The requests the user may see (RequestQuerySet.visible_to)."""
    if not user.is_authenticated:
        return NOTHING
    scope = NOTHING
    for grant in user.grant_list():
        if grant.role == Role.ADMIN:
            scope |= Q(community_id=grant.community_id)
        elif grant.role == Role.LEADER:
            scope |= Q(group_id=grant.group_id)
        elif grant.role == Role.VOLUNTEER:
            scope |= Q(community_id=grant.community_id, created_by=user)
            if user.resident_id:
                scope |= Q(community_id=grant.community_id, assignee__resident_id=user.resident_id)
        elif grant.role == Role.RESIDENT and user.resident_id:
            scope |= Q(community_id=grant.community_id, resident_id=user.resident_id)
    return scope


def former_assignee_scope(user: User) -> Q:
    """Requests once dispatched to the user (as the timeline records), whether or not they still see
    them: what a volunteer's late upload may name (loudong.tickets.actions.uploads). Such a request
    that moved on is answered with why, and nothing else of it; any other is not found."""
    if not user.is_authenticated or not user.resident_id:
        return NOTHING
    members = list(Member.objects.filter(resident_id=user.resident_id).values_list("pk", flat=True))
    if not members:
        return NOTHING
    return Q(pk__in=RequestEvent.objects.filter(kind="dispatched", data__volunteer_id__in=members).values("request_id"))


def staff_community(request: HttpRequest, code: str, *, residents: bool = False) -> Community:
    """The community `code` if the user works in it (admin, leader, volunteer; and residents with
    `residents`); else 404."""
    return community_for(request.user, code, STAFF_ROLES | {Role.RESIDENT} if residents else STAFF_ROLES)


def staff_grant_join(code: str) -> tuple[str, list]:
    """The staff rule in SQL, joined to a user already in the statement as `u` (the intake's check,
    on the API's hot path): the community `code` (as `c`) where u holds one of STAFF_ROLES (as `g`);
    c's columns are NULL when u holds none."""
    table = connection.ops.quote_name
    roles = sorted(STAFF_ROLES)
    return (
        f"LEFT JOIN ({table(Grant._meta.db_table)} g JOIN {table(Community._meta.db_table)} c "
        f"ON c.id = g.community_id AND c.code = %s AND g.role IN ({', '.join(['%s'] * len(roles))})) "
        "ON g.user_id = u.id",
        [code, *roles],
    )


def staff_community_id(user_id: int, code: str) -> int | None:
    """The same rule as `staff_community` in one statement: the id of the community `code` if the
    user holds one of STAFF_ROLES in it."""
    grants, params = staff_grant_join(code)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id FROM {connection.ops.quote_name(User._meta.db_table)} u {grants} "
            "WHERE u.id = %s AND c.id IS NOT NULL LIMIT 1",
            [*params, user_id],
        )
        found = cursor.fetchone()
    return found[0] if found else None


def is_admin(user: User | None, req: Request) -> bool:
    return bool(user) and admin_of(user, req.community_id)


def is_leader(user: User | None, req: Request) -> bool:
    return bool(user and user.is_authenticated and req.group_id) and req.group_id in {
        g.group_id for g in user.grant_list() if g.role == Role.LEADER
    }


def is_dispatcher(user: User | None, req: Request) -> bool:
    return is_leader(user, req) or is_admin(user, req)


def is_assignee(user: User | None, req: Request) -> bool:
    if not (user and user.is_authenticated and user.resident_id and req.assignee_id):
        return False
    return req.assignee.resident_id == user.resident_id
