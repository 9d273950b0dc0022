"""办结期限 in words: the staff page, the resident's tracking page, the 三联单, the Open311 notice and the
resident's SMS say one deadline the same way; a deadline at midnight is 24:00 of the day before."""

import subprocess
from datetime import UTC, datetime

import pytest

from loudong.api.models import ApiKey
from loudong.lib.actions import ActionRefused
from loudong.lib.shanghai import SHANGHAI, deadline_label
from loudong.notify.models import OutboxMessage
from loudong.tickets import actions
from loudong.tickets.models import Request
from loudong.tickets.slip import slip_pdf


def at(y, m, d, h=0, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def test_a_deadline_at_midnight_reads_as_24_00_of_the_day_it_ends():
    assert deadline_label(at(2026, 12, 11)) == "2026年12月10日 24:00"
    assert deadline_label(at(2027, 1, 1)) == "2026年12月31日 24:00"  # across a year
    assert deadline_label(at(2026, 12, 11, 14, 30)) == "2026年12月11日 14:30"
    assert deadline_label(at(2026, 12, 11, 0, 5)) == "2026年12月11日 00:05"
    assert deadline_label(None) == "—"


def test_a_utc_deadline_is_read_in_shanghai_time():
    assert deadline_label(datetime(2026, 12, 10, 16, 0, tzinfo=UTC)) == "2026年12月10日 24:00"


def placed_monday(world) -> Request:
    """刘光前's neighbour asks a policy question on Monday 7 December, 10:00 (3 working days)."""
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        room="301",
        category_code="policy",
        description="问问养老保险怎么续缴",
        contact_name="张建国",
        contact_phone="13700137000",
        now=at(2026, 12, 7, 10),
    )
    actions.dispatch(req, world.wang_member, by=world.leader, now=at(2026, 12, 7, 10))
    actions.accept(req, by=world.volunteer, now=at(2026, 12, 7, 11))
    return req


def at_midday(world) -> Request:
    """The volunteer waited 14.5 working hours for the resident's answer: the deadline moves to mid-day."""
    req = placed_monday(world)
    actions.pause_for_resident(req, by=world.volunteer, question="您是哪年退休的？", now=at(2026, 12, 8, 9, 30))
    actions.resume(req, "2010年退休", now=at(2026, 12, 9))
    return req


def slip_text(req: Request, tmp_path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(slip_pdf(req))
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (placed_monday, "2026年12月10日 24:00"),
        (at_midday, "2026年12月11日 14:30"),
    ],
)
def test_staff_page_tracking_page_and_slip_show_the_same_deadline(world, client, login, tmp_path, make, words):
    req = make(world)
    req.refresh_from_db()
    assert req.due_label == words

    staff = login(world.leader).get(f"/c/xihu/requests/{req.pk}/").content.decode()
    client.logout()
    tracking = client.get(f"/ask/t/{req.tracking_token}/").content.decode()
    slip = slip_text(req, tmp_path)

    for page in (staff, tracking, slip):
        assert words in page
    # Nowhere does a midnight deadline turn into the next day's date.
    assert "12月11日 24" not in staff + tracking + slip
    if words.endswith("24:00"):
        assert "12月11日" not in staff and "12月11日" not in tracking and "12月11日" not in slip


def test_open311_notice_says_the_deadline_as_the_pages_do(world, client):
    key = ApiKey.issue(world.community, "12345热线")[1]
    answer = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "environment",
            "address_id": world.building.pk,
            "description": "小区门口垃圾堆了三天",
        },
    ).json()[0]
    req = Request.objects.get(pk=answer["service_request_id"])
    assert f"规定办结时间 {req.due_label}" in answer["service_notice"]
    Request.objects.filter(pk=req.pk).update(due_at=at(2026, 12, 11))
    row = client.get(f"/open311/v2/requests/{req.pk}.json", {"api_key": key}).json()[0]
    assert row["service_notice"].endswith("规定办结时间 2026年12月10日 24:00")


def test_the_messages_about_an_extension_name_the_new_deadline_in_the_same_words(world):
    req = placed_monday(world)
    actions.extend(req, by=world.leader, reason="要等社保局回复", new_due_at=at(2026, 12, 16), now=at(2026, 12, 8))
    sms = OutboxMessage.objects.get(channel=OutboxMessage.Channel.SMS, title__contains="延长")
    assert "办理期限延长至 2026年12月15日 24:00" in sms.title
    volunteer = OutboxMessage.objects.get(user=world.volunteer, title__contains="已延期")
    assert volunteer.body == "新的期限：2026年12月15日 24:00。原因：要等社保局回复"


def test_a_volunteer_told_how_far_they_may_extend_reads_the_same_day(world):
    req = placed_monday(world)  # due at the end of Thursday 10 December; 3 more working days at most
    with pytest.raises(ActionRefused) as refusal:
        actions.extend(req, by=world.volunteer, reason="等配件", new_due_at=at(2026, 12, 20), now=at(2026, 12, 8))
    assert "最晚到 2026年12月15日 24:00" in refusal.value.message
