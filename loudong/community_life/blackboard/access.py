"""Who may write, change or moderate blackboard notes, built on the grants (loudong.accounts).

- write: a party member, for their own building, a building their group serves, or the whole group
- edit: the author
- hide / show again: the community admin, or a leader of a group serving the note's building (or of
  the note's group); the author may also withdraw their own note
"""

from django.db.models import QuerySet

from loudong.accounts.models import Role, User
from loudong.community_life.blackboard.models import Note
from loudong.registry.models import Building, Member, Stairwell


def writable_buildings(member: Member) -> QuerySet[Building]:
    """The member's own building and the buildings their group serves."""
    ids = set()
    if member.resident.household_id:
        ids.add(member.resident.household.stairwell.building_id)
    if member.group_id:
        ids |= set(Stairwell.objects.filter(group_id=member.group_id).values_list("building_id", flat=True))
    return Building.objects.filter(community_id=member.community_id, pk__in=ids)


def moderated_group_ids(user: User, community_id: int) -> set[int]:
    """The groups this user leads in the community."""
    return {g.group_id for g in user.grant_list() if g.community_id == community_id and g.role == Role.LEADER}


def may_moderate(user: User, note: Note) -> bool:
    """The admin, or a leader of the note's group or of a group serving the note's building."""
    roles = user.roles_in(note.community_id)
    if Role.ADMIN in roles:
        return True
    led = moderated_group_ids(user, note.community_id)
    if not led:
        return False
    if note.group_id in led:
        return True
    return (
        note.building_id is not None
        and Stairwell.objects.filter(building_id=note.building_id, group_id__in=led).exists()
    )


def is_author(user: User, note: Note) -> bool:
    return note.author_id is not None and user.resident_id is not None and note.author.resident_id == user.resident_id
