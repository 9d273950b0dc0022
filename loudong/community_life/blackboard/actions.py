"""Writing and moderating blackboard notes; the permission checks sit next to the writes.

Each action is `verb(obj, *, by, now=None, **fields)` (loudong.lib.actions): the member who writes
or the note acted on, the user who acts, the clock (timezone.now() unless the demo or a test gives
one) and the action's own fields. It runs in one transaction (`atomic_action`) and refuses with
`ActionRefused` and a Chinese message, changing nothing. Who may do what is answered by
loudong.community_life.blackboard.access:

- write: a party member, for their own building, a building their group serves, or the whole group
- edit: the author, the title and text of a note still shown
- hide: the community admin, a leader of a group serving the note's building (or of the note's
  group), or the author withdrawing their own note
- show again: the admin or such a leader
"""

from datetime import date, datetime

from django.utils import timezone

from loudong.accounts.models import User
from loudong.community_life.blackboard.access import is_author, may_moderate, writable_buildings
from loudong.community_life.blackboard.models import BODY_MAX, TITLE_MAX, Note
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.registry.models import Building, Member


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


@atomic_action
def write(
    member: Member,
    *,
    by: User | None,
    title: str,
    body: str,
    building: Building | None,
    written_on: date | None = None,
    now: datetime | None = None,
) -> Note:
    """The member writes a note; `by` is their user (None for the demo writing on their behalf)."""
    if by is not None and (by.resident_id is None or by.resident_id != member.resident_id):
        raise ActionRefused("只能以自己的名义写学习心得。")
    title, body = _text(title, body)
    if building is None and not member.group_id:
        raise ActionRefused("您还没有编入党小组，请选择一栋楼。")
    if building is not None and not writable_buildings(member).filter(pk=building.pk).exists():
        raise ActionRefused("只能写给自己住的楼栋或本组服务的楼栋。")
    today = timezone.localdate(now or timezone.now())
    written_on = written_on or today
    if written_on > today:
        raise ActionRefused("日期不能晚于今天。")
    return Note.objects.create(
        community_id=member.community_id, building=building, group_id=None if building else member.group_id,
        author=member, author_name=member.resident.name, title=title, body=body, written_on=written_on,
    )  # fmt: skip


@atomic_action
def edit(note: Note, *, by: User, title: str, body: str, now: datetime | None = None) -> Note:
    if not is_author(by, note):
        raise ActionRefused("只有作者本人可以修改这条心得。")
    if note.hidden:
        raise ActionRefused("这条心得已撤下，不能再修改；可以重新写一条。")
    note.title, note.body = _text(title, body)
    note.edited_at = now or timezone.now()
    note.save(update_fields=["title", "body", "edited_at"])
    return note


@atomic_action
def hide(note: Note, *, by: User, reason: str, now: datetime | None = None) -> Note:
    own = is_author(by, note)
    if not (may_moderate(by, note) or own):
        raise ActionRefused("只有组长、社区管理员或作者本人可以撤下这条心得。")
    reason = " ".join(reason.split())
    if not own and len(reason) < 2:
        raise ActionRefused("请写明撤下的原因，作者才知道。")
    note.hidden_at, note.hidden_by, note.hidden_reason = now or timezone.now(), by, reason[:200] or "作者撤回"
    note.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return note


@atomic_action
def show(note: Note, *, by: User) -> Note:
    if not may_moderate(by, note):
        raise ActionRefused("只有组长或社区管理员可以恢复显示。")
    note.hidden_at, note.hidden_by, note.hidden_reason = None, None, ""
    note.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return note
