"""Outreach pages: who sees what (a volunteer only their households and visits, a leader their
group, an admin the community, anyone else nothing), the visit log, one-tap requests, the
leader's assignment page and the coverage counts, and 拨打 (a full phone shown only on request, audited)."""

import re
from datetime import timedelta

import pytest
from conftest import make_user
from django.utils import timezone

from loudong.accounts.models import AuditEntry, Role
from loudong.groups.models import BuildingGroup
from loudong.outreach import actions
from loudong.outreach.models import Assignment, AssignmentDraft, Visit
from loudong.registry.models import Household, Member, Resident, Stairwell
from loudong.tickets.models import Request


@pytest.fixture
def paired(world):
    """Two members share the group's households: 王秀英 (the volunteer) has 301 and 302, 刘光前
    (the leader) has 401. 学宫巷3号 has its own group with 张建国 as its only member."""
    w = world
    w.h302 = Household.objects.create(community=w.community, stairwell=w.stairwell, room="302")
    w.h401 = Household.objects.create(community=w.community, stairwell=w.stairwell, room="401")
    Resident.objects.create(community=w.community, household=w.h401, name="周阿婆", phone="13811112222")
    for household, member in ((w.household, w.wang_member), (w.h302, w.wang_member), (w.h401, w.liu_member)):
        Assignment.objects.create(community=w.community, household=household, volunteer=member)
    w.group2 = BuildingGroup.objects.create(community=w.community, name="学宫巷3号党小组")
    Stairwell.objects.filter(pk=w.stairwell2.pk).update(group=w.group2)
    w.zhang_member = Member.objects.create(community=w.community, resident=w.zhang, group=w.group2)
    Assignment.objects.create(community=w.community, household=w.household2, volunteer=w.zhang_member)
    return w


def url(path: str = "") -> str:
    return f"/c/xihu/outreach/{path}"


def test_a_volunteer_sees_only_their_own_households_due_first_with_phones_masked(paired, login):
    w = paired
    page = login(w.volunteer).get(url()).content.decode()
    assert "301室" in page and "302室" in page
    assert "401室" not in page and "学宫巷3号" not in page
    assert "王秀英" in page and "138****8000" in page and "13800138000" not in page
    assert page.index("301室") < page.index("302室")  # both never visited: due today, in room order


@pytest.mark.parametrize(
    "path", ["households/{h401}/", "visits/{visit}/", "assign/{group}/", "coverage/", "visits/new/?household={h401}"]
)
def test_a_volunteer_cannot_open_what_is_not_theirs(paired, login, path):
    w = paired
    other = Visit.objects.create(
        community=w.community, household=w.h401, volunteer=w.liu_member, visited_at=timezone.now()
    )
    client = login(w.volunteer)
    assert client.get(url(path.format(h401=w.h401.pk, visit=other.pk, group=w.group.pk))).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "resident", "overseer"])
def test_people_outside_the_work_see_nothing(paired, login, persona):
    w = paired
    client = login(getattr(w, persona))
    for path in (
        "",
        "visits/",
        f"households/{w.household.pk}/",
        "assign/",
        f"assign/{w.group.pk}/",
        "coverage/",
        "coverage/list/?group=all&state=all",
    ):
        assert client.get(url(path)).status_code == 404, path


def test_a_leader_sees_their_group_but_not_another_group(paired, login):
    w = paired
    client = login(w.leader)
    assert client.get(url(f"households/{w.h302.pk}/")).status_code == 200
    assert client.get(url(f"households/{w.household2.pk}/")).status_code == 404
    assert client.get(url(f"assign/{w.group2.pk}/")).status_code == 404
    assert client.get(url("assign/")).status_code == 302  # one group: straight to it
    page = client.get(url(f"assign/{w.group.pk}/")).content.decode()
    assert "王秀英" in page and "2 户" in page


def test_logging_a_visit_from_the_phone_form_saves_it_and_offers_the_request(paired, login):
    w = paired
    client = login(w.volunteer)
    form = client.get(url(f"visits/new/?household={w.household.pk}")).content.decode()
    assert "刘光前" in form and 'value="20" id="id_minutes_1" required checked' in form  # 20 minutes preset
    response = client.post(
        url("visits/new/"),
        {
            "household": w.household.pk,
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "minutes": 20,
            "someone_home": "met",
            "met": [w.liu.pk],
            "needs": "想办理高龄补贴，不知道要带什么材料",
            "note": "",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == url(f"visits/{visit.pk}/")
    assert visit.volunteer == w.wang_member and list(visit.met.all()) == [w.liu]
    page = client.get(response.url).content.decode()
    assert "转为点单" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": 15}, "请选择 10、20、30 或 60 分钟。"),
        ({"visited_at": "昨天"}, "走访时间的格式不对"),
        ({"visited_at": "future"}, "走访时间不能晚于现在"),
        ({"someone_home": "away", "met": "liu"}, "选了“无人在家”，就不要勾选见到的居民"),
        ({"household": ""}, "请选择走访的住户"),
    ],
)
def test_a_bad_visit_form_says_what_is_wrong_in_chinese_and_keeps_the_text(paired, login, changes, message):
    w = paired
    data = {
        "household": w.household.pk,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "minutes": 20,
        "someone_home": "met",
        "needs": "家里水管漏水",
        "note": "",
    }
    data.update(changes)
    if data["visited_at"] == "future":
        data["visited_at"] = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    if data.get("met") == "liu":
        data["met"] = [w.liu.pk]
    response = login(w.volunteer).post(url("visits/new/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "家里水管漏水" in page
    assert not Visit.objects.exists()


def test_one_tap_turns_the_need_into_a_request_of_channel_visit(paired, login):
    w = paired
    visit = actions.log_visit(
        household=w.household,
        volunteer=w.wang_member,
        by=w.volunteer,
        visited_at=timezone.now(),
        needs="楼道里的灯坏了一个星期了",
    )
    client = login(w.volunteer)
    page = client.get(url(f"visits/{visit.pk}/")).content.decode()
    assert 'value="environment" selected' in page  # the classifier picked the category
    response = client.post(url(f"visits/{visit.pk}/request/"), {"category": "environment"})
    assert response.status_code == 302
    visit.refresh_from_db()
    req = Request.objects.get()
    assert visit.request == req and req.channel == "visit" and req.household == w.household
    page = client.get(url(f"visits/{visit.pk}/")).content.decode()
    assert req.number in page and "转为点单</button>" not in page
    again = client.post(url(f"visits/{visit.pk}/request/"), {"category": "environment"}, follow=True)
    assert "已经转为点单" in again.content.decode()
    assert Request.objects.count() == 1


def test_the_leader_moves_a_household_in_two_taps_and_it_is_audited(paired, login):
    w = paired
    client = login(w.leader)
    chooser = client.get(url(f"assign/{w.group.pk}/move/{w.h302.pk}/")).content.decode()
    assert "王秀英（现有 2 户）" in chooser
    response = client.post(url(f"assign/{w.group.pk}/move/{w.h302.pk}/"), {"volunteer": w.liu_member.pk})
    assert response.status_code == 302
    assert Assignment.objects.get(household=w.h302).volunteer == w.liu_member
    assert AuditEntry.objects.filter(object_type="assignment", actor=w.leader).exists()
    refused = client.post(url(f"assign/{w.group.pk}/move/{w.h302.pk}/"), {"volunteer": w.zhang_member.pk}, follow=True)
    assert "请选择本党小组的一名党员" in refused.content.decode()
    assert (
        client.post(url(f"assign/{w.group.pk}/move/{w.household2.pk}/"), {"volunteer": w.liu_member.pk}).status_code
        == 404
    )


def test_the_admin_proposes_and_confirms_for_any_group(paired, login):
    w = paired
    Assignment.objects.all().delete()
    client = login(w.admin)
    assert b"2" in client.get(url("assign/")).content
    client.post(url(f"assign/{w.group2.pk}/propose/"))
    assert AssignmentDraft.objects.filter(group=w.group2).exists()
    page = client.get(url(f"assign/{w.group2.pk}/")).content.decode()
    assert "这是平台的建议，还没有生效" in page
    client.post(url(f"assign/{w.group2.pk}/confirm/"))
    assert Assignment.objects.get(household=w.household2).volunteer == w.zhang_member
    assert not AssignmentDraft.objects.exists()


def test_a_volunteer_cannot_reach_the_assignment_actions(paired, login):
    w = paired
    client = login(w.volunteer)
    for action in ("propose", "confirm", "discard"):
        assert client.post(url(f"assign/{w.group.pk}/{action}/")).status_code == 404
    assert (
        client.post(url(f"assign/{w.group.pk}/move/{w.h302.pk}/"), {"volunteer": w.wang_member.pk}).status_code == 404
    )


def test_coverage_counts_by_group_and_lists_the_households_behind_a_count(paired, login):
    w = paired
    actions.log_visit(household=w.household, volunteer=w.wang_member, by=w.volunteer, visited_at=timezone.now())
    actions.log_visit(
        household=w.h401, volunteer=w.liu_member, by=w.leader, visited_at=timezone.now() - timedelta(days=40)
    )
    client = login(w.admin)
    response = client.get(url("coverage/"))
    rows = {row.name: row.counts for row in response.context["table"]}
    assert rows["环城北路93号党小组"] == {"all": 3, "covered": 1, "due": 1, "overdue": 1, "never": 1, "unassigned": 0}
    assert rows["学宫巷3号党小组"]["all"] == 1 and rows["学宫巷3号党小组"]["never"] == 1
    assert response.context["total"].counts["all"] == 4
    listing = client.get(url(f"coverage/list/?group={w.group.pk}&state=overdue")).content.decode()
    assert "401室" in listing and "301室" not in listing and "138****2222" in listing
    leader = login(w.leader).get(url("coverage/"))
    assert [row.name for row in leader.context["table"]] == ["环城北路93号党小组"]
    assert leader.context["total"] is None
    assert login(w.leader).get(url(f"coverage/list/?group={w.group2.pk}&state=all")).status_code == 404


def test_a_member_without_households_and_an_account_without_a_member_record_are_told_why(paired, login):
    w = paired
    lonely = Resident.objects.create(community=w.community, household=w.h302, name="孙强")
    Member.objects.create(community=w.community, resident=lonely, group=w.group)
    user = make_user("sun", Role.VOLUNTEER, community=w.community, group=w.group)
    user.resident = lonely
    user.save()
    assert "组长还没有给您分配住户" in login(user).get(url()).content.decode()
    assert "没有关联党员档案" in login(w.admin).get(url()).content.decode()
    response = login(w.admin).get(url("visits/new/"), follow=True)
    assert "只有在档案里有党员记录" in response.content.decode()


def test_a_request_needs_a_known_category_and_only_people_who_see_the_visit_may_place_it(paired, login):
    w = paired
    visit = actions.log_visit(
        household=w.household2, volunteer=w.zhang_member, by=w.admin, visited_at=timezone.now(), needs="想申请临时救助"
    )
    refused = login(w.admin).post(url(f"visits/{visit.pk}/request/"), {"category": "nonsense"}, follow=True)
    assert "请选择诉求类别。" in refused.content.decode()
    assert login(w.volunteer).post(url(f"visits/{visit.pk}/request/"), {"category": "hardship"}).status_code == 404
    assert not Request.objects.exists()


# 拨打: phones masked; one full number shown as a tel: link, audited as the resident page does ----------

FULL_PHONE = re.compile(r"1[3-9]\d{9}")


def reveals() -> list[tuple]:
    return list(
        AuditEntry.objects.filter(action="view", object_type="resident", detail__field="phone").values_list(
            "actor__username", "object_id", "detail"
        )
    )


def test_the_volunteer_pages_hold_no_full_phone_and_offer_to_call(paired, login):
    w = paired
    client = login(w.volunteer)
    for path in ("", f"households/{w.household.pk}/"):
        page = client.get(url(path)).content.decode()
        assert "138****8000" in page and "139****9000" in page, path
        assert FULL_PHONE.findall(page) == [], path
        assert page.count(">拨打</button>") == 2, path
    assert reveals() == []


def test_calling_shows_the_full_number_as_a_tel_link_and_is_audited(paired, login):
    w = paired
    response = login(w.volunteer).post(url(f"residents/{w.liu.pk}/phone/"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:13800138000"' in html and "已记录本次查看" in html and "<html" not in html
    assert reveals() == [("volunteer", str(w.liu.pk), {"field": "phone", "page": "outreach"})]
    entry = AuditEntry.objects.get(detail__page="outreach")
    assert entry.community_id == w.community.pk and entry.ip == "127.0.0.1"


def test_without_htmx_calling_opens_a_page_with_the_number(paired, login):
    w = paired
    page = login(w.volunteer).post(url(f"residents/{w.wang.pk}/phone/")).content.decode()
    assert "<html" in page and 'href="tel:13900139000"' in page
    assert len(reveals()) == 1


def test_nobody_gets_a_phone_of_a_household_they_do_not_visit_and_nothing_is_written(paired, login):
    w = paired
    zhou = w.h401.residents.get()
    assert login(w.volunteer).post(url(f"residents/{zhou.pk}/phone/")).status_code == 404
    assert login(w.outsider).post(url(f"residents/{w.liu.pk}/phone/")).status_code == 404
    assert login(w.resident).post(url(f"residents/{w.liu.pk}/phone/")).status_code == 404
    assert login(w.volunteer).get(url(f"residents/{w.liu.pk}/phone/")).status_code == 405
    assert reveals() == []


def test_the_leader_calls_from_the_coverage_list_the_same_way(paired, login):
    w = paired
    client = login(w.leader)
    page = client.get(url("coverage/list/"), {"group": w.group.pk, "state": "due"}).content.decode()
    assert "周阿婆" in page and FULL_PHONE.findall(page) == []
    zhou = w.h401.residents.get()
    assert "tel:13811112222" in client.post(url(f"residents/{zhou.pk}/phone/"), HTTP_HX_REQUEST="true").content.decode()
    assert reveals() == [("leader", str(zhou.pk), {"field": "phone", "page": "outreach"})]
