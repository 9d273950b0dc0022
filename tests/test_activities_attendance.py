"""People reached by activities: recorded once per person (QR sign-in by name and building or by a
phone already given, or ticked by the organiser), bad scans answered plainly, and people covered
counted once across activities and periods of Shanghai days."""

import re
import time
from datetime import date, datetime, timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from helpers.activities import make_activity

from loudong.accounts.models import AuditEntry
from loudong.community_life.activities import actions
from loudong.community_life.activities.figures import activities_by_type, activities_in, people_covered
from loudong.community_life.activities.models import Activity, Attendance
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Resident


def started(seconds_ago: float = 10) -> str:
    return signing.dumps(time.time() - seconds_ago, salt="activity.signin.started")


def scan(client, activity, **fields):
    data = {"name": "", "building": "", "phone": "", "website": "", "started": started()}
    data.update(fields)
    return client.post(f"/a/{activity.signin_token}/", data)


@pytest.fixture
def activity(world):
    return make_activity(world)


# De-duplication -------------------------------------------------------------------------------------


def test_a_resident_ticked_twice_is_recorded_once(world, activity):
    first = actions.record_attendance(activity, how=Attendance.How.TICKED, resident=world.zhang)
    again = actions.record_attendance(activity, how=Attendance.How.QR_PHONE, resident=world.zhang)
    assert (first.outcome, again.outcome) == ("new", "already")
    assert activity.attendance.count() == 1


def test_the_same_name_and_building_twice_is_recorded_once_whatever_the_spaces_and_width(world, activity):
    actions.record_attendance(activity, how=Attendance.How.QR_NAME, name="李 大 爷", building=world.building2)
    again = actions.record_attendance(activity, how=Attendance.How.QR_NAME, name="李大爷 ", building=world.building2)
    other_building = actions.record_attendance(
        activity, how=Attendance.How.QR_NAME, name="李大爷", building=world.building
    )
    assert (again.outcome, other_building.outcome) == ("already", "new")
    assert activity.attendance.count() == 2


def test_an_unmatched_sign_in_then_ticking_that_resident_merges_into_one(world, activity):
    # 张建国 typed his name with a wrong character width; then a newcomer resident of the same name is
    # ticked: his sign-in and the tick are one person.
    newcomer = Resident.objects.create(community=world.community, household=world.household2, name="赵四")
    Resident.objects.create(community=world.community, household=world.household2, name="赵四")  # two 赵四 here
    unmatched = actions.record_attendance(activity, how=Attendance.How.QR_NAME, name="赵四", building=world.building2)
    assert unmatched.attendance.resident_id is None
    merged = actions.record_attendance(activity, how=Attendance.How.TICKED, resident=newcomer)
    assert merged.outcome == "merged" and merged.attendance.pk == unmatched.attendance.pk
    assert list(activity.attendance.values_list("resident_id", flat=True)) == [newcomer.pk]


def test_ticking_from_the_attendance_page_merges_and_says_so(login, world, activity):
    Resident.objects.create(community=world.community, household=world.household2, name="张建国")  # namesake
    scan(login(world.resident), activity, name="张建国", building=world.building2.pk)  # ambiguous: unmatched
    assert activity.attendance.get().resident_id is None
    response = login(world.leader).post(
        f"/c/xihu/activities/{activity.pk}/attendance/tick/", {"resident": world.zhang.pk}, follow=True
    )
    assert "仍算一人" in response.content.decode()
    assert list(activity.attendance.values_list("resident_id", flat=True)) == [world.zhang.pk]
    again = login(world.leader).post(
        f"/c/xihu/activities/{activity.pk}/attendance/tick/", {"resident": world.zhang.pk}, follow=True
    )
    assert "已签到，不重复记录" in again.content.decode() and activity.attendance.count() == 1


def test_the_organiser_searches_residents_by_pinyin_initials(login, world, activity):
    text = login(world.leader).get(f"/c/xihu/activities/{activity.pk}/attendance/?q=zjg").content.decode()
    assert "张建国" in text and "学宫巷3号1单元" in text and "137****7000" in text
    assert (
        "陈外人" not in login(world.leader).get(f"/c/xihu/activities/{activity.pk}/attendance/?q=chen").content.decode()
    )
    refused = login(world.leader).post(
        f"/c/xihu/activities/{activity.pk}/attendance/tick/", {"resident": world.stranger.pk}, follow=True
    )
    assert "没有找到这位居民" in refused.content.decode() and not activity.attendance.exists()


# QR sign-in ----------------------------------------------------------------------------------------


def test_a_resident_signs_in_by_name_and_building_and_is_matched_without_being_told_who(client, world, activity):
    page = client.get(f"/a/{activity.signin_token}/")
    text = page.content.decode()
    assert page.status_code == 200 and "周五清洁家园" in text and "学宫巷3号" in text
    done = scan(client, activity, name="张建国", building=world.building2.pk)
    assert done.status_code == 200 and "已签到" in done.content.decode()
    row = activity.attendance.get()
    assert row.resident == world.zhang and row.how == "qr_name"
    assert AuditEntry.objects.filter(object_type="attendance", action="create").count() == 1


def test_a_name_with_the_phone_already_given_signs_in_the_resident_and_reveals_nothing(client, world, activity):
    done = scan(client, activity, name="张建国", phone="137 0013 7000")
    text = done.content.decode()
    assert done.status_code == 200 and "已签到" in text and "学宫巷" not in text
    assert activity.attendance.get().resident == world.zhang


def test_a_family_phone_signs_in_the_one_named(client, world, activity):
    world.liu.phone = world.wang.phone
    world.liu.save()
    unclear = scan(client, activity, phone=world.wang.phone)
    assert unclear.status_code == 400 and "请写上您的姓名" in unclear.content.decode()
    assert scan(client, activity, phone=world.wang.phone, name="王秀英").status_code == 200
    assert activity.attendance.get().resident == world.wang
    # Someone else typing their own name with that phone is not taken for either of them.
    assert scan(client, activity, phone=world.wang.phone, name="张建国", building=world.building2.pk).status_code == 200
    assert set(activity.attendance.values_list("resident__name", flat=True)) == {"王秀英", "张建国"}


def test_a_phone_without_a_name_is_refused_the_same_whether_registered_or_not(client, world, activity):
    known = scan(client, activity, phone=world.zhang.phone)
    unknown = scan(client, activity, phone="13912345678")
    assert known.status_code == unknown.status_code == 400
    assert "请写上您的姓名" in known.content.decode() and "请写上您的姓名" in unknown.content.decode()
    assert not activity.attendance.exists()
    empty = scan(client, activity)
    assert "请写上您的姓名" in empty.content.decode() and "请选择您住的楼栋" in empty.content.decode()


def page_text(response) -> str:
    """The page as the person sees it, without the per-response CSRF token."""
    return re.sub(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_a_registered_and_an_unknown_phone_get_the_same_answer(world, activity):
    registered = scan(Client(), activity, name="张建国", phone=world.zhang.phone)
    unknown = scan(Client(), activity, name="张建国", phone="13912345678")
    assert registered.status_code == unknown.status_code == 200
    assert page_text(registered) == page_text(unknown)
    # The registered phone signed in 张建国 (with his name); the unknown one is a name only, not matched.
    rows = {(a.resident_id, a.how) for a in activity.attendance.all()}
    assert rows == {(world.zhang.pk, "qr_phone"), (None, "qr_name")}


def test_a_phone_alone_signs_in_no_one(client, world, activity):
    scan(client, activity, phone=world.zhang.phone)
    scan(client, activity, name="王秀英", phone=world.zhang.phone)  # someone else's name with his phone
    assert not activity.attendance.filter(resident=world.zhang).exists()


def test_a_repeated_scan_answers_as_before_and_changes_nothing(client, world, activity):
    scan(client, activity, name="李大爷", building=world.building.pk)
    entries = AuditEntry.objects.count()
    again = scan(client, activity, name="李大爷", building=world.building.pk)
    assert again.status_code == 200 and "已签到" in again.content.decode()
    assert activity.attendance.count() == 1 and AuditEntry.objects.count() == entries
    reopened = client.get(f"/a/{activity.signin_token}/").content.decode()
    assert "您已签到" in reopened and "帮家人签到" in reopened


def test_an_unknown_token_is_not_found_in_plain_words(client, world):
    response = client.get("/a/no-such-token/")
    assert response.status_code == 404 and "没有找到这个活动的签到" in response.content.decode()
    assert scan(client, Activity(signin_token="no-such-token")).status_code == 404


def test_sign_in_opens_two_hours_before_the_start_and_closes_a_day_after_the_end(client, world):
    early = make_activity(world, starts=timezone.now() + timedelta(hours=3))
    response = scan(client, early, name="李大爷", building=world.building.pk)
    assert response.status_code == 409 and "签到还没开始" in response.content.decode()
    soon = make_activity(world, starts=timezone.now() + timedelta(hours=1, minutes=50))
    assert scan(client, soon, name="李大爷", building=world.building.pk).status_code == 200
    late = make_activity(world, starts=timezone.now() - timedelta(hours=27), hours=2)  # ended 25 h ago
    closed = scan(client, late, name="李大爷", building=world.building.pk)
    assert closed.status_code == 410 and "签到已经结束" in closed.content.decode()
    lingering = make_activity(world, starts=timezone.now() - timedelta(hours=25), hours=2)  # ended 23 h ago
    assert scan(client, lingering, name="李大爷", building=world.building.pk).status_code == 200
    assert Attendance.objects.filter(activity__in=[early, late]).count() == 0


def test_the_honeypot_and_a_too_quick_tap_are_refused_and_nothing_is_kept(client, world, activity, settings):
    settings.SIGN_IN_MIN_FILL_SECONDS = 1
    trapped = scan(client, activity, name="李大爷", building=world.building.pk, website="http://spam")
    assert trapped.status_code == 400 and "请把最下面的“网址”一栏留空" in trapped.content.decode()
    quick = scan(client, activity, name="李大爷", building=world.building.pk, started=started(0.2))
    assert quick.status_code == 400 and "点得太快了" in quick.content.decode()
    forged = scan(client, activity, name="李大爷", building=world.building.pk, started="forged")
    assert forged.status_code == 400 and "页面停留太久或已过期" in forged.content.decode()
    assert not activity.attendance.exists()


def test_sign_ins_over_the_rate_limit_get_429_in_chinese(client, world, activity, settings):
    settings.RATE_LIMITS = {"signin_client": (2, 3600)}
    for name in ("甲", "乙"):
        assert scan(client, activity, name=name, building=world.building.pk).status_code == 200
    refused = scan(client, activity, name="丙", building=world.building.pk)
    assert refused.status_code == 429 and "签到太频繁了" in refused.content.decode()
    assert activity.attendance.count() == 2


def test_one_activity_has_its_own_limit_and_an_exempt_address_is_never_refused(client, world, activity, settings):
    settings.RATE_LIMITS = {"signin_activity": (1, 3600)}
    assert scan(client, activity, name="甲", building=world.building.pk).status_code == 200
    assert scan(client, activity, name="乙", building=world.building.pk).status_code == 429
    other = make_activity(world, title="升旗")
    assert scan(client, other, name="乙", building=world.building.pk).status_code == 200
    settings.RATE_LIMIT_EXEMPT = ["127.0.0.1"]
    assert scan(client, activity, name="丙", building=world.building.pk).status_code == 200
    assert activity.attendance.count() == 2


# People covered ------------------------------------------------------------------------------------


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_people_covered_counts_each_person_once_across_activities(world):
    activities = [make_activity(world, starts=at(date(2026, 3, d), 9), title=f"第{d}次") for d in (2, 9, 16)]
    for activity in activities:  # 张建国 at all three, 王秀英 at two, 李大爷 (not in the registry) at two
        actions.record_attendance(activity, how=Attendance.How.TICKED, resident=world.zhang)
    for activity in activities[:2]:
        actions.record_attendance(activity, how=Attendance.How.QR_PHONE, resident=world.wang)
        actions.record_attendance(activity, how=Attendance.How.QR_NAME, name="李大爷", building=world.building)
    # 刘光前 was recorded by name and building at one (unmatched) and ticked at another: one person.
    actions.record_attendance(activities[2], how=Attendance.How.QR_NAME, name="刘光前", building=world.building)
    Attendance.objects.filter(name="刘光前").update(resident=None)
    actions.record_attendance(activities[0], how=Attendance.How.TICKED, resident=world.liu)
    assert people_covered([world.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == 4
    assert people_covered([world.community.pk, world.other.pk], date(2026, 3, 1), date(2026, 3, 31)) == 4
    assert people_covered([world.community.pk], date(2026, 3, 16), date(2026, 3, 16)) == 2
    assert people_covered([world.other.pk], date(2026, 3, 1), date(2026, 3, 31)) == 0


def test_periods_are_whole_days_in_shanghai(world):
    # 23:30 on 31 March in Shanghai is 15:30 UTC; 00:10 on 1 April in Shanghai is still 31 March in UTC.
    march = make_activity(world, starts=at(date(2026, 3, 31), 23, 30), hours=0.5, type="flag", title="三月")
    april = make_activity(world, starts=at(date(2026, 4, 1), 0, 10), hours=1, type="flag", title="四月")
    actions.record_attendance(march, how=Attendance.How.TICKED, resident=world.zhang)
    actions.record_attendance(april, how=Attendance.How.TICKED, resident=world.wang)
    actions.record_attendance(april, how=Attendance.How.TICKED, resident=world.zhang)
    assert people_covered([world.community.pk], date(2026, 3, 1), date(2026, 3, 31)) == 1
    assert people_covered([world.community.pk], date(2026, 4, 1), date(2026, 4, 30)) == 2
    assert people_covered([world.community.pk], date(2026, 3, 1), date(2026, 4, 30)) == 2
    assert [a.title for a in activities_in([world.community.pk], date(2026, 4, 1), date(2026, 4, 1))] == ["四月"]
    by_type = activities_by_type([world.community.pk], date(2026, 3, 1), date(2026, 3, 31))
    assert by_type[0] == ("welfare", "公益活动", 0) and ("flag", "升旗仪式", 1) in by_type
    assert [value for value, _label, _n in by_type] == list(Activity.Type.values)


def test_planned_activities_are_not_yet_figures(world):
    upcoming = make_activity(world, starts=timezone.now() + timedelta(days=1))
    actions.record_attendance(upcoming, how=Attendance.How.TICKED, resident=world.zhang)
    today, later = timezone.localdate(), timezone.localdate() + timedelta(days=5)
    assert people_covered([world.community.pk], today, later) == 0
    assert sum(n for _v, _l, n in activities_by_type([world.community.pk], today, later)) == 0
    held = make_activity(world, starts=timezone.now() - timedelta(hours=1))
    assert list(activities_in([world.community.pk], today - timedelta(days=1), later)) == [held]
    assert activities_in([world.community.pk], today - timedelta(days=1), later)[0].reached == 0


def test_the_figures_are_a_fixed_few_queries_however_many_activities(world, django_assert_num_queries):
    for day in range(1, 21):
        activity = make_activity(world, starts=at(date(2026, 5, day), 9), title=f"第{day}次")
        actions.record_attendance(activity, how=Attendance.How.TICKED, resident=world.zhang)
        actions.record_attendance(activity, how=Attendance.How.QR_NAME, name=f"访客{day % 3}", building=world.building)
    with django_assert_num_queries(2):
        assert people_covered([world.community.pk], date(2026, 5, 1), date(2026, 5, 31)) == 4
    with django_assert_num_queries(1):
        assert (
            dict((v, n) for v, _l, n in activities_by_type([world.community.pk], date(2026, 5, 1), date(2026, 5, 31)))[
                "cleanup"
            ]
            == 20
        )


def test_moving_an_activity_to_another_day_moves_its_people_in_the_figures(login, world):
    client = login(world.leader)
    data = {
        "type": "cleanup",
        "title": "周五清洁家园",
        "day": "2026-05-29",
        "start": "15:00",
        "end": "17:00",
        "place": "学宫巷3号楼下",
        "group": world.group.pk,
        "organiser": world.liu_member.pk,
    }
    client.post("/c/xihu/activities/new/", data)
    activity = Activity.objects.get()
    actions.record_attendance(activity, how=Attendance.How.TICKED, resident=world.zhang)
    assert people_covered([world.community.pk], date(2026, 5, 1), date(2026, 5, 31)) == 1
    client.post(f"/c/xihu/activities/{activity.pk}/edit/", {**data, "day": "2026-06-05"})
    assert people_covered([world.community.pk], date(2026, 5, 1), date(2026, 5, 31)) == 0
    assert people_covered([world.community.pk], date(2026, 6, 1), date(2026, 6, 30)) == 1
    changed = AuditEntry.objects.filter(action="update", object_type="activity").get().detail["changes"]
    assert set(changed) == {"starts_at", "ends_at"}  # the same moments in another zone are no change
