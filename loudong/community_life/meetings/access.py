"""Who sees and who runs which meetings, built on the grants (loudong.accounts.access).

- admin: every meeting of the community, and runs them all;
- leader: their group's meetings (runs them) and the community-wide ones (reads them);
- volunteer: their group's meetings and the community-wide ones (reads), and their own tasks;
- residents, overseers and everybody else: not found (404).
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from loudong.accounts.access import STAFF_ROLES, group_ids, is_admin
from loudong.accounts.models import Role, User
from loudong.community_life.meetings.models import FollowUpTask, Meeting
from loudong.groups.access import led_groups
from loudong.groups.models import BuildingGroup, Venue
from loudong.registry.access import community_for, own_member
from loudong.registry.models import Community, Member, Resident, ResidentQuerySet

MEETING_ROLES = STAFF_ROLES


def meetings_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, MEETING_ROLES)


def may_run(user: User, meeting: Meeting) -> bool:
    community = meeting.community
    if is_admin(user, community):
        return True
    return meeting.group_id is not None and meeting.group_id in group_ids(user, community, {Role.LEADER})


def may_prepare(user: User, community: Community) -> bool:
    return led_groups(user, community).exists()


def visible_meetings(user: User, community: Community) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(community=community).select_related("group", "venue__group", "community")
    if is_admin(user, community):
        return meetings
    ids = group_ids(user, community, {Role.LEADER, Role.VOLUNTEER})
    if not ids:
        return meetings.none()
    return meetings.filter(Q(group__isnull=True) | Q(group_id__in=ids))


def my_tasks(user: User, community: Community) -> QuerySet[FollowUpTask]:
    member = own_member(user, community)
    if member is None:
        return FollowUpTask.objects.none()
    return FollowUpTask.objects.filter(community=community, owner=member).select_related("meeting__group")


def may_finish(user: User, task: FollowUpTask) -> bool:
    """The owner marks their task done; whoever runs the meeting may too."""
    member = own_member(user, task.meeting.community)
    return (member is not None and member.pk == task.owner_id) or may_run(user, task.meeting)


def people_pool(meeting: Meeting) -> Q:
    """Residents who may be ticked as attending: the group's households and members, or the community."""
    if meeting.group_id is None:
        return Q(community_id=meeting.community_id)
    return Q(community_id=meeting.community_id) & (
        Q(household__stairwell__group_id=meeting.group_id) | Q(member__group_id=meeting.group_id)
    )


def pickable_people(user: User, meeting: Meeting) -> ResidentQuerySet:
    return Resident.objects.visible_to(user).filter(people_pool(meeting)).distinct()


def task_owners(meeting: Meeting) -> QuerySet[Member]:
    members = Member.objects.filter(community_id=meeting.community_id).select_related("resident")
    if meeting.group_id:
        members = members.filter(group_id=meeting.group_id)
    return members.order_by("resident__name_pinyin")


def venues_for(community: Community, group: BuildingGroup | None) -> QuerySet[Venue]:
    venues = Venue.objects.filter(community=community).select_related("group")
    return venues.filter(group=group) if group is not None else venues
