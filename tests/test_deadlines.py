"""Time limits: deadlines on China's calendar with 调休 and overrides, the paused clock, extensions,
reminders, the step-by-step overdue escalation, late responses, auto-close and the worker."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.notify.models import OutboxMessage
from loudong.tickets import actions, deadlines
from loudong.tickets.models import CalendarOverride, Request, Status
from loudong.tickets.tasks import sweep


def at(y, m, d, h=0, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def place(w, when, category="policy"):
    return actions.place_request(
        community=w.community,
        building=w.building,
        stairwell=w.stairwell,
        category_code=category,
        description="问问养老保险",
        contact_phone="13700137000",
        now=when,
    )


def taken(w, when, category="policy"):
    req = place(w, when, category)
    actions.dispatch(req, w.wang_member, by=w.leader, now=when)
    actions.accept(req, by=w.volunteer, now=when)
    return req


def notices(username):
    return list(OutboxMessage.objects.filter(user__username=username).values_list("title", flat=True))


def test_resolution_deadline_skips_the_national_day_week_and_counts_its_make_up_saturday(world):
    req = place(world, at(2026, 9, 30, 10))  # 政策咨询: 3 working days
    assert req.due_at == at(2026, 10, 11)  # 8, 9 and 10 October (the make-up Saturday)
    assert req.response_due_at == at(2026, 10, 1, 10)  # response: 24 clock hours


def test_resolution_deadline_counts_a_make_up_sunday(world):
    req = place(world, at(2026, 9, 18, 17), category="environment")  # 2 working days
    assert req.due_at == at(2026, 9, 22)  # Sunday 20 (调休) and Monday 21


def test_an_admin_override_moves_the_deadline(world):
    CalendarOverride.objects.create(date=date(2026, 11, 25), is_workday=False, note="本地停工")
    req = place(world, at(2026, 11, 23, 9))
    assert req.due_at == at(2026, 11, 28)  # Tue 24, Thu 26, Fri 27
    CalendarOverride.objects.create(date=date(2026, 11, 28), is_workday=True, note="补班")
    assert place(world, at(2026, 11, 25, 9)).due_at == at(2026, 11, 29)  # Thu, Fri, Sat 28


def test_a_communitys_override_moves_only_its_own_deadlines_and_wins_over_an_everywhere_row(world):
    from loudong.registry.models import Building, Stairwell

    CalendarOverride.objects.create(date=date(2026, 11, 24), is_workday=False, note="所有社区")
    CalendarOverride.objects.create(community=world.community, date=date(2026, 11, 24), is_workday=True)
    assert place(world, at(2026, 11, 23, 9)).due_at == at(2026, 11, 27)  # Tue 24 (its own row), Wed 25, Thu 26
    building = Building.objects.get(community=world.other)
    elsewhere = actions.place_request(
        community=world.other,
        building=building,
        stairwell=Stairwell.objects.get(building=building),
        category_code="policy",
        description="问问养老保险",
        now=at(2026, 11, 23, 9),
    )
    assert elsewhere.due_at == at(2026, 11, 28)  # Wed 25, Thu 26, Fri 27: the everywhere row rests the 24th


def test_waiting_for_the_resident_pauses_the_clock_by_the_working_time_waited(world):
    req = taken(world, at(2026, 11, 23, 9))
    assert req.due_at == at(2026, 11, 27)
    actions.pause_for_resident(req, by=world.volunteer, question="您家社保卡号是多少？", now=at(2026, 11, 26, 10))
    assert req.status == Status.WAITING and req.question
    # Thursday 10:00 to Monday 10:00 is 14 + 24 + 10 = 48 working hours (the weekend does not count).
    actions.resume(req, "卡号是 1234", now=at(2026, 11, 30, 10))
    assert req.status == Status.ACCEPTED
    assert req.due_at == at(2026, 12, 1)  # Friday and Monday added after the old deadline
    assert req.paused_seconds == 4 * 86400
    assert req.events.get(kind="resumed").data["paused_working_seconds"] == 48 * 3600


def test_a_pause_over_the_national_day_holiday_adds_no_time(world):
    req = taken(world, at(2026, 9, 29, 9))
    before = req.due_at
    actions.pause_for_resident(req, by=world.volunteer, question="在家吗？", now=at(2026, 10, 1, 8))
    actions.resume(req, "在家", now=at(2026, 10, 7, 20))
    assert req.due_at == before


def test_a_paused_request_neither_escalates_nor_is_reminded(world):
    req = taken(world, at(2026, 11, 23, 9))
    actions.pause_for_resident(req, by=world.volunteer, question="几楼？", now=at(2026, 11, 23, 10))
    assert sweep(at(2026, 12, 10)) == {"reminded": 0, "response_late": 0, "escalated": 0, "closed": 0}
    req.refresh_from_db()
    assert req.escalation_level == 0 and req.reminded_at is None


def test_pausing_and_resuming_need_the_right_person_and_state(world):
    req = place(world, at(2026, 11, 23, 9))
    with pytest.raises(ActionRefused, match="办理中|不能向居民询问"):
        actions.pause_for_resident(req, by=world.leader, question="?")
    with pytest.raises(ActionRefused, match="恢复办理"):
        actions.resume(req, "好")


def test_volunteer_may_extend_once_within_the_automatic_limit(world):
    req = taken(world, at(2026, 11, 23, 9))  # due end of Thu 26
    with pytest.raises(ActionRefused, match="最晚到 2026年12月1日 24:00"):
        actions.extend(req, by=world.volunteer, reason="等配件", new_due_at=at(2026, 12, 4), now=at(2026, 11, 24, 9))
    actions.extend(req, by=world.volunteer, reason="等配件", new_due_at=at(2026, 12, 1), now=at(2026, 11, 24, 9))
    assert (req.due_at, req.extension_count) == (at(2026, 12, 1), 1)
    assert any("延期" in t for t in notices("leader"))
    with pytest.raises(ActionRefused, match="只能自行延期一次"):
        actions.extend(req, by=world.volunteer, reason="还要等", new_due_at=at(2026, 12, 2), now=at(2026, 11, 25))
    actions.extend(req, by=world.leader, reason="配件缺货", new_due_at=at(2026, 12, 20), now=at(2026, 11, 25))
    assert req.due_at == at(2026, 12, 20)
    assert [e.data["after"][:10] for e in req.events.filter(kind="extended")] == ["2026-12-01", "2026-12-20"]


def test_an_extension_must_be_asked_before_the_deadline_and_move_it_later(world):
    req = taken(world, at(2026, 11, 23, 9))
    with pytest.raises(ActionRefused, match="期限之前"):
        actions.extend(req, by=world.leader, reason="忘了", new_due_at=at(2026, 12, 5), now=at(2026, 11, 27, 1))
    with pytest.raises(ActionRefused, match="晚于"):
        actions.extend(req, by=world.leader, reason="x", new_due_at=at(2026, 11, 25), now=at(2026, 11, 24))
    with pytest.raises(ActionRefused, match="原因"):
        actions.extend(req, by=world.leader, reason="", new_due_at=at(2026, 11, 30), now=at(2026, 11, 24))


def test_a_reminder_goes_once_at_three_quarters_of_the_time(world):
    req = taken(world, at(2026, 11, 23, 9))  # 87 hours to the deadline; reminder at 75%
    assert req.remind_at == at(2026, 11, 23, 9) + (at(2026, 11, 27) - at(2026, 11, 23, 9)) * 0.75
    assert sweep(req.remind_at - timedelta(minutes=1))["reminded"] == 0
    assert sweep(req.remind_at)["reminded"] == 1
    assert sweep(req.remind_at + timedelta(hours=1))["reminded"] == 0
    assert req.events.filter(kind="reminded").count() == 1
    assert any("快到期" in t for t in notices("volunteer"))


def test_overdue_requests_escalate_step_by_step_each_once(world):
    req = taken(world, at(2026, 11, 23, 9))  # due end of Thursday 26 November
    req.remind_at = None
    req.save()
    assert sweep(at(2026, 11, 26, 23, 59))["escalated"] == 0
    assert sweep(at(2026, 11, 27, 0, 1))["escalated"] == 1  # level 1: the volunteer
    assert sweep(at(2026, 11, 27, 12))["escalated"] == 0
    assert any("已超期" in t for t in notices("volunteer"))
    assert sweep(at(2026, 11, 28, 0, 1))["escalated"] == 1  # one working day later: the leader
    assert any("督办" in t for t in notices("leader"))
    assert sweep(at(2026, 11, 29, 12))["escalated"] == 0  # the weekend does not count
    assert sweep(at(2026, 12, 1, 0, 1))["escalated"] == 1  # end of Monday: the community admin
    assert any("社区督办" in t for t in notices("admin"))
    assert sweep(at(2026, 12, 20))["escalated"] == 0
    req.refresh_from_db()
    assert req.escalation_level == 3 and req.next_escalation_at is None
    assert [e.data["level"] for e in req.events.filter(kind="overdue")] == [1, 2, 3]


def test_a_request_nobody_dispatched_in_time_is_reported_to_the_leader_once(world):
    req = place(world, at(2026, 11, 23, 9))
    assert sweep(at(2026, 11, 24, 8))["response_late"] == 0
    assert sweep(at(2026, 11, 24, 9, 1))["response_late"] == 1
    assert sweep(at(2026, 11, 24, 10))["response_late"] == 0
    assert any("未派单" in t for t in notices("leader"))
    actions.dispatch(req, world.wang_member, by=world.leader, now=at(2026, 11, 24, 11))
    assert req.response_late is False and req.response_due_at == at(2026, 11, 25, 11)
    assert sweep(at(2026, 11, 25, 12))["response_late"] == 1  # the volunteer did not take it either
    req.refresh_from_db()
    assert req.events.filter(kind="overdue", data__stage="response").count() == 2


def test_a_resolved_request_closes_unrated_after_three_days(world):
    req = taken(world, at(2026, 11, 23, 9))
    actions.resolve(req, by=world.volunteer, resolution="online", reply="已答复", now=at(2026, 11, 24, 9))
    assert sweep(at(2026, 11, 27, 8))["closed"] == 0
    assert sweep(at(2026, 11, 27, 9))["closed"] == 1
    req.refresh_from_db()
    assert (req.status, req.rating) == (Status.CLOSED, "")
    assert req.events.get(kind="closed").actor_label == "系统"


def test_time_left_reads_in_plain_words(world):
    req = taken(world, at(2026, 11, 23, 9))
    assert deadlines.time_left_words(req, at(2026, 11, 23, 12)) == "还剩 3 个工作日"
    assert deadlines.time_left_words(req, at(2026, 11, 26, 18)) == "还剩 6 小时"
    assert deadlines.time_left_words(req, at(2026, 11, 30, 12)) == "已超期 1 个工作日"
    fresh = place(world, at(2026, 11, 23, 9))
    assert deadlines.time_left_words(fresh, at(2026, 11, 23, 10)) == "还剩 23 小时需响应"
    assert deadlines.time_left_words(fresh, at(2026, 11, 24, 15)) == "响应已超时 6 小时"
    assert deadlines.time_left_words(fresh, at(2026, 11, 30, 12)) == "已超期 1 个工作日"
    friday = taken(world, at(2026, 11, 24, 9))  # due at the end of Friday 27 November
    assert deadlines.time_left_words(friday, at(2026, 11, 29, 12)) == "已超期"  # only the weekend passed
    actions.resolve(friday, by=world.volunteer, resolution="online", reply="好", now=at(2026, 11, 29, 13))
    assert deadlines.time_left_words(friday, at(2026, 11, 30)) == ""


def test_the_worker_command_sweeps_and_sends_in_one_round(world, capsys):
    req = place(world, at(2020, 1, 6, 9))  # long overdue
    call_command("worker", "--once")
    req.refresh_from_db()
    assert req.escalation_level == 1 and req.response_late
    assert not OutboxMessage.objects.filter(state="pending", next_attempt_at__lte=datetime.now(SHANGHAI)).exists()
    assert "超期督办 1" in capsys.readouterr().out


def test_sweep_queries_use_few_statements(world, django_assert_max_num_queries):
    for day in range(5):
        place(world, at(2026, 11, 2 + day, 9))
    with django_assert_max_num_queries(4):
        sweep(at(2026, 11, 1))
    assert Request.objects.count() == 5
