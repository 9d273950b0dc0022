"""Who may see, create and change activities, built on the grants (loudong.accounts.access).

Staff pages are for admins, leaders and volunteers of the community (residents and outsiders get
404). Everyone on staff sees the community's activities and their counts; the names of the people
reached are shown to the organiser, the leader of the activity's group and the admin. An activity is
changed by the admin, the leader of its group, its organiser or whoever created it. A volunteer
creates activities for their own group (a volunteer may organise).
"""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from loudong.accounts.access import STAFF_ROLES, group_ids, is_admin, led_group_ids
from loudong.accounts.models import Role, User
from loudong.community_life.activities.models import Activity
from loudong.groups.models import BuildingGroup
from loudong.registry.access import community_for, own_member
from loudong.registry.models import Community, Member


def staff_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, STAFF_ROLES)


def own_member_id(user: User, community: Community) -> int | None:
    member = own_member(user, community)
    return member.pk if member else None


def visible_activities(user: User, community: Community) -> QuerySet[Activity]:
    """Every staff role sees the community's activities (they are public events); nobody else."""
    if not user.roles_in(community.pk) & STAFF_ROLES:
        return Activity.objects.none()
    return Activity.objects.filter(community=community)


def scoped_activity(request: HttpRequest, code: str, pk: int) -> tuple[Community, Activity]:
    community = staff_community(request, code)
    activity = (
        visible_activities(request.user, community)
        .select_related("group", "venue", "organiser__resident", "speaker", "community").filter(pk=pk).first()
    )  # fmt: skip
    if activity is None:
        raise Http404
    return community, activity


def may_edit(user: User, activity: Activity) -> bool:
    community = activity.community
    if is_admin(user, community):
        return True
    if activity.group_id and activity.group_id in led_group_ids(user, community):
        return True
    if activity.created_by_id == user.pk:
        return True
    return activity.organiser_id is not None and activity.organiser_id == own_member_id(user, community)


def may_see_names(user: User, activity: Activity) -> bool:
    """Names of the people reached: the organiser, the leader of the activity's group, the admin."""
    community = activity.community
    if is_admin(user, community):
        return True
    if activity.group_id and activity.group_id in led_group_ids(user, community):
        return True
    return activity.organiser_id is not None and activity.organiser_id == own_member_id(user, community)


def creatable_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    """Groups the user may hold an activity for: all for the admin, their own for leaders and volunteers."""
    groups = BuildingGroup.objects.filter(community=community)
    if is_admin(user, community):
        return groups
    return groups.filter(pk__in=group_ids(user, community, {Role.LEADER, Role.VOLUNTEER}))


def may_create(user: User, community: Community) -> bool:
    return is_admin(user, community) or creatable_groups(user, community).exists()


def member_choices(user: User, community: Community) -> QuerySet[Member]:
    """Members who may be named organiser or ticked as serving: the community's for the admin,
    the members of their groups for a leader or volunteer."""
    members = Member.objects.filter(community=community).select_related("resident").order_by("resident__name_pinyin")
    if is_admin(user, community):
        return members
    return members.filter(group__in=creatable_groups(user, community))
