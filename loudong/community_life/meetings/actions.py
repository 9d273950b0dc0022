"""The one write path of meetings. Each action checks who acts, runs in one transaction and writes
the audit log (attendance names people, so every change of it is logged).

A refusal raises ActionRefused with a Chinese message and changes nothing.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.access import is_admin
from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry, User
from loudong.community_life.meetings.access import may_finish, may_run, people_pool, task_owners
from loudong.community_life.meetings.models import AgendaItem, Attendance, Decision, FollowUpTask, Meeting
from loudong.groups.access import led_groups
from loudong.groups.models import BuildingGroup, Venue
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.registry.models import Building, Community, Member, Resident
from loudong.tickets import actions as tickets
from loudong.tickets.models import Request

F = TypeVar("F", bound=Callable[..., Any])
Action = AuditEntry.Action


def _require_runner(by: User, meeting: Meeting) -> None:
    if not may_run(by, meeting):
        raise ActionRefused("只有本小组的组长或社区管理员可以修改这次会议。")


def _text(value: str, what: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ActionRefused(f"请填写{what}。")
    if len(value) > limit:
        raise ActionRefused(f"{what}最多 {limit} 个字，现在是 {len(value)} 个字。")
    return value


def _snapshot(meeting: Meeting) -> dict:
    return {
        "scope": meeting.scope_label,
        "title": meeting.title,
        "place": meeting.place_label,
        "held_at": timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M"),
    }


def _check_place(community: Community, group: BuildingGroup | None, venue: Venue | None) -> None:
    if group is not None and group.community_id != community.pk:
        raise ActionRefused("所选党小组不在本社区。")
    if venue is not None:
        if venue.community_id != community.pk:
            raise ActionRefused("所选红色议事厅不在本社区。")
        if group is not None and venue.group_id != group.pk:
            raise ActionRefused(f"{venue}不属于{group.name}，请选本小组的议事厅，或填写其他地点。")


@atomic_action
def create_meeting(
    community: Community,
    *,
    by: User,
    title: str,
    held_at: datetime,
    group: BuildingGroup | None = None,
    venue: Venue | None = None,
    place: str = "",
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Meeting:
    if group is None and not is_admin(by, community):
        raise ActionRefused("全社区的会议由社区管理员安排；组长请选择自己的党小组。")
    if group is not None and not led_groups(by, community).filter(pk=group.pk).exists():
        raise ActionRefused("只能为自己负责的党小组安排会议。")
    _check_place(community, group, venue)
    now = now or timezone.now()
    meeting = Meeting.objects.create(
        community=community,
        group=group,
        venue=venue,
        place=place.strip()[:80],
        title=_text(title, "会议主题", 80),
        held_at=held_at,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    record(http, Action.CREATE, meeting, actor=by, detail={"changes": changes({}, _snapshot(meeting))})
    return meeting


@atomic_action
def update_meeting(
    meeting: Meeting,
    *,
    by: User,
    title: str,
    held_at: datetime,
    venue: Venue | None = None,
    place: str = "",
    http: HttpRequest | None = None,
) -> Meeting:
    _require_runner(by, meeting)
    _check_place(meeting.community, meeting.group, venue)
    before = _snapshot(meeting)
    meeting.title, meeting.held_at = _text(title, "会议主题", 80), held_at
    meeting.venue, meeting.place = venue, place.strip()[:80]
    meeting.updated_at = timezone.now()
    meeting.save()
    if diff := changes(before, _snapshot(meeting)):
        record(http, Action.UPDATE, meeting, actor=by, detail={"changes": diff})
    return meeting


@atomic_action
def delete_meeting(meeting: Meeting, *, by: User, http: HttpRequest | None = None) -> None:
    _require_runner(by, meeting)
    if Request.objects.filter(meeting_decisions__meeting=meeting).exists():
        raise ActionRefused("这次会议的决定已经开了点单，不能删除；可以修改会议内容。")
    record(http, Action.DELETE, meeting, actor=by, detail={
        "meeting": _snapshot(meeting), "attendance": [str(a) for a in meeting.attendance.select_related("resident")],
    })  # fmt: skip
    meeting.delete()


def _next_position(items: Any) -> int:
    return (items.aggregate(m=Max("position"))["m"] or 0) + 1


@atomic_action
def add_agenda_item(
    meeting: Meeting,
    text: str,
    *,
    by: User,
    building: Building | None = None,
    category_code: str = "",
    http: HttpRequest | None = None,
) -> AgendaItem:
    _require_runner(by, meeting)
    text = _text(text, "议题", 200)
    if building is not None and building.community_id != meeting.community_id:
        raise ActionRefused("所选楼栋不在本社区。")
    if building is not None and meeting.agenda.filter(building=building, category_code=category_code).exists():
        raise ActionRefused("这个议题已经在议程里了。")
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting.agenda),
        text=text,
        building=building,
        category_code=category_code,
    )
    record(
        http,
        Action.CREATE,
        item,
        actor=by,
        community_id=meeting.community_id,
        detail={"meeting": meeting.pk, "text": text},
    )
    return item


@atomic_action
def remove_agenda_item(item: AgendaItem, *, by: User, http: HttpRequest | None = None) -> None:
    _require_runner(by, item.meeting)
    record(
        http,
        Action.DELETE,
        item,
        actor=by,
        community_id=item.meeting.community_id,
        detail={"meeting": item.meeting_id, "text": item.text},
    )
    item.delete()


@atomic_action
def move_agenda_item(item: AgendaItem, *, by: User, up: bool) -> None:
    """Swap the item with its neighbour above (up) or below."""
    _require_runner(by, item.meeting)
    items = list(item.meeting.agenda.all())
    for position, row in enumerate(items, start=1):
        row.position = position
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position
    AgendaItem.objects.bulk_update(items, ["position"])


@atomic_action
def set_attendance(
    meeting: Meeting, *, by: User, residents: Iterable[Resident], guests: Iterable[str], http: HttpRequest | None = None
) -> tuple[int, int]:
    """Make the attendance exactly these people and guests; a person ticked twice counts once.

    Returns (added, removed).
    """
    _require_runner(by, meeting)
    wanted = {r.pk: r for r in residents}
    allowed = set(Resident.objects.filter(people_pool(meeting), pk__in=wanted).values_list("pk", flat=True))
    if outside := [wanted[pk].name for pk in wanted if pk not in allowed]:
        scope = meeting.group.name if meeting.group_id else "本社区"
        raise ActionRefused(f"{'、'.join(outside)}不是{scope}的居民或党员，请作为列席人员填写姓名。")
    # A guest typed with the name of someone ticked from the registry is that person: counted once.
    ticked_names = {r.name for r in wanted.values()}
    guest_names = {}
    for raw in guests:
        name = " ".join(raw.split())
        if len(name) > 40:
            raise ActionRefused(f"列席人员姓名太长（最多 40 个字）：{name[:20]}…")
        if name and name not in ticked_names:
            guest_names.setdefault(name, name)
    current = list(meeting.attendance.all())
    have_people = {a.resident_id for a in current if a.resident_id}
    have_guests = {a.guest_name for a in current if not a.resident_id}
    gone = [
        a.pk
        for a in current
        if (a.resident_id and a.resident_id not in wanted) or (not a.resident_id and a.guest_name not in guest_names)
    ]
    Attendance.objects.filter(pk__in=gone).delete()
    new = [Attendance(meeting=meeting, resident_id=pk) for pk in wanted if pk not in have_people]
    new += [Attendance(meeting=meeting, guest_name=name) for name in guest_names if name not in have_guests]
    Attendance.objects.bulk_create(new)
    if new or gone:
        names = sorted([wanted[pk].name for pk in wanted] + list(guest_names))
        record(
            http,
            Action.UPDATE,
            meeting,
            actor=by,
            object_type="attendance",
            object_repr=f"{meeting} 到会人员",
            detail={"added": len(new), "removed": len(gone), "attendance": names},
        )
    return len(new), len(gone)


@atomic_action
def save_minutes(meeting: Meeting, text: str, *, by: User, http: HttpRequest | None = None) -> Meeting:
    _require_runner(by, meeting)
    text = (text or "").strip()
    if len(text) > 10000:
        raise ActionRefused(f"纪要最多 10000 个字，现在是 {len(text)} 个字，请分成几次会议或精简。")
    if text != meeting.minutes:
        meeting.minutes, meeting.updated_at = text, timezone.now()
        meeting.save(update_fields=["minutes", "updated_at"])
        record(http, Action.UPDATE, meeting, actor=by, detail={"minutes": f"{len(text)} 字"})
    return meeting


@atomic_action
def add_decision(meeting: Meeting, text: str, *, by: User, http: HttpRequest | None = None) -> Decision:
    _require_runner(by, meeting)
    decision = Decision.objects.create(
        meeting=meeting, position=_next_position(meeting.decisions), text=_text(text, "决定事项", 200)
    )
    record(
        http,
        Action.CREATE,
        decision,
        actor=by,
        community_id=meeting.community_id,
        detail={"meeting": meeting.pk, "text": decision.text},
    )
    return decision


@atomic_action
def remove_decision(decision: Decision, *, by: User, http: HttpRequest | None = None) -> None:
    _require_runner(by, decision.meeting)
    if decision.requests.exists():
        raise ActionRefused("这项决定已经开了点单，不能删除。")
    record(
        http,
        Action.DELETE,
        decision,
        actor=by,
        community_id=decision.meeting.community_id,
        detail={"meeting": decision.meeting_id, "text": decision.text},
    )
    decision.delete()


@atomic_action
def open_request(
    decision: Decision,
    *,
    by: User,
    building: Building,
    category_code: str,
    description: str,
    kind: str = Request.Kind.HELP,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Request:
    """A decision becomes a request (channel: meeting) through the request workflow's own action."""
    meeting = decision.meeting
    _require_runner(by, meeting)
    try:
        req = tickets.place_request(
            community=meeting.community,
            building=building,
            category_code=category_code,
            description=_text(description, "点单内容", 1000),
            kind=kind,
            channel=Request.Channel.MEETING,
            by=by,
            now=now,
        )
    except ActionRefused as refusal:
        raise ActionRefused(refusal.message) from refusal
    decision.requests.add(req)
    record(
        http,
        Action.CREATE,
        req,
        actor=by,
        detail={"what": "议事会决定开点单", "decision": decision.pk, "meeting": meeting.pk},
    )
    return req


@atomic_action
def add_task(
    meeting: Meeting,
    *,
    by: User,
    text: str,
    owner: Member,
    due_on: date,
    decision: Decision | None = None,
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> FollowUpTask:
    _require_runner(by, meeting)
    if not task_owners(meeting).filter(pk=owner.pk).exists():
        raise ActionRefused(f"{owner.resident.name}不是{meeting.group or '本社区'}的党员，不能作为负责人。")
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ActionRefused("所选决定不是这次会议的。")
    if due_on < timezone.localtime(meeting.held_at).date():
        raise ActionRefused("完成期限不能早于开会日期。")
    task = FollowUpTask.objects.create(
        community_id=meeting.community_id,
        meeting=meeting,
        decision=decision,
        text=_text(text, "跟进事项", 200),
        owner=owner,
        due_on=due_on,
        created_at=now or timezone.now(),
    )
    record(http, Action.CREATE, task, actor=by, detail={
        "meeting": meeting.pk, "owner": owner.resident.name, "due_on": due_on.isoformat(),
    })  # fmt: skip
    return task


@atomic_action
def finish_task(
    task: FollowUpTask, *, by: User, note: str = "", http: HttpRequest | None = None, now: datetime | None = None
) -> FollowUpTask:
    task = FollowUpTask.objects.select_for_update().select_related("meeting__community").get(pk=task.pk)
    if not may_finish(by, task):
        raise ActionRefused("只有负责人本人、组长或社区管理员可以标记完成。")
    if task.is_done:
        raise ActionRefused("这项跟进事项已经标记完成了。")
    note = " ".join((note or "").split())
    if len(note) > 200:
        raise ActionRefused(f"完成情况最多 200 个字，现在是 {len(note)} 个字。")
    task.status, task.done_at, task.done_note, task.done_by = FollowUpTask.Status.DONE, now or timezone.now(), note, by
    task.save(update_fields=["status", "done_at", "done_note", "done_by"])
    record(http, Action.UPDATE, task, actor=by, detail={"status": "done", "note": note})
    return task


@atomic_action
def reopen_task(task: FollowUpTask, *, by: User, http: HttpRequest | None = None) -> FollowUpTask:
    _require_runner(by, task.meeting)
    if not task.is_done:
        raise ActionRefused("这项跟进事项还没有完成。")
    task.status, task.done_at, task.done_note, task.done_by = FollowUpTask.Status.OPEN, None, "", None
    task.save(update_fields=["status", "done_at", "done_note", "done_by"])
    record(http, Action.UPDATE, task, actor=by, detail={"status": "open"})
    return task
