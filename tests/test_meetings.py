"""Meetings of the 红色议事厅: preparing and recording them, who may see and run them, attendance
counted once, decisions that open requests, and follow-up tasks tracked to done or overdue."""

from datetime import date, datetime, timedelta

import pytest
from conftest import make_user
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loudong.accounts.models import AuditEntry, Role
from loudong.community_life.meetings import actions
from loudong.community_life.meetings.models import Attendance, FollowUpTask, Meeting
from loudong.groups.models import BuildingGroup, Venue
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident
from loudong.tickets.models import Request


@pytest.fixture
def second(world):
    """Another group of the same community, with its own leader and a member."""
    group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    world.stairwell2.group = group
    world.stairwell2.save()
    member = Member.objects.create(community=world.community, resident=world.zhang, group=group)
    leader = make_user("leader2", Role.LEADER, community=world.community, group=group)
    return group, member, leader


@pytest.fixture
def meeting(world) -> Meeting:
    held = datetime(2026, 3, 18, 19, 30, tzinfo=SHANGHAI)
    return actions.create_meeting(
        world.community, by=world.leader, title="楼道堆物清理", held_at=held, group=world.group, place="刘光前家"
    )


def url(name: str, world, *args: object) -> str:
    return reverse(f"meetings:{name}", args=[world.community.code, *args])


def test_leader_prepares_a_meeting_of_their_group(world, login):
    client = login(world.leader)
    response = client.post(url("create", world), {
        "group": str(world.group.pk), "title": "加装电梯意见征集", "held_at": "2026-04-02T19:30", "place": "1单元楼下",
    })  # fmt: skip
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == url("detail", world, meeting.pk)
    assert meeting.group == world.group and meeting.created_by == world.leader
    assert timezone.localtime(meeting.held_at).hour == 19
    assert AuditEntry.objects.filter(object_type="meeting", action="create").count() == 1
    page = client.get(url("list", world)).content.decode()
    assert "加装电梯意见征集" in page


def test_meeting_in_a_venue_of_the_group(world, login):
    venue = Venue.objects.create(
        community=world.community, group=world.group, host=world.liu_member, household=world.household
    )
    client = login(world.leader)
    client.post(
        url("create", world),
        {"group": str(world.group.pk), "title": "停车难", "held_at": "2026-04-02T19:30", "venue": str(venue.pk)},
    )
    assert Meeting.objects.get().venue == venue


def test_leader_cannot_prepare_a_community_wide_meeting(world, login):
    client = login(world.leader)
    response = client.post(
        url("create", world),
        {"group": "all", "title": "全社区会", "held_at": "2026-04-02T19:30", "place": "社区会议室"},
    )
    assert response.status_code == 400
    assert "请在自己负责的党小组中选择" in response.content.decode()
    assert not Meeting.objects.exists()


def test_admin_prepares_a_community_wide_meeting(world, login):
    client = login(world.admin)
    client.post(
        url("create", world), {"group": "all", "title": "停车难", "held_at": "2026-04-02T19:30", "place": "社区会议室"}
    )
    assert Meeting.objects.get().group is None


def test_bad_input_is_refused_in_chinese_and_keeps_what_was_typed(world, login):
    client = login(world.leader)
    response = client.post(
        url("create", world), {"group": str(world.group.pk), "title": "楼道堆物清理", "held_at": "下周三"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "开会时间格式不对" in page and "请选择红色议事厅，或填写开会地点" in page
    assert 'value="楼道堆物清理"' in page
    assert not Meeting.objects.exists()


def test_leader_edits_and_deletes_their_meeting(world, login, meeting):
    client = login(world.leader)
    client.post(
        url("edit", world, meeting.pk),
        {"title": "楼道堆物清理（二）", "held_at": "2026-03-19T09:00", "place": "1单元楼下"},
    )
    meeting.refresh_from_db()
    assert meeting.title == "楼道堆物清理（二）" and meeting.place == "1单元楼下"
    assert client.post(url("delete", world, meeting.pk)).status_code == 302
    assert not Meeting.objects.exists()
    assert AuditEntry.objects.filter(object_type="meeting", action="delete").exists()


@pytest.mark.parametrize("who", ["resident", "outsider", "overseer"])
def test_people_without_a_role_in_meetings_get_not_found(world, login, meeting, who):
    client = login(getattr(world, who))
    for page in (
        url("list", world),
        url("detail", world, meeting.pk),
        url("tasks", world),
        url("print", world, meeting.pk),
    ):
        assert client.get(page).status_code == 404


def test_leader_of_another_group_gets_not_found(world, login, meeting, second):
    _, _, other_leader = second
    client = login(other_leader)
    assert client.get(url("detail", world, meeting.pk)).status_code == 404
    assert client.post(url("decision_add", world, meeting.pk), {"decision-text": "偷改"}).status_code == 404
    assert "楼道堆物清理" not in client.get(url("list", world)).content.decode()
    assert not meeting.decisions.exists()


def test_volunteer_reads_their_group_meeting_but_cannot_change_it(world, login, meeting):
    client = login(world.volunteer)
    page = client.get(url("detail", world, meeting.pk)).content.decode()
    assert "楼道堆物清理" in page and "添加决定" not in page
    assert client.post(url("decision_add", world, meeting.pk), {"decision-text": "擅自决定"}).status_code == 404
    assert client.get(url("attendance", world, meeting.pk)).status_code == 404
    assert client.get(url("create", world)).status_code == 404


def test_leader_reads_but_cannot_run_a_community_wide_meeting(world, login):
    wide = actions.create_meeting(
        world.community, by=world.admin, title="停车难", place="社区会议室", held_at=timezone.now() + timedelta(days=3)
    )
    client = login(world.leader)
    assert client.get(url("detail", world, wide.pk)).status_code == 200
    assert client.get(url("edit", world, wide.pk)).status_code == 404
    with pytest.raises(ActionRefused, match="只有本小组的组长或社区管理员"):
        actions.add_decision(wide, "组长擅自决定", by=world.leader)


def test_upcoming_and_past_meetings_are_listed_apart(world, login, meeting):
    actions.create_meeting(
        world.community,
        by=world.leader,
        title="下月例会",
        group=world.group,
        place="刘光前家",
        held_at=timezone.now() + timedelta(days=10),
    )
    page = login(world.leader).get(url("list", world)).content.decode()
    assert page.index("即将召开") < page.index("下月例会") < page.index("已召开") < page.index("楼道堆物清理")


def test_a_person_ticked_twice_counts_once(world, login, meeting):
    client = login(world.leader)
    response = client.post(url("attendance", world, meeting.pk), {
        "resident": [world.liu.pk, world.wang.pk, world.liu.pk], "new_guests": "物业王经理、物业王经理，街道李干事",
    })  # fmt: skip
    assert response.status_code == 302
    assert meeting.attendance.count() == 4
    client.post(url("attendance", world, meeting.pk), {
        "resident": [world.liu.pk, world.wang.pk], "guest": ["物业王经理", "街道李干事"], "new_guests": "物业王经理",
    })  # fmt: skip
    assert meeting.attendance.count() == 4
    assert Attendance.objects.filter(meeting=meeting, resident=world.liu).count() == 1
    client.post(
        url("attendance", world, meeting.pk),
        {"resident": [world.liu.pk], "guest": ["街道李干事"], "new_guests": "刘光前"},
    )
    assert sorted(str(a) for a in meeting.attendance.all()) == sorted(["刘光前", "街道李干事"])
    assert AuditEntry.objects.filter(object_type="attendance", action="update").count() == 2


def test_a_too_long_guest_name_is_refused_and_nothing_changes(world, login, meeting):
    actions.set_attendance(meeting, by=world.leader, residents=[world.liu], guests=[])
    response = login(world.leader).post(url("attendance", world, meeting.pk), {
        "resident": [world.liu.pk, world.wang.pk], "new_guests": "某" * 41,
    })  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400 and "列席人员姓名太长（最多 40 个字）" in page
    assert f'value="{world.wang.pk}" checked' in page and "某" * 41 in page
    assert [str(a) for a in meeting.attendance.all()] == ["刘光前"]


def test_people_from_outside_the_group_cannot_be_ticked(world, login, meeting):
    client = login(world.leader)
    response = client.post(url("attendance", world, meeting.pk), {"resident": [world.zhang.pk, world.stranger.pk]})
    assert response.status_code == 400
    assert "不在本次会议范围内" in response.content.decode()
    assert not meeting.attendance.exists()
    with pytest.raises(ActionRefused, match="张建国不是环城北路93号党小组的居民或党员"):
        actions.set_attendance(meeting, by=world.leader, residents=[world.zhang], guests=[])


def test_attendance_search_finds_people_by_pinyin_initials(world, login, meeting):
    neighbour = Resident.objects.create(community=world.community, household=world.household, name="赵春梅")
    client = login(world.leader)
    found = client.get(url("attendance_search", world, meeting.pk), {"q": "zcm"}).content.decode()
    assert "赵春梅" in found and f'value="{neighbour.pk}"' in found
    assert "张建国" not in client.get(url("attendance_search", world, meeting.pk), {"q": "zjg"}).content.decode()


def test_decision_opens_a_request_through_the_request_workflow(world, login, meeting):
    decision = actions.add_decision(meeting, "请物业清理1单元楼道堆物", by=world.leader)
    client = login(world.leader)
    response = client.post(url("decision_request", world, meeting.pk, decision.pk), {
        "building": world.building.pk, "category": "environment", "kind": "help",
        "description": "议事会决定：清理1单元楼道堆物",
    })  # fmt: skip
    assert response.status_code == 302
    req = Request.objects.get()
    assert req.channel == Request.Channel.MEETING and req.created_by == world.leader
    assert req.group == world.group and req.events.filter(kind="placed").exists()
    assert list(decision.requests.all()) == [req]
    page = client.get(url("detail", world, meeting.pk)).content.decode()
    assert req.number in page
    assert client.post(url("decision_remove", world, meeting.pk, decision.pk)).status_code == 302
    assert meeting.decisions.count() == 1
    with pytest.raises(ActionRefused, match="已经开了点单，不能删除"):
        actions.delete_meeting(meeting, by=world.leader)


def test_decision_request_refuses_a_building_outside_the_group(world, login, meeting):
    decision = actions.add_decision(meeting, "修路灯", by=world.leader)
    response = login(world.leader).post(url("decision_request", world, meeting.pk, decision.pk), {
        "building": world.building2.pk, "category": "environment", "kind": "help", "description": "修路灯",
    })  # fmt: skip
    assert response.status_code == 400
    assert "请在本次会议涉及的楼栋中选择" in response.content.decode()
    assert not Request.objects.exists()


def test_empty_decision_is_refused_in_chinese(world, login, meeting):
    response = login(world.leader).post(url("decision_add", world, meeting.pk), {"decision-text": "  "})
    assert response.status_code == 400 and "请填写决定了什么" in response.content.decode()


def test_task_owner_marks_their_task_done(world, login, meeting):
    task = actions.add_task(
        meeting, by=world.leader, text="联系物业清运", owner=world.wang_member, due_on=date(2026, 3, 25)
    )
    client = login(world.volunteer)
    page = client.get(url("tasks", world)).content.decode()
    assert "联系物业清运" in page and "标记完成" in page
    client.post(url("task_done", world, task.pk), {"note": "已清运三车", "back": "tasks"})
    task.refresh_from_db()
    assert task.is_done and task.done_note == "已清运三车" and task.done_by == world.volunteer
    assert task.done_at is not None
    with pytest.raises(ActionRefused, match="已经标记完成"):
        actions.finish_task(task, by=world.volunteer)


def test_someone_else_cannot_mark_a_task_done(world, login, meeting, second):
    task = actions.add_task(
        meeting, by=world.leader, text="联系物业清运", owner=world.liu_member, due_on=date(2026, 3, 25)
    )
    assert login(world.volunteer).post(url("task_done", world, task.pk)).status_code == 404
    assert login(second[2]).post(url("task_done", world, task.pk)).status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_open_task_past_its_due_date_is_overdue(world, login, meeting):
    today = timezone.localdate()
    late = actions.add_task(
        meeting, by=world.leader, text="统计加装电梯意见", owner=world.wang_member, due_on=today - timedelta(days=3)
    )
    due_today = actions.add_task(meeting, by=world.leader, text="张贴通知", owner=world.wang_member, due_on=today)
    assert late.is_overdue and late.days_overdue == 3
    assert not due_today.is_overdue
    assert list(FollowUpTask.objects.overdue()) == [late]
    page = login(world.volunteer).get(url("tasks", world)).content.decode()
    assert "已超期 3 天" in page and "其中 1 项已超期" in page
    actions.finish_task(late, by=world.volunteer)
    assert not FollowUpTask.objects.overdue().exists()


def test_task_owner_must_be_a_member_of_the_group_and_due_after_the_meeting(world, login, meeting, second):
    with pytest.raises(ActionRefused, match="张建国不是环城北路93号党小组的党员"):
        actions.add_task(meeting, by=world.leader, text="x", owner=second[1], due_on=date(2026, 4, 1))
    response = login(world.leader).post(url("task_add", world, meeting.pk), {
        "task-text": "张贴通知", "task-owner": world.wang_member.pk, "task-due_on": "2026-03-01",
    })  # fmt: skip
    assert response.status_code == 400 and "完成期限不能早于开会日期" in response.content.decode()
    response = login(world.leader).post(url("task_add", world, meeting.pk), {
        "task-text": "张贴通知", "task-owner": world.wang_member.pk, "task-due_on": "3月1日",
    })  # fmt: skip
    assert "日期格式不对" in response.content.decode()
    assert not FollowUpTask.objects.exists()


def test_minutes_agenda_and_print_page(world, login, meeting):
    client = login(world.leader)
    client.post(url("agenda_add", world, meeting.pk), {"agenda-text": "楼道堆物清理"})
    client.post(url("agenda_add", world, meeting.pk), {"agenda-text": "加装电梯意见征集"})
    second_item = meeting.agenda.last()
    client.post(url("agenda_move", world, meeting.pk, second_item.pk), {"direction": "up"})
    assert [i.text for i in meeting.agenda.all()] == ["加装电梯意见征集", "楼道堆物清理"]
    client.post(url("minutes", world, meeting.pk), {"minutes": "大家同意周六清理楼道。\n王秀英负责联系物业。"})
    actions.set_attendance(meeting, by=world.leader, residents=[world.liu, world.wang], guests=["物业王经理"])
    page = client.get(url("print", world, meeting.pk)).content.decode()
    assert "会议纪要" in page and "王秀英负责联系物业" in page and "共 3 人（党员 2 人，居民及列席 1 人）" in page
    assert page.index("加装电梯意见征集") < page.index("楼道堆物清理</p>")


def test_minutes_save_themselves_while_typing(world, login, meeting):
    client = login(world.leader)
    answer = client.post(url("minutes", world, meeting.pk), {"minutes": "大家同意周六清理"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "纪要已自动保存" in answer.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "大家同意周六清理"
    answer = client.post(url("minutes", world, meeting.pk), {"minutes": "长" * 10001}, HTTP_HX_REQUEST="true")
    assert "没有保存：纪要最多 10000 个字" in answer.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "大家同意周六清理"


def test_minutes_pdf_has_chinese_text(world, login, meeting):
    actions.save_minutes(meeting, "大家同意周六清理楼道", by=world.leader)
    response = login(world.leader).get(url("print", world, meeting.pk) + "?pdf=1")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", object_type="meeting").exists()


def test_leader_sees_and_can_close_open_tasks_of_their_group(world, login, meeting, second):
    task = actions.add_task(
        meeting, by=world.leader, text="联系物业清运", owner=world.wang_member, due_on=date(2026, 3, 25)
    )
    page = login(world.leader).get(url("tasks", world)).content.decode()
    assert "别人还没完成的（1 项）" in page and "联系物业清运" in page and "负责人：王秀英" in page
    assert "联系物业清运" not in login(second[2]).get(url("tasks", world)).content.decode()
    login(world.leader).post(url("task_done", world, task.pk), {"note": "组长代为标记", "back": "tasks"})
    task.refresh_from_db()
    assert task.is_done and task.done_by == world.leader


def test_meeting_page_and_list_do_not_grow_queries_with_rows(world, login, meeting):
    client = login(world.leader)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(path).status_code == 200
        return len(seen)

    def add_rows(n: int) -> None:
        decision = actions.add_decision(meeting, f"决定{n}", by=world.leader)
        actions.add_task(
            meeting,
            by=world.leader,
            text=f"事项{n}",
            owner=world.wang_member,
            due_on=date(2026, 4, 1),
            decision=decision,
        )
        actions.create_meeting(
            world.community,
            by=world.leader,
            title=f"例会{n}",
            group=world.group,
            place="刘光前家",
            held_at=datetime(2026, 2, 1 + n, 19, tzinfo=SHANGHAI),
        )

    detail, listing = url("detail", world, meeting.pk), url("list", world)
    add_rows(0)
    actions.set_attendance(meeting, by=world.leader, residents=[world.liu], guests=[])
    before = queries(detail), queries(listing)
    for n in range(1, 6):
        add_rows(n)
    actions.set_attendance(meeting, by=world.leader, residents=[world.liu, world.wang], guests=["物业王经理"])
    assert (queries(detail), queries(listing)) == before
