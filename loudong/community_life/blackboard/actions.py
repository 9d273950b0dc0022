"""Writing and moderating blackboard notes; the permission checks sit next to the writes.

- write: a party member, for their own building, a building their group serves, or the whole group
- edit: the author, the title and text of a note still shown
- hide: the community admin, a leader of a group serving the note's building (or of the note's
  group), or the author withdrawing their own note
- show again: the admin or such a leader
"""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from loudong.accounts.models import Role, User
from loudong.community_life.blackboard.models import BODY_MAX, TITLE_MAX, Note
from loudong.lib.actions import ActionRefused
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
    return {g.group_id for g in user.grant_list() if g.community_id == community_id and g.role == Role.LEADER}


def may_moderate(user: User, note: Note) -> bool:
    roles = user.roles_in(note.community_id)
    if Role.ADMIN in roles:
        return True
    led = moderated_group_ids(user, note.community_id)
    if not led:
        return False
    if note.group_id in led:
        return True
    return note.building_id is not None and Stairwell.objects.filter(
        building_id=note.building_id, group_id__in=led
    ).exists()


def _text(title: str, body: str) -> tuple[str, str]:
    """The title and text as kept (spaces tidied), or a refusal."""
    title, body = " ".join(title.split()), body.strip()
    if not title:
        raise ActionRefused("请写一个标题。")
    if len(title) > TITLE_MAX:
        raise ActionRefused(f"标题请控制在 {TITLE_MAX} 字以内。")
    if len(body) < 10:
        raise ActionRefused("学习心得至少写 10 个字。")
    if len(body) > BODY_MAX:
        raise ActionRefused(f"小黑板写不下：请控制在 {BODY_MAX} 字以内（现在 {len(body)} 字）。")
    return title, body


def write(member: Member, *, title: str, body: str, building: Building | None, written_on: date | None = None) -> Note:
    title, body = _text(title, body)
    if building is None and not member.group_id:
        raise ActionRefused("您还没有编入党小组，请选择一栋楼。")
    if building is not None and not writable_buildings(member).filter(pk=building.pk).exists():
        raise ActionRefused("只能写给自己住的楼栋或本组服务的楼栋。")
    written_on = written_on or timezone.localdate()
    if written_on > timezone.localdate():
        raise ActionRefused("日期不能晚于今天。")
    return Note.objects.create(
        community_id=member.community_id, building=building, group_id=None if building else member.group_id,
        author=member, author_name=member.resident.name, title=title, body=body, written_on=written_on,
    )  # fmt: skip


def is_author(user: User, note: Note) -> bool:
    return note.author_id is not None and user.resident_id is not None and note.author.resident_id == user.resident_id


def edit(user: User, note: Note, *, title: str, body: str) -> Note:
    if not is_author(user, note):
        raise ActionRefused("只有作者本人可以修改这条心得。")
    if note.hidden:
        raise ActionRefused("这条心得已撤下，不能再修改；可以重新写一条。")
    note.title, note.body = _text(title, body)
    note.edited_at = timezone.now()
    note.save(update_fields=["title", "body", "edited_at"])
    return note


def hide(user: User, note: Note, reason: str) -> Note:
    own = is_author(user, note)
    if not (may_moderate(user, note) or own):
        raise ActionRefused("只有组长、社区管理员或作者本人可以撤下这条心得。")
    reason = " ".join(reason.split())
    if not own and len(reason) < 2:
        raise ActionRefused("请写明撤下的原因，作者才知道。")
    note.hidden_at, note.hidden_by, note.hidden_reason = timezone.now(), user, reason[:200] or "作者撤回"
    note.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return note


def show(user: User, note: Note) -> Note:
    if not may_moderate(user, note):
        raise ActionRefused("只有组长或社区管理员可以恢复显示。")
    note.hidden_at, note.hidden_by, note.hidden_reason = None, None, ""
    note.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return note
