"""The request workflow through loudong.tickets.actions: every transition, and every refusal
(wrong role, wrong building, wrong state) with a clear Chinese message and nothing changed."""

from datetime import datetime

import pytest
from conftest import make_user

from loudong.accounts.models import Role
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI
from loudong.notify.models import OutboxMessage
from loudong.registry.models import Building, Member, Resident
from loudong.tickets import actions
from loudong.tickets.models import Request, RequestEvent, Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # a Monday


@pytest.fixture
def w(world):
    """The world plus a second group (学宫巷3号) with its own leader and volunteer."""
    w = world
    w.group2 = BuildingGroup.objects.create(community=w.community, name="学宫巷3号党小组")
    w.stairwell2.group = w.group2
    w.stairwell2.save()
    w.zhao = Resident.objects.create(community=w.community, household=w.household2, name="赵敏", phone="13500135000")
    w.zhao_member = Member.objects.create(community=w.community, resident=w.zhao, group=w.group2)
    w.volunteer2 = make_user("volunteer2", Role.VOLUNTEER, community=w.community, group=w.group2)
    w.volunteer2.resident = w.zhao
    w.volunteer2.save()
    w.leader2 = make_user("leader2", Role.LEADER, community=w.community, group=w.group2)
    return w


def place(w, **kwargs):
    values = {
        "community": w.community,
        "building": w.building,
        "stairwell": w.stairwell,
        "category_code": "policy",
        "description": "想问一下高龄津贴怎么申请",
        "contact_name": "张建国",
        "contact_phone": "13700137000",
        "now": NOW,
    }
    values.update(kwargs)
    return actions.place_request(**values)


def state(req):
    fresh = Request.objects.get(pk=req.pk)
    return (
        {f.attname: getattr(fresh, f.attname) for f in Request._meta.concrete_fields},
        RequestEvent.objects.filter(request=req).count(),
        OutboxMessage.objects.count(),
    )


def refused(call, req, *words):
    """The call raises ActionRefused naming `words`, and the request, its events and the outbox are unchanged."""
    before = state(req)
    with pytest.raises(ActionRefused) as refusal:
        call()
    assert state(req) == before
    for word in words:
        assert word in refusal.value.message
    return refusal.value.message


def sent_to(username):
    return list(OutboxMessage.objects.filter(user__username=username).values_list("title", flat=True))


def sms_to(phone):
    return list(OutboxMessage.objects.filter(channel="sms", address=phone).values_list("title", flat=True))


def test_resident_places_a_request_with_number_deadlines_and_a_placed_event(w):
    req = place(w)
    assert req.status == Status.SUBMITTED
    assert req.number == f"20261123-{w.community.pk}-0001"
    assert req.group == w.group
    assert req.resident == w.zhang  # matched by phone
    assert req.response_due_at == datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)  # 24 clock hours
    assert req.due_at == datetime(2026, 11, 27, tzinfo=SHANGHAI)  # 3 working days, end of Thursday
    assert len(req.tracking_token) >= 20
    event = req.events.get()
    assert (event.kind, event.actor_label) == ("placed", "居民")
    assert any("新的点单" in t for t in sent_to("leader"))


def test_numbers_count_per_community_and_day(w):
    first, second = place(w), place(w)
    assert second.number.endswith("-0002")
    other = Building.objects.get(name="人民路1号")
    third = actions.place_request(
        community=w.other, building=other, category_code="policy", description="问问", now=NOW
    )
    assert third.number == f"20261123-{w.other.pk}-0001"
    assert len({first.number, second.number, third.number}) == 3


def test_placing_refuses_a_building_of_another_community_a_bad_category_and_an_empty_text(w):
    other = Building.objects.get(name="人民路1号")
    for kwargs, word in [
        ({"building": other}, "不在本社区"),
        ({"stairwell": w.stairwell2}, "不在这栋楼"),
        ({"category_code": "nope"}, "类别"),
        ({"description": "  "}, "请填写"),
        ({"contact_phone": "12345"}, "电话号码"),
        ({"kind": "praise"}, "诉求类型"),
    ]:
        with pytest.raises(ActionRefused) as refusal:
            place(w, **kwargs)
        assert word in refusal.value.message, (kwargs, refusal.value.message)
    assert Request.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_only_staff_of_the_community_may_enter_a_request_for_a_resident(w):
    with pytest.raises(ActionRefused, match="代居民点单"):
        place(w, by=w.outsider)
    req = place(w, by=w.volunteer, channel=Request.Channel.VISIT, resident=w.zhang)
    assert req.created_by == w.volunteer
    assert req.events.get().actor == w.volunteer


def test_leader_dispatches_to_a_group_member_who_is_told(w):
    req = place(w)
    actions.dispatch(req, w.wang_member, by=w.leader, now=NOW)
    req.refresh_from_db()
    assert (req.status, req.assignee, req.dispatched_at) == (Status.DISPATCHED, w.wang_member, NOW)
    assert any("派了一条点单" in t for t in sent_to("volunteer"))
    event = req.events.get(kind="dispatched")
    assert (event.actor, event.from_status, event.to_status) == (w.leader, "submitted", "dispatched")


def test_dispatch_refusals_change_nothing(w):
    req = place(w)
    refused(lambda: actions.dispatch(req, w.wang_member, by=w.volunteer), req, "组长")
    refused(lambda: actions.dispatch(req, w.wang_member, by=w.leader2), req, "组长")  # another building's leader
    refused(lambda: actions.dispatch(req, w.wang_member, by=w.outsider), req, "组长")
    refused(lambda: actions.dispatch(req, w.zhao_member, by=w.leader), req, "本楼栋党小组")  # wrong group
    actions.reject(req, by=w.leader, reason="不属于小组服务范围")
    refused(lambda: actions.dispatch(req, w.wang_member, by=w.leader), req, "不予受理", "不能派单")


def test_community_admin_may_dispatch_to_any_member_of_the_community(w):
    req = place(w)
    actions.dispatch(req, w.zhao_member, by=w.admin)
    assert req.assignee == w.zhao_member


def test_only_the_assignee_accepts_and_only_once(w):
    req = place(w)
    refused(lambda: actions.accept(req, by=w.volunteer), req, "承办")  # nobody assigned yet
    actions.dispatch(req, w.wang_member, by=w.leader)
    refused(lambda: actions.accept(req, by=w.leader), req, "承办这条点单的志愿者")
    refused(lambda: actions.accept(req, by=w.volunteer2), req, "承办")
    actions.accept(req, by=w.volunteer, now=NOW)
    assert (req.status, req.accepted_at) == (Status.ACCEPTED, NOW)
    refused(lambda: actions.accept(req, by=w.volunteer), req, "办理中", "不能接单")


def test_declining_gives_it_back_to_the_leader_with_the_reason(w):
    req = place(w)
    actions.dispatch(req, w.wang_member, by=w.leader)
    refused(lambda: actions.decline(req, by=w.volunteer, reason=" "), req, "退回原因")
    refused(lambda: actions.decline(req, by=w.volunteer2, reason="没空"), req, "承办")
    actions.decline(req, by=w.volunteer, reason="这周住院，办不了")
    assert (req.status, req.assignee) == (Status.SUBMITTED, None)
    assert req.events.get(kind="declined").note == "这周住院，办不了"
    assert any("退回" in t for t in sent_to("leader"))


def accepted(w, **kwargs):
    req = place(w, **kwargs)
    actions.dispatch(req, w.wang_member, by=w.leader)
    actions.accept(req, by=w.volunteer)
    return req


def test_volunteer_resolves_with_an_online_answer_and_the_resident_gets_a_text(w):
    req = accepted(w)
    refused(lambda: actions.resolve(req, by=w.volunteer, resolution="online", reply=""), req, "答复内容")
    refused(lambda: actions.resolve(req, by=w.leader, resolution="online", reply="好"), req, "承办")
    refused(lambda: actions.resolve(req, by=w.volunteer, resolution="magic", reply="好"), req, "办理方式")
    actions.resolve(req, by=w.volunteer, resolution="online", reply="带身份证和户口本到社区办理", now=NOW)
    assert (req.status, req.resolved_at, req.reply) == (Status.RESOLVED, NOW, "带身份证和户口本到社区办理")
    assert any("已办理" in t for t in sms_to("13700137000"))


def test_volunteer_resolves_an_offline_errand_with_minutes_spent(w):
    req = accepted(w, category_code="hardship", description="帮忙去药店买降压药")
    refused(
        lambda: actions.resolve(req, by=w.volunteer, resolution="offline", reply="买好了", minutes=2000), req, "1440"
    )
    actions.resolve(req, by=w.volunteer, resolution="offline", reply="买好送到家", minutes=40)
    assert (req.resolution, req.time_spent_minutes) == ("offline", 40)


@pytest.mark.parametrize("minutes", [None, 0])
def test_an_offline_errand_without_minutes_is_refused_since_hours_come_from_them(w, minutes):
    req = accepted(w, category_code="hardship", description="帮忙去药店买降压药")
    refused(
        lambda: actions.resolve(req, by=w.volunteer, resolution="offline", reply="买好了", minutes=minutes),
        req,
        "线下跑腿请填写用了多少分钟",
        "志愿服务时长",
    )
    assert req.status == Status.ACCEPTED


def test_an_online_answer_needs_no_minutes(w):
    req = accepted(w)
    actions.resolve(req, by=w.volunteer, resolution="online", reply="带身份证到社区办理")
    assert (req.status, req.time_spent_minutes) == (Status.RESOLVED, None)


def test_resident_confirms_and_rates_which_closes_it(w):
    req = accepted(w)
    refused(lambda: actions.confirm(req, "satisfied"), req, "不能评价")
    actions.resolve(req, by=w.volunteer, resolution="online", reply="已答复")
    refused(lambda: actions.confirm(req, "great"), req, "满意")
    actions.confirm(req, "satisfied", "谢谢小王")
    assert (req.status, req.rating, req.rating_comment) == (Status.CLOSED, "satisfied", "谢谢小王")
    assert req.events.get(kind="confirmed").actor_label == "居民"
    assert any("满意" in t for t in sent_to("volunteer"))


def test_an_unhappy_rating_reopens_it_until_the_limit_then_closes_it(w):
    req = accepted(w)
    for time in range(1, actions.MAX_REOPENS + 1):
        actions.resolve(req, by=w.volunteer, resolution="online", reply="已答复")
        actions.confirm(req, "unsatisfied", "还是不清楚")
        assert (req.status, req.reopen_count) == (Status.ACCEPTED, time)
        assert req.due_at is not None and req.escalation_level == 0
    actions.resolve(req, by=w.volunteer, resolution="online", reply="再次答复")
    actions.confirm(req, "unsatisfied", "算了")
    assert (req.status, req.rating) == (Status.CLOSED, "unsatisfied")
    assert any("不满意" in t for t in sent_to("leader"))


def test_resident_may_reopen_a_resolved_request_without_rating(w):
    req = accepted(w)
    refused(lambda: actions.reopen(req, "没解决"), req, "不能重新办理")
    actions.resolve(req, by=w.volunteer, resolution="online", reply="已答复")
    refused(lambda: actions.reopen(req, ""), req, "哪里没有解决")
    actions.reopen(req, "水还在漏")
    assert (req.status, req.reopen_count) == (Status.ACCEPTED, 1)
    assert req.events.filter(kind="reopened").exists()


def test_leader_rejects_with_a_reason_the_resident_is_told(w):
    req = place(w)
    refused(lambda: actions.reject(req, by=w.volunteer, reason="不合理"), req, "组长")
    refused(lambda: actions.reject(req, by=w.leader, reason=""), req, "原因")
    actions.reject(req, by=w.leader, reason="属于物业公司的职责，请联系物业")
    assert (req.status, req.reject_reason) == (Status.REJECTED, "属于物业公司的职责，请联系物业")
    assert any("不予受理" in t for t in sms_to("13700137000"))


def test_escalation_hands_it_to_the_community_admin_who_resolves_it(w):
    req = accepted(w)
    refused(lambda: actions.escalate(req, by=w.volunteer, reason="太难"), req, "组长")
    actions.escalate(req, by=w.leader, reason="需要协调自来水公司")
    assert req.status == Status.ESCALATED
    assert any("吹哨" in t for t in sent_to("admin"))
    refused(lambda: actions.resolve(req, by=w.volunteer, resolution="online", reply="好"), req, "社区管理员")
    actions.resolve(req, by=w.admin, resolution="offline", reply="已协调维修", minutes=120)
    assert req.status == Status.RESOLVED


def test_merging_a_duplicate_joins_it_to_the_other_request(w):
    first = place(w, description="楼道灯坏了")
    second = place(w, description="一楼楼道灯不亮", contact_phone="13900139000")
    elsewhere = place(w, building=w.building2, stairwell=w.stairwell2)
    refused(lambda: actions.merge(second, second, by=w.leader), second, "自己")
    refused(lambda: actions.merge(second, elsewhere, by=w.leader), second, "同一栋楼")
    refused(lambda: actions.merge(second, first, by=w.volunteer), second, "组长")
    actions.merge(second, first, by=w.leader)
    first.refresh_from_db()
    assert (second.status, second.merged_into) == (Status.MERGED, first)
    assert first.support_count == 1
    assert first.supporters.filter(contact_phone="13900139000").exists()
    assert first.events.filter(kind="merged").exists()
    third = place(w)
    refused(lambda: actions.merge(third, second, by=w.leader), third, "已合并")


def test_volunteer_flags_an_unreasonable_request_for_the_leader_once(w):
    req = place(w)
    actions.dispatch(req, w.wang_member, by=w.leader)
    refused(lambda: actions.flag_unreasonable(req, by=w.leader, reason="x"), req, "承办")
    actions.flag_unreasonable(req, by=w.volunteer, reason="要求志愿者帮忙搬家具上七楼")
    assert req.flagged_unreasonable and req.status == Status.DISPATCHED
    assert any("不合理" in t for t in sent_to("leader"))
    refused(lambda: actions.flag_unreasonable(req, by=w.volunteer, reason="再说一次"), req, "已经标记")


def test_neighbours_join_an_open_request_once_each_each_with_a_link_of_their_own(w):
    req = place(w)
    first = actions.support(req, "13900139000")
    second = actions.support(req)
    assert req.support_count == 2 and first.tracking_token != second.tracking_token
    assert actions.support(req, "139 0013 9000") == first  # the same phone again: the same link, not counted
    assert req.support_count == 2
    # The requester's own phone is answered like any other (nothing tells it is theirs) and not kept.
    own = actions.support(req, req.contact_phone)
    assert own.contact_phone == "" and own.tracking_token not in (first.tracking_token, req.tracking_token)
    actions.reject(req, by=w.leader, reason="重复")
    refused(lambda: actions.support(req), req, "不能加入")


def test_resident_details_reach_the_assignee_and_staff_comments_need_a_role(w):
    req = accepted(w)
    actions.comment(req, "我家是 301，下午在家")
    assert any("补充" in t for t in sent_to("volunteer"))
    refused(lambda: actions.comment(req, "看看", by=w.volunteer2), req, "留言")
    actions.comment(req, "下午去", by=w.volunteer)
    assert req.events.filter(kind="commented").count() == 2


def test_only_allowed_actions_are_offered(w):
    req = place(w)
    assert {k for k, v in actions.may(w.leader, req).items() if v} >= {"dispatch", "reject", "merge", "escalate"}
    assert not any(actions.may(w.volunteer, req).values())
    assert not any(actions.may(w.leader2, req).values())
    actions.dispatch(req, w.wang_member, by=w.leader)
    mine = {k for k, v in actions.may(w.volunteer, req).items() if v}
    assert {"accept", "decline", "flag"} <= mine and "resolve" not in mine and "dispatch" not in mine


def test_requests_are_visible_by_role_and_scope(w):
    ours = place(w)
    theirs = place(w, building=w.building2, stairwell=w.stairwell2)
    actions.dispatch(ours, w.wang_member, by=w.leader)

    def seen(user):
        return set(Request.objects.visible_to(user).values_list("pk", flat=True))

    assert seen(w.admin) == {ours.pk, theirs.pk}
    assert seen(w.leader) == {ours.pk}
    assert seen(w.leader2) == {theirs.pk}
    assert seen(w.volunteer) == {ours.pk}
    assert seen(w.volunteer2) == set()
    assert seen(w.outsider) == seen(w.overseer) == set()


def test_a_refused_action_leaves_no_notification_behind(w):
    req = place(w)
    count = OutboxMessage.objects.count()
    with pytest.raises(ActionRefused):
        actions.dispatch(req, w.zhao_member, by=w.leader)
    assert OutboxMessage.objects.count() == count
