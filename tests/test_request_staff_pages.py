"""The staff pages: the leader's queue and 派单, the volunteer's list, a request's page and its
actions, 代点单 and the calendar; scoping (outsiders get 404) and forms that keep what was typed."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from loudong.tickets import actions
from loudong.tickets.models import CalendarOverride, Request, Status

BASE = "/c/xihu/requests/"


def place(world, **kwargs):
    values = {
        "community": world.community,
        "building": world.building,
        "stairwell": world.stairwell,
        "category_code": "environment",
        "description": "三楼楼道灯不亮，晚上看不见",
        "contact_name": "张建国",
        "contact_phone": "13700137000",
    }
    values.update(kwargs)
    return actions.place_request(**values)


def jpeg_with_location() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (28.0, 36.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("done.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_leader_queue_shows_new_requests_with_a_dispatch_button(world, login):
    req = place(world)
    page = login(world.leader).get(BASE).content.decode()
    assert "派单" in page and "环城北路93号1单元" in page and "三楼楼道灯不亮" in page
    assert f"{BASE}{req.pk}/dispatch/" in page
    assert "待派单 1" in page


def test_overdue_requests_are_counted_and_marked(world, login):
    place(world, now=timezone.now() - timedelta(days=30))
    page = login(world.leader).get(BASE + "?tab=overdue").content.decode()
    assert "已超期 1" in page and "req-card overdue" in page and "已超期" in page


def test_the_queue_shows_overdue_requests_first_then_the_newest(world, login):
    now = timezone.now()
    earlier_today = place(world, now=now - timedelta(hours=2))
    month_old = place(world, now=now - timedelta(days=30))
    newest = place(world, now=now - timedelta(minutes=5))
    week_old = place(world, now=now - timedelta(days=7))
    client = login(world.leader)
    cards = client.get(BASE).context["cards"]
    assert [c.req.pk for c in cards] == [month_old.pk, week_old.pk, newest.pk, earlier_today.pk]
    assert [c.overdue for c in cards] == [True, True, False, False]
    actions.dispatch(newest, world.wang_member, by=world.leader)
    actions.dispatch(earlier_today, world.wang_member, by=world.leader)
    assert [c.req.pk for c in client.get(BASE + "?tab=dispatched").context["cards"]] == [newest.pk, earlier_today.pk]


def test_volunteer_is_sent_from_the_queue_to_their_own_list(world, login):
    response = login(world.volunteer).get(BASE)
    assert response.status_code == 302 and response["Location"] == BASE + "mine/"


def test_outsiders_get_404_on_every_staff_page(world, login):
    req = place(world)
    client = login(world.outsider)
    for url in [
        BASE,
        BASE + "mine/",
        f"{BASE}{req.pk}/",
        f"{BASE}{req.pk}/dispatch/",
        f"{BASE}{req.pk}/reject/",
        BASE + "new/",
        BASE + "calendar/",
    ]:
        assert client.get(url).status_code == 404, url
    assert login(world.overseer).get(f"{BASE}{req.pk}/").status_code == 404


def test_a_volunteer_cannot_open_a_request_not_given_to_them(world, login):
    req = place(world)
    assert login(world.volunteer).get(f"{BASE}{req.pk}/").status_code == 404


def test_leader_dispatches_in_three_taps(world, login):
    req = place(world)
    client = login(world.leader)
    choose = client.get(f"{BASE}{req.pk}/dispatch/").content.decode()
    assert "王秀英" in choose and f"?volunteer={world.wang_member.pk}" in choose
    confirm = client.get(f"{BASE}{req.pk}/dispatch/?volunteer={world.wang_member.pk}").content.decode()
    assert "派给 <strong>王秀英</strong>" in confirm and "确认派单" in confirm
    response = client.post(f"{BASE}{req.pk}/dispatch/", {"volunteer": world.wang_member.pk}, follow=True)
    assert "已派给 王秀英" in response.content.decode()
    req.refresh_from_db()
    assert (req.status, req.assignee) == (Status.DISPATCHED, world.wang_member)


def test_dispatching_to_someone_outside_the_group_is_refused_with_a_message(world, login):
    from loudong.registry.models import Member

    other = Member.objects.create(community=world.community, resident=world.zhang)
    req = place(world)
    response = login(world.leader).post(f"{BASE}{req.pk}/dispatch/", {"volunteer": other.pk}, follow=True)
    assert "只能派给本楼栋党小组的党员" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED and req.assignee is None


def test_volunteer_sees_time_left_accepts_and_resolves_with_a_photo(world, login):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    client = login(world.volunteer)
    mine = client.get(BASE + "mine/").content.decode()
    assert "还剩" in mine and "接单" in mine
    client.post(f"{BASE}{req.pk}/accept/")
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED
    form = client.get(f"{BASE}{req.pk}/resolve/").content.decode()
    assert "线下跑腿" in form and "照片" in form
    response = client.post(
        f"{BASE}{req.pk}/resolve/",
        {"resolution": "offline", "reply": "换了新灯泡", "minutes": "20", "photos": [jpeg_with_location()]},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.time_spent_minutes) == (Status.RESOLVED, 20)
    photo = req.photos.get()
    assert photo.stage == "done"
    served = client.get(f"{BASE}{req.pk}/photos/{photo.pk}/")
    body = b"".join(served.streaming_content)
    assert served.status_code == 200 and body.startswith(b"\xff\xd8")
    assert Image.open(io.BytesIO(body)).getexif().get(0x8825) is None  # location stripped
    assert login(world.outsider).get(f"{BASE}{req.pk}/photos/{photo.pk}/").status_code == 404


def test_a_form_error_keeps_what_was_typed(world, login):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    client = login(world.volunteer)
    response = client.post(
        f"{BASE}{req.pk}/resolve/", {"resolution": "offline", "reply": "换了灯泡", "minutes": "九十"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "用时请填数字" in page and "换了灯泡" in page
    response = client.post(f"{BASE}{req.pk}/decline/", {"reason": ""})
    assert response.status_code == 400 and "请填写原因" in response.content.decode()


def test_a_volunteer_resolving_an_errand_without_minutes_is_told_to_fill_them_in(world, login):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    client = login(world.volunteer)
    assert "线下跑腿必填" in client.get(f"{BASE}{req.pk}/resolve/").content.decode()
    response = client.post(f"{BASE}{req.pk}/resolve/", {"resolution": "offline", "reply": "换了灯泡", "minutes": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "线下跑腿请填写用了多少分钟" in page and "换了灯泡" in page
    req.refresh_from_db()
    assert req.status == Status.ACCEPTED
    response = client.post(f"{BASE}{req.pk}/resolve/", {"resolution": "online", "reply": "已电话告知报修电话"})
    assert response.status_code == 302


def test_the_request_page_offers_only_the_allowed_actions(world, login):
    req = place(world)
    actions.dispatch(req, world.wang_member, by=world.leader)
    leader_page = login(world.leader).get(f"{BASE}{req.pk}/").content.decode()
    assert "改派" in leader_page and "不予受理" in leader_page and ">接单<" not in leader_page
    volunteer_page = login(world.volunteer).get(f"{BASE}{req.pk}/").content.decode()
    assert ">接单<" in volunteer_page and "退回组长" in volunteer_page and "不予受理" not in volunteer_page
    assert "办理记录" in volunteer_page and "派单" in volunteer_page  # the timeline


def test_an_action_not_allowed_now_sends_back_with_a_message(world, login):
    req = place(world)
    response = login(world.leader).get(f"{BASE}{req.pk}/resolve/", follow=True)
    assert "不能办结" in response.content.decode()


def test_an_anonymous_residents_contact_is_hidden_from_the_volunteer_but_not_the_leader(world, login):
    req = place(world, anonymous=True)
    actions.dispatch(req, world.wang_member, by=world.leader)
    assert "13700137000" not in login(world.volunteer).get(f"{BASE}{req.pk}/").content.decode()
    assert "13700137000" in login(world.leader).get(f"{BASE}{req.pk}/").content.decode()


def test_leader_rejects_merges_escalates_asks_and_extends_through_forms(world, login):
    client = login(world.leader)
    first, second, third = place(world), place(world, description="楼道灯坏了"), place(world)
    client.post(f"{BASE}{first.pk}/reject/", {"reason": "物业负责"})
    client.post(f"{BASE}{second.pk}/merge/", {"into": third.pk})
    actions.dispatch(third, world.wang_member, by=world.leader)
    actions.accept(third, by=world.volunteer)
    client.post(f"{BASE}{third.pk}/pause/", {"question": "哪一层？"})
    client.post(f"{BASE}{third.pk}/resume/", {"note": "三层"})
    new_day = (timezone.localtime(third.due_at) + timedelta(days=5)).date()
    client.post(f"{BASE}{third.pk}/extend/", {"new_due_date": new_day.isoformat(), "reason": "等灯具"})
    client.post(f"{BASE}{third.pk}/escalate/", {"reason": "需要物业配合"})
    statuses = dict(Request.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "rejected", second.pk: "merged", third.pk: "escalated"}
    kinds = list(Request.objects.get(pk=third.pk).events.values_list("kind", flat=True))
    assert kinds[-4:] == ["paused", "resumed", "extended", "escalated"]


def test_staff_enter_a_request_for_a_resident_found_in_the_registry(world, login):
    client = login(world.leader)
    found = client.get(BASE + "new/residents/?q=lgq&channel=visit").content.decode()
    assert "刘光前" in found and f"resident={world.liu.pk}" in found
    page = client.get(BASE + f"new/?resident={world.liu.pk}&channel=visit").content.decode()
    assert "刘光前" in page and 'value="301"' in page
    response = client.post(
        BASE + "new/",
        {
            "channel": "visit",
            "resident": world.liu.pk,
            "contact_name": "刘光前",
            "contact_phone": "13800138000",
            "building": world.building.pk,
            "stairwell": world.stairwell.pk,
            "room": "301",
            "category": "hardship",
            "kind": "help",
            "description": "腿脚不便，想请人帮忙取药",
        },
    )
    req = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}{req.pk}/"
    assert (req.channel, req.resident, req.created_by, req.group) == ("visit", world.liu, world.leader, world.group)


def test_a_volunteer_enters_a_request_by_typing_name_and_phone_and_errors_keep_the_text(world, login):
    client = login(world.volunteer)
    response = client.post(
        BASE + "new/",
        {
            "channel": "phone",
            "building": world.building.pk,
            "category": "policy",
            "kind": "consult",
            "description": "问医保报销",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "请从名册选择居民" in page and "问医保报销" in page
    client.post(
        BASE + "new/",
        {
            "channel": "phone",
            "contact_name": "李大爷",
            "contact_phone": "13600001111",
            "building": world.building.pk,
            "category": "policy",
            "kind": "consult",
            "description": "问医保报销",
        },
    )
    req = Request.objects.get()
    assert (req.contact_name, req.created_by, req.channel) == ("李大爷", world.volunteer, "phone")
    assert client.get(f"{BASE}{req.pk}/").status_code == 200  # the one who entered it can follow it


def test_only_community_admins_edit_the_calendar(world, login):
    assert login(world.leader).get(BASE + "calendar/").status_code == 404
    client = login(world.admin)
    page = client.get(BASE + "calendar/").content.decode()
    assert "工作日设置" in page
    client.post(BASE + "calendar/", {"date": "2026-12-24", "is_workday": "0", "note": "本地活动放假"})
    row = CalendarOverride.objects.get()
    assert (row.community, row.is_workday, row.note) == (world.community, False, "本地活动放假")
    again = client.post(BASE + "calendar/", {"date": "2026-12-24", "is_workday": "1"})
    assert again.status_code == 400 and "已经设置过" in again.content.decode()
    # Another community's admin sets the same day for their own community, and cannot delete ours;
    # nobody deletes a row for every community from a community's page.
    outsider = login(world.outsider)
    assert outsider.post("/c/other/requests/calendar/", {"date": "2026-12-24", "is_workday": "1"}).status_code == 302
    assert outsider.post(f"/c/other/requests/calendar/{row.pk}/delete/").status_code == 404
    everywhere = CalendarOverride.objects.create(date=date(2026, 12, 31), is_workday=False, note="所有社区")
    client = login(world.admin)
    page = client.get(BASE + "calendar/").content.decode()
    assert "所有社区统一设置" in page and "已经设置过" not in page
    assert client.post(BASE + f"calendar/{everywhere.pk}/delete/").status_code == 404
    client.post(BASE + f"calendar/{row.pk}/delete/")
    assert set(CalendarOverride.objects.values_list("community__code", "date")) == {
        ("other", date(2026, 12, 24)),
        (None, date(2026, 12, 31)),
    }


@pytest.mark.parametrize("tab", ["new", "overdue", "dispatched", "doing", "escalated", "resolved", "done"])
def test_every_queue_tab_opens(world, login, tab):
    place(world)
    assert login(world.admin).get(BASE + f"?tab={tab}").status_code == 200


def test_the_queue_reads_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    for n in range(15):
        req = place(world)
        actions.dispatch(req, world.wang_member, by=world.leader)
        if n % 2:
            actions.accept(req, by=world.volunteer)
    client = login(world.leader)
    client.get(BASE + "?tab=doing")
    for tab in ("doing", "dispatched"):
        with django_assert_max_num_queries(12):
            client.get(BASE + f"?tab={tab}")
    for _ in range(12):
        place(world)
    client.get(BASE)
    with django_assert_max_num_queries(25):  # new requests with suggested volunteers and duplicates
        page = client.get(BASE).content.decode()
    assert page.count("建议派给") == 12
    volunteer = login(world.volunteer)
    with django_assert_max_num_queries(14):
        assert "还剩" in volunteer.get(BASE + "mine/").content.decode()
