"""个人信息保护法 §44–47, §50: a resident asks from their tracking link (or in person through the admin)
for a copy, a correction or deletion; the admin answers within 15 working days, with a reason when
refusing; the tracking page shows the status and the answer."""

from datetime import datetime, timedelta

from loudong.accounts.models import AuditEntry
from loudong.lib.shanghai import SHANGHAI
from loudong.lib.workdays import add_working_days
from loudong.privacy.models import PersonalDataRequest
from loudong.tickets import actions as tickets
from loudong.tickets.models import ANONYMISED

# Monday 2026-09-28: 15 working days run over the National Day holiday, which does not count.
NOW = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)


def placed(w, **kwargs):
    values = {
        "community": w.community,
        "building": w.building,
        "stairwell": w.stairwell,
        "category_code": "policy",
        "description": "想问一下高龄津贴怎么申请",
        "contact_name": "张建国",
        "contact_phone": "13700137000",
    }
    return tickets.place_request(**{**values, **kwargs})


def my_data(token):
    return f"/ask/t/{token}/my-data/"


def test_tracking_page_links_to_my_data_and_a_copy_with_the_phone_covers_the_person(world, client):
    req = placed(world)
    page = client.get(f"/ask/t/{req.tracking_token}/")
    assert "我的个人信息" in page.content.decode() and my_data(req.tracking_token) in page.content.decode()

    assert client.get(my_data(req.tracking_token)).status_code == 200
    response = client.post(my_data(req.tracking_token), {"kind": "copy", "phone": "137 0013 7000"})
    assert response.status_code == 302
    pdr = PersonalDataRequest.objects.get()
    # The phone on record proves the person: the request is about 张建国's whole record.
    assert pdr.whole_person and pdr.resident == world.zhang and pdr.channel == "link"
    assert pdr.status == "open" and pdr.request == req
    assert AuditEntry.objects.filter(object_type="personaldatarequest", action="create").count() == 1

    # A wrong (or no) phone: only this request's data.
    client.post(my_data(req.tracking_token), {"kind": "copy", "phone": "13900000000"})
    other = PersonalDataRequest.objects.exclude(pk=pdr.pk).get()
    assert not other.whole_person and other.resident is None


def test_due_in_fifteen_working_days_on_chinas_calendar(world, client):
    from loudong.privacy import actions

    req = placed(world)
    pdr = actions.ask(req, kind="delete", now=NOW)
    assert pdr.due_at == add_working_days(NOW, 15)
    # Three weeks of weekdays would end on Monday 19 October; the holiday moves it to Friday 23 October, 24:00.
    assert pdr.due_at == datetime(2026, 10, 24, 0, 0, tzinfo=SHANGHAI)


def test_a_correction_needs_what_is_wrong(world, client):
    req = placed(world)
    response = client.post(my_data(req.tracking_token), {"kind": "correct", "details": "  "})
    assert response.status_code == 400 and "哪一项信息不对" in response.content.decode()
    assert not PersonalDataRequest.objects.exists()
    response = client.post(my_data(req.tracking_token), {"kind": "nonsense"})
    assert response.status_code == 400 and not PersonalDataRequest.objects.exists()


def test_admin_queue_answers_a_copy_and_the_resident_downloads_it_from_the_tracking_link(world, client, login):
    req = placed(world)
    client.post(my_data(req.tracking_token), {"kind": "copy", "phone": "13700137000"})
    pdr = PersonalDataRequest.objects.get()
    late = PersonalDataRequest.objects.create(
        community=world.community,
        kind="delete",
        channel="in_person",
        resident=world.wang,
        whole_person=True,
        received_at=NOW - timedelta(days=40),
        due_at=NOW - timedelta(days=10),
    )
    assert client.get(f"/ask/t/{req.tracking_token}/my-data/{pdr.pk}/copy.pdf").status_code == 410  # not answered

    admin = login(world.admin)
    queue = admin.get("/c/xihu/privacy/")
    html = queue.content.decode()
    assert queue.status_code == 200 and f'id="pdr-{pdr.pk}"' in html and f'id="pdr-{late.pk}"' in html
    assert "已超期" in html and 'class="overdue"' in html  # the late one in red
    assert "个人信息申请" in admin.get("/c/xihu/").content.decode()  # in the community's menu

    assert admin.get(f"/c/xihu/privacy/{pdr.pk}/copy.pdf").status_code == 200
    assert AuditEntry.objects.filter(object_type="personaldatarequest", action="export").count() == 1
    response = admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done", "text": ""})
    assert response.status_code == 302
    pdr.refresh_from_db()
    assert pdr.status == "done" and pdr.answered_by == world.admin and pdr.copy_until > pdr.answered_at

    client.logout()
    track = client.get(f"/ask/t/{req.tracking_token}/").content.decode()
    assert "个人信息申请（查阅复制）" in track and "已办结" in track and "7天内可在点单链接" in track
    pdf = client.get(f"/ask/t/{req.tracking_token}/my-data/{pdr.pk}/copy.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/ask/t/{req.tracking_token}/my-data/{pdr.pk}/copy.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert AuditEntry.objects.filter(object_type="personaldatarequest", action="export").count() == 3
    # Another request's link cannot fetch it.
    other = placed(world, contact_phone="13900139000", contact_name="王秀英")
    assert client.get(f"/ask/t/{other.tracking_token}/my-data/{pdr.pk}/copy.pdf").status_code == 404


def test_refusing_needs_a_reason_which_the_resident_reads(world, client, login):
    req = placed(world)
    client.post(my_data(req.tracking_token), {"kind": "delete"})
    pdr = PersonalDataRequest.objects.get()
    admin = login(world.admin)
    response = admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "refuse", "reason": " "})
    assert response.status_code == 400 and "必须写明理由" in response.content.decode()
    pdr.refresh_from_db()
    assert pdr.status == "open"
    admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "refuse", "reason": "这件点单还在办理，办结后再删除联系方式"})
    pdr.refresh_from_db()
    assert pdr.status == "refused" and pdr.answer.startswith("这件点单还在办理")
    client.logout()
    page = client.get(my_data(req.tracking_token)).content.decode()
    assert "不予办理" in page and "理由：这件点单还在办理" in page
    assert "这件点单还在办理" in client.get(f"/ask/t/{req.tracking_token}/").content.decode()
    # Answered once only.
    response = login(world.admin).post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done"})
    assert response.status_code == 400 and "已经答复过了" in response.content.decode()


def test_deletion_of_one_request_without_the_phone_touches_that_request_only(world, client, login):
    req = placed(world)
    second = placed(world, description="楼道灯坏了")
    client.post(my_data(req.tracking_token), {"kind": "delete"})
    pdr = PersonalDataRequest.objects.get()
    admin = login(world.admin)
    response = admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done"})
    assert response.status_code == 400 and "勾选确认" in response.content.decode()
    admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done", "confirm_delete": "on"})
    req.refresh_from_db()
    second.refresh_from_db()
    world.zhang.refresh_from_db()
    assert (req.contact_name, req.contact_phone) == (ANONYMISED, "")
    assert second.contact_phone == "13700137000" and world.zhang.name == "张建国"  # identity not proven: nothing else


def test_admin_records_a_request_made_in_person(world, login):
    admin = login(world.admin)
    page = admin.get(f"/c/xihu/residents/{world.zhang.pk}/").content.decode()
    assert f"/c/xihu/privacy/new/{world.zhang.pk}/" in page
    response = admin.post(
        f"/c/xihu/privacy/new/{world.zhang.pk}/", {"kind": "correct", "details": "出生日期应为1961年2月20日"}
    )
    assert response.status_code == 302
    pdr = PersonalDataRequest.objects.get()
    assert (pdr.channel, pdr.resident, pdr.recorded_by, pdr.whole_person) == (
        "in_person",
        world.zhang,
        world.admin,
        True,
    )
    detail = admin.get(f"/c/xihu/privacy/{pdr.pk}/").content.decode()
    assert f"/c/xihu/residents/{world.zhang.pk}/edit/" in detail  # the correction is made on the edit page
    response = admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done", "text": ""})
    assert response.status_code == 400 and "更正了什么" in response.content.decode()
    admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done", "text": "出生日期已改为1961年2月20日"})
    pdr.refresh_from_db()
    assert pdr.status == "done"
    # Another community's admin sees nothing of it.
    assert login(world.outsider).get(f"/c/xihu/privacy/{pdr.pk}/").status_code == 404
