from django.http import HttpRequest

from loudong.accounts.access import STAFF_ROLES
from loudong.accounts.models import Role
from loudong.accounts.sessions import LOGIN_AT
from loudong.home.menu import primary_for


def navigation(request: HttpRequest) -> dict:
    """The community and roles the navigation bar is drawn for."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = user.grant_list()
    community = next((g.community for g in grants if g.community_id), None)
    roles = {g.role for g in grants}
    from loudong.notify.models import Notification

    here = user.roles_in(community.pk) if community else set()

    return {
        "nav_community": community,
        "nav_primary": primary_for(here, community.code) if community else [],
        "nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "nav_is_volunteer": Role.VOLUNTEER in roles,
        "nav_roles": roles,
        "nav_is_admin": Role.ADMIN in roles,
        "nav_is_leader": Role.LEADER in roles,
        "nav_is_overseer": Role.OVERSEER in roles,
        "nav_is_staff": bool(roles & STAFF_ROLES),
        "nav_login_at": int(request.session.get(LOGIN_AT) or 0),  # the app forgets its offline data 7 days after
    }
