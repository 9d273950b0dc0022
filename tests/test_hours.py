"""Volunteer hours: the ledger counts each record once, corrections replace (never add), manual
entries count once, periods follow the Shanghai day; the correction workflow and who may do what;
scoping of the pages; the figures for the stats pages."""

from datetime import date, datetime, timedelta

import pytest
from conftest import make_user
from helpers.hours import MARCH, errand

from loudong.accounts.models import Role
from loudong.hours import actions
from loudong.hours.figures import hours_total
from loudong.hours.ledger import ledger, source_records, total_by_member
from loudong.hours.models import Correction
from loudong.hours.records import ServiceRecord
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident
from loudong.tickets import actions as tickets
from loudong.tickets.hours_source import service_records


def line_of(w, req):
    day = req.resolved_at.astimezone(SHANGHAI).date()
    return next(x for x in ledger([w.community.pk], day, day, [w.wang_member.pk]) if x.source_id == req.pk)


@pytest.fixture
def w(world):
    return world


def test_an_offline_errand_is_a_service_record_of_its_assignee_on_the_shanghai_day(w):
    req = errand(w, 90, datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI))
    (record,) = service_records(w.community.pk, date(2026, 3, 1), date(2026, 3, 31))
    assert record == ServiceRecord("errand", req.pk, w.wang_member.pk, date(2026, 3, 31), 90, "为民服务：政策咨询")
    assert service_records(w.community.pk, date(2026, 4, 1), date(2026, 4, 30)) == []


def test_online_answers_and_other_communities_are_not_hours(w):
    errand(w, 30, MARCH, resolution="online")
    assert service_records(w.community.pk, date(2026, 3, 1), date(2026, 3, 31)) == []
    errand(w, 30, MARCH)
    assert service_records(w.other.pk, date(2026, 3, 1), date(2026, 3, 31)) == []


def test_a_reopened_errand_counts_once_on_the_day_it_is_resolved_again(w):
    req = errand(w, 40, MARCH)
    tickets.reopen(req, "药没有买到", now=MARCH + timedelta(hours=2))
    assert service_records(w.community.pk, date(2026, 3, 1), date(2026, 3, 31)) == []
    tickets.resolve(
        req, by=w.volunteer, resolution="offline", reply="重新买到了", minutes=70, now=MARCH + timedelta(days=2)
    )
    (record,) = service_records(w.community.pk, date(2026, 3, 1), date(2026, 3, 31))
    assert (record.served_on, record.minutes) == (date(2026, 3, 11), 70)


def test_totals_per_period_cut_at_midnight_in_shanghai(w):
    errand(w, 30, datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI))  # 15:59 UTC on the 31st
    errand(w, 45, datetime(2026, 4, 1, 0, 1, tzinfo=SHANGHAI))  # 16:01 UTC on March 31st
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (30, 1)
    assert hours_total([w.community.pk], date(2026, 4, 1), date(2026, 4, 30)) == (45, 1)
    assert hours_total([w.community.pk], date(2026, 3, 31), date(2026, 4, 1)) == (75, 1)
    assert hours_total([], date(2026, 1, 1), date(2026, 12, 31)) == (0, 0)


def test_the_same_record_from_a_source_is_counted_once(w, monkeypatch):
    req = errand(w, 60, MARCH)
    from loudong.tickets import hours_source

    original = hours_source.service_records_many
    monkeypatch.setattr(hours_source, "service_records_many", lambda ids, s, e: original(ids, s, e) * 2)
    assert len(source_records([w.community.pk], date(2026, 3, 1), date(2026, 3, 31))) == 1
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (60, 1)
    assert [x.source_id for x in ledger([w.community.pk], date(2026, 3, 1), date(2026, 3, 31))] == [req.pk]


def test_an_approved_correction_replaces_the_minutes_and_does_not_add(w):
    req = errand(w, 60, MARCH)
    correction = actions.ask_change(
        w.wang_member, by=w.volunteer, line=line_of(w, req), minutes=150, reason="来回陪同就医"
    )
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (60, 1)  # pending: no change
    actions.decide(correction, by=w.leader, approve=True)
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (150, 1)
    line = line_of(w, req)
    assert (line.minutes, line.source_minutes, line.corrected) == (150, 60, True)
    # A second correction of the same record replaces the first one, it does not stack.
    second = actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=120, reason="核对后是两个小时")
    actions.decide(second, by=w.admin, approve=True)
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (120, 1)


def test_a_rejected_correction_leaves_the_source_minutes(w):
    req = errand(w, 60, MARCH)
    correction = actions.ask_change(w.wang_member, by=w.volunteer, line=line_of(w, req), minutes=600, reason="记错了")
    with pytest.raises(ActionRefused, match="原因"):
        actions.decide(correction, by=w.leader, approve=False, note="")
    actions.decide(correction, by=w.leader, approve=False, note="当天只去了一个小时")
    assert Correction.objects.get(pk=correction.pk).status == Correction.Status.REJECTED
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (60, 1)
    with pytest.raises(ActionRefused, match="已经未通过"):
        actions.decide(correction, by=w.admin, approve=True)


def test_a_manual_entry_counts_once_and_only_when_approved(w):
    entry = actions.ask_missing(
        w.wang_member,
        by=w.volunteer,
        served_on=date(2026, 3, 5),
        minutes=45,
        content="帮独居老人买药",
        reason="电话里找的我，没有点单",
    )
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (0, 0)
    actions.decide(entry, by=w.leader, approve=True)
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (45, 1)
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 4)) == (0, 0)
    (line,) = ledger([w.community.pk], date(2026, 3, 1), date(2026, 3, 31))
    assert (line.source, line.source_id, line.content) == ("manual", entry.pk, "帮独居老人买药")
    with pytest.raises(ActionRefused, match="补录的记录不能再申请更正"):
        actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=60, reason="多写一点")


def test_volunteers_ask_only_for_their_own_and_only_once_at_a_time(w):
    req = errand(w, 60, MARCH)
    line = line_of(w, req)
    with pytest.raises(ActionRefused, match="自己"):
        actions.ask_change(w.wang_member, by=w.leader, line=line, minutes=90, reason="帮她改")
    with pytest.raises(ActionRefused, match="一样"):
        actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=60, reason="没变")
    with pytest.raises(ActionRefused, match="理由"):
        actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=90, reason=" ")
    actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=90, reason="少填了半小时")
    with pytest.raises(ActionRefused, match="待审核"):
        actions.ask_change(w.wang_member, by=w.volunteer, line=line, minutes=100, reason="再改一次")
    with pytest.raises(ActionRefused, match="晚于今天"):
        actions.ask_missing(
            w.wang_member,
            by=w.volunteer,
            served_on=date.today() + timedelta(days=2),
            minutes=30,
            content="明天的服务",
            reason="提前登记",
        )


def test_only_the_members_leader_or_the_admin_decide_and_never_for_themselves(w):
    outsider_leader = make_user(
        "leader-other", Role.LEADER, community=w.other, group=w.group
    )  # a grant in another community does not count
    req = errand(w, 60, MARCH)
    correction = actions.ask_change(w.wang_member, by=w.volunteer, line=line_of(w, req), minutes=90, reason="少填了")
    for user in (w.volunteer, w.resident, w.outsider, outsider_leader):
        with pytest.raises(ActionRefused, match="组长或社区管理员"):
            actions.decide(correction, by=user, approve=True)
    # The leader (刘光前) asks for his own missing record: he cannot approve it, the admin can.
    own = actions.ask_missing(
        w.liu_member, by=w.leader, served_on=date(2026, 3, 2), minutes=30, content="打扫楼道", reason="周五大扫除"
    )
    with pytest.raises(ActionRefused, match="自己的申请"):
        actions.decide(own, by=w.leader, approve=True)
    assert actions.decide(own, by=w.admin, approve=True).status == Correction.Status.APPROVED


def test_totals_count_distinct_volunteers_across_communities(w):
    errand(w, 60, MARCH)
    errand(w, 30, MARCH + timedelta(days=1))
    zhao = Resident.objects.create(community=w.community, household=w.household2, name="赵敏")
    zhao_member = Member.objects.create(community=w.community, resident=zhao, group=w.group)
    zhao_user = make_user("zhao", Role.VOLUNTEER, community=w.community, group=w.group)
    zhao_user.resident = zhao
    zhao_user.save()
    errand(w, 20, MARCH, member=zhao_member, user=zhao_user)
    assert hours_total([w.community.pk, w.other.pk], date(2026, 3, 1), date(2026, 3, 31)) == (110, 2)
    lines = ledger([w.community.pk], date(2026, 3, 1), date(2026, 3, 31))
    assert total_by_member(lines) == {w.wang_member.pk: 90, zhao_member.pk: 20}


def test_errands_visits_and_activities_each_count_once_and_a_visit_correction_replaces(w):
    from loudong.community_life.activities.models import Activity, ServingMember
    from loudong.outreach.models import Visit

    errand(w, 60, MARCH)
    visit = Visit.objects.create(
        community=w.community,
        household=w.household,
        volunteer=w.wang_member,
        visited_at=MARCH + timedelta(days=1),
        minutes=20,
    )
    activity = Activity.objects.create(
        community=w.community, group=w.group, type=Activity.Type.values[0], title="周五大扫除",
        starts_at=MARCH + timedelta(days=4), ends_at=MARCH + timedelta(days=4, hours=2), place="环城北路93号",
        organiser=w.liu_member,
    )  # fmt: skip
    ServingMember.objects.create(community=w.community, activity=activity, member=w.wang_member, minutes=120)
    ServingMember.objects.create(community=w.community, activity=activity, member=w.liu_member, minutes=120)
    lines = ledger([w.community.pk], date(2026, 3, 1), date(2026, 3, 31))
    assert sorted((x.source, x.member_id) for x in lines) == sorted([
        ("errand", w.wang_member.pk), ("visit", w.wang_member.pk), ("activity", w.wang_member.pk),
        ("activity", w.liu_member.pk),
    ])  # fmt: skip
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (320, 2)
    visit_line = next(x for x in lines if x.source == "visit")
    assert visit_line.source_id == visit.pk and visit_line.served_on == date(2026, 3, 10)
    correction = actions.ask_change(w.wang_member, by=w.volunteer, line=visit_line, minutes=45, reason="陪老人聊了很久")
    actions.decide(correction, by=w.leader, approve=True)
    assert hours_total([w.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == (345, 2)
