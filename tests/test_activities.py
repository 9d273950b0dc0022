"""Activities (微文化): creating and changing them, who may see what, the serving members and their
minutes for the hours ledger, the sign-in poster and the photos."""

import io
import re
import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from helpers.activities import make_activity
from PIL import Image

from loudong.accounts.models import AuditEntry
from loudong.community_life.activities import actions
from loudong.community_life.activities.hours_source import service_records
from loudong.community_life.activities.models import Activity, ActivityPhoto, Attendance
from loudong.hours.records import ServiceRecord
from loudong.lib.shanghai import SHANGHAI


def form_data(w, **changes) -> dict:
    data = {
        "type": "cleanup",
        "title": "周五清洁家园",
        "day": "2026-05-08",
        "start": "08:30",
        "end": "10:00",
        "place": "学宫巷3号楼下",
        "group": w.group.pk,
        "organiser": w.liu_member.pk,
        "serving": [w.wang_member.pk],
        "description": "清理楼道杂物",
    }
    data.update(changes)
    return data


# Creating and changing -----------------------------------------------------------------------------


def test_leader_creates_an_activity_and_the_organiser_and_ticked_members_serve_for_its_length(login, world):
    response = login(world.leader).post("/c/xihu/activities/new/", form_data(world))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/c/xihu/activities/{activity.pk}/"
    assert timezone.localtime(activity.starts_at) == datetime(2026, 5, 8, 8, 30, tzinfo=SHANGHAI)
    assert activity.created_by == world.leader and len(activity.signin_token) >= 16
    assert dict(activity.serving.values_list("member_id", "minutes")) == {
        world.liu_member.pk: 90,
        world.wang_member.pk: 90,
    }
    assert AuditEntry.objects.filter(action="create", object_type="activity", object_id=str(activity.pk)).exists()


def test_a_form_with_the_end_before_the_start_and_no_place_says_what_is_wrong(login, world):
    response = login(world.leader).post("/c/xihu/activities/new/", form_data(world, end="08:00", place=""))
    text = response.content.decode()
    assert response.status_code == 400
    assert "结束时间要晚于开始时间" in text and "请写上活动地点" in text
    assert "清理楼道杂物" in text  # nothing typed is lost
    assert not Activity.objects.exists()


def test_the_create_page_prefills_a_talk_by_the_invited_speaker(login, world):
    text = login(world.admin).get(f"/c/xihu/activities/new/?type=talk&speaker={world.zhang.pk}").content.decode()
    assert re.search(r'value="talk"[^>]*checked', text)
    assert "主讲人：张建国" in text and "张建国宣讲" in text
    response = login(world.admin).post(
        "/c/xihu/activities/new/", form_data(world, type="talk", title="张建国宣讲", speaker=world.zhang.pk)
    )
    assert response.status_code == 302
    assert Activity.objects.get().speaker == world.zhang


def test_a_speaker_from_another_community_is_not_prefilled(login, world):
    text = login(world.admin).get(f"/c/xihu/activities/new/?type=talk&speaker={world.stranger.pk}").content.decode()
    assert "陈外人" not in text


def test_changing_the_time_moves_default_minutes_but_keeps_minutes_set_by_hand(login, world):
    client = login(world.leader)
    client.post("/c/xihu/activities/new/", form_data(world))
    activity = Activity.objects.get()
    client.post(
        f"/c/xihu/activities/{activity.pk}/minutes/",
        {f"minutes-{world.liu_member.pk}": "150", f"minutes-{world.wang_member.pk}": "90"},
    )
    client.post(f"/c/xihu/activities/{activity.pk}/edit/", form_data(world, end="11:00"))
    assert dict(activity.serving.values_list("member_id", "minutes")) == {
        world.liu_member.pk: 150,
        world.wang_member.pk: 150,
    }
    client.post(f"/c/xihu/activities/{activity.pk}/edit/", form_data(world, end="11:00", serving=[]))
    assert list(activity.serving.values_list("member_id", flat=True)) == [world.liu_member.pk]


def test_minutes_out_of_range_are_refused_with_the_members_name(login, world):
    activity = make_activity(world)
    response = login(world.leader).post(
        f"/c/xihu/activities/{activity.pk}/minutes/", {f"minutes-{world.liu_member.pk}": "2000"}, follow=True
    )
    assert "刘光前的服务时长应是 0 到 1440 之间的分钟数" in response.content.decode()
    assert activity.serving.get().minutes == 120


def test_an_activity_someone_signed_in_to_cannot_be_deleted(login, world):
    activity = make_activity(world)
    actions.record_attendance(activity, how=Attendance.How.TICKED, resident=world.zhang)
    response = login(world.leader).post(f"/c/xihu/activities/{activity.pk}/delete/", follow=True)
    assert "已有签到记录，不能删除" in response.content.decode()
    empty = make_activity(world, title="升旗")
    login(world.leader).post(f"/c/xihu/activities/{empty.pk}/delete/")
    assert list(Activity.objects.values_list("title", flat=True)) == ["周五清洁家园"]


# Who may see what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resident", "outsider", "overseer"])
def test_residents_outsiders_and_overseers_get_404_on_staff_pages(login, world, persona):
    activity = make_activity(world)
    client = login(getattr(world, persona))
    for url in ("", "new/", f"{activity.pk}/", f"{activity.pk}/attendance/", f"{activity.pk}/poster.pdf"):
        assert client.get(f"/c/xihu/activities/{url}").status_code == 404, url


def test_a_volunteer_creates_for_their_own_group_and_organises(login, world):
    client = login(world.volunteer)
    page = client.get("/c/xihu/activities/new/").content.decode()
    assert f'<option value="{world.group.pk}" selected>' in page  # their group, and themselves as organiser
    assert f'<option value="{world.wang_member.pk}" selected>' in page
    response = client.post("/c/xihu/activities/new/", form_data(world, organiser=world.wang_member.pk, group=""))
    assert response.status_code == 400 and "请选择党小组" in response.content.decode()
    assert client.post("/c/xihu/activities/new/", form_data(world, organiser=world.wang_member.pk)).status_code == 302
    activity = Activity.objects.get()
    assert activity.organiser == world.wang_member and activity.group == world.group
    # As the organiser they see the names of the people reached.
    assert client.get(f"/c/xihu/activities/{activity.pk}/attendance/").status_code == 200


def test_names_of_people_reached_are_for_the_organiser_the_leader_and_the_admin(login, world, client):
    activity = make_activity(world)  # organised by the leader 刘光前
    actions.record_attendance(activity, how=Attendance.How.TICKED, resident=world.zhang)
    for user in (world.leader, world.admin):
        text = login(user).get(f"/c/xihu/activities/{activity.pk}/attendance/").content.decode()
        assert "张建国" in text and "137****7000" in text and "13700137000" not in text
    client.force_login(world.volunteer)
    assert client.get(f"/c/xihu/activities/{activity.pk}/attendance/").status_code == 404
    detail = client.get(f"/c/xihu/activities/{activity.pk}/").content.decode()
    assert "张建国" not in detail and 'id="reached">1<' in detail
    assert (
        client.post(f"/c/xihu/activities/{activity.pk}/attendance/tick/", {"resident": world.zhang.pk}).status_code
        == 404
    )
    assert client.get(f"/c/xihu/activities/{activity.pk}/edit/").status_code == 404
    assert AuditEntry.objects.filter(action="view", object_type="activity").count() == 2


def test_the_list_shows_upcoming_and_past_activities_by_type(login, world):
    make_activity(world, title="国庆升旗", type="flag", starts=timezone.now() - timedelta(days=20))
    make_activity(world, title="周五清洁家园", starts=timezone.now() + timedelta(days=2))
    text = login(world.volunteer).get("/c/xihu/activities/").content.decode()
    upcoming, past = text.split("即将开展")[1].split("已开展")
    assert "周五清洁家园" in upcoming and "国庆升旗" in past
    only_flags = login(world.volunteer).get("/c/xihu/activities/?type=flag").content.decode()
    assert "国庆升旗" in only_flags and "周五清洁家园" not in only_flags


# Hours --------------------------------------------------------------------------------------------


def test_hours_source_gives_one_record_per_serving_member_dated_by_the_shanghai_day(world):
    # 00:30 on 1 March in Shanghai is still 28 February in UTC.
    early = make_activity(
        world,
        starts=datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI),
        hours=1.5,
        title="元宵互助",
        type=Activity.Type.MUTUAL_HELP,
        serving=[world.wang_member],
    )
    make_activity(world, starts=datetime(2026, 2, 28, 23, 0, tzinfo=SHANGHAI), title="二月最后一次")
    make_activity(world, starts=timezone.now() + timedelta(days=3), title="还没办")
    records = service_records(world.community.pk, date(2026, 3, 1), date(2026, 3, 31))
    assert sorted(records, key=lambda r: r.member_id) == sorted([
        ServiceRecord("activity", early.pk, world.liu_member.pk, date(2026, 3, 1), 90, "互助活动：元宵互助"),
        ServiceRecord("activity", early.pk, world.wang_member.pk, date(2026, 3, 1), 90, "互助活动：元宵互助"),
    ], key=lambda r: r.member_id)  # fmt: skip
    assert [r.content for r in service_records(world.community.pk, date(2026, 2, 28), date(2026, 2, 28))] == [
        "清洁家园：二月最后一次"
    ]
    future = timezone.localdate() + timedelta(days=3)
    assert service_records(world.community.pk, future, future) == []  # not held yet: no hours
    assert service_records(world.other.pk, date(2026, 3, 1), date(2026, 3, 31)) == []


# Paper and photos ----------------------------------------------------------------------------------


def test_the_sign_in_poster_is_an_a4_pdf_with_the_activity_in_chinese(login, world, tmp_path):
    activity = make_activity(world, title="湖南好人宣讲会")
    response = login(world.volunteer).get(f"/c/xihu/activities/{activity.pk}/poster.pdf")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "湖南好人宣讲会" in text and "请用手机扫码签到" in text and "西湖广场" in text
    assert f"/a/{activity.signin_token}/" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info  # A4


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 80, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (27.0, 53.0, 0.0), 3: "E", 4: (112.0, 36.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_photos_lose_their_location_and_stop_at_six(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(world)
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(0x8825)
    client = login(world.leader)
    files = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(4)]
    client.post(f"/c/xihu/activities/{activity.pk}/photos/", {"photos": files})
    stored = ActivityPhoto.objects.filter(activity=activity)
    assert stored.count() == 4
    with stored.first().image.open("rb") as handle:
        assert not Image.open(handle).getexif()
    files = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(3)]
    refused = client.post(f"/c/xihu/activities/{activity.pk}/photos/", {"photos": files}, follow=True)
    assert "最多 6 张照片（已有 4 张）" in refused.content.decode() and stored.count() == 4
    photo = stored.first()
    assert client.get(f"/c/xihu/activities/{activity.pk}/photos/{photo.pk}/").status_code == 200
    assert login(world.outsider).get(f"/c/xihu/activities/{activity.pk}/photos/{photo.pk}/").status_code == 404


def test_an_activity_in_a_venue_takes_its_name_as_the_place_and_a_closed_venue_is_refused_for_new_ones(login, world):
    from loudong.groups.models import Venue, VenueConsent

    venue = Venue.objects.create(
        community=world.community, group=world.group, host=world.liu_member, household=world.household
    )
    consent = VenueConsent.objects.create(community=world.community, venue=venue, given_on=date(2026, 1, 5))
    client = login(world.leader)
    response = client.post("/c/xihu/activities/new/", form_data(world, type="home_study", venue=venue.pk, place=""))
    assert response.status_code == 302
    assert Activity.objects.get().place == "环城北路93号党小组红色议事厅"
    consent.withdrawn_on = date(2026, 2, 1)
    consent.save()
    refused = client.post("/c/xihu/activities/new/", form_data(world, venue=venue.pk))
    assert refused.status_code == 400 and "这个红色议事厅已关闭" in refused.content.decode()
    # The activity held there before it closed can still be corrected.
    held = Activity.objects.get()
    changed = client.post(
        f"/c/xihu/activities/{held.pk}/edit/",
        form_data(world, type="home_study", venue=venue.pk, place="", title="家庭党校：重温入党誓词"),
    )
    assert changed.status_code == 302
    held.refresh_from_db()
    assert held.title == "家庭党校：重温入党誓词" and held.venue == venue


def test_a_leader_of_another_group_may_read_but_not_change_or_see_names(login, world):
    from conftest import make_user

    from loudong.accounts.models import Role
    from loudong.groups.models import BuildingGroup

    other_group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    other_leader = make_user("other-leader", Role.LEADER, community=world.community, group=other_group)
    activity = make_activity(world)
    client = login(other_leader)
    assert client.get(f"/c/xihu/activities/{activity.pk}/").status_code == 200
    for url in ("edit/", "attendance/"):
        assert client.get(f"/c/xihu/activities/{activity.pk}/{url}").status_code == 404
    assert client.post(f"/c/xihu/activities/{activity.pk}/delete/").status_code == 404
    assert client.post(f"/c/xihu/activities/{activity.pk}/minutes/", {}).status_code == 404
    # Creating, they choose only their own group and its members.
    response = client.post("/c/xihu/activities/new/", form_data(world))
    assert response.status_code == 400 and "请重新选择党小组" in response.content.decode()
