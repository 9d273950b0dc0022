"""Erasing a person (个人信息保护法 §47): one atomic, audited action that leaves their name, phone and
ID number nowhere in the database: every table and column is read afterwards, through the models and
through raw SQL over every table the database has. Refused while they hold an active role."""

import json
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from conftest import make_user
from django.apps import apps
from django.db import connection, models
from django.utils import timezone
from helpers.activities import make_activity

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry, AuditName, Grant, Role
from loudong.community_life.activities import actions as activities
from loudong.community_life.activities.models import Attendance
from loudong.community_life.blackboard.models import Note
from loudong.community_life.honours.models import Honour
from loudong.community_life.meetings.models import Attendance as MeetingAttendance
from loudong.community_life.meetings.models import Meeting
from loudong.groups.models import Venue, VenueConsent
from loudong.hours.models import Certificate, Correction
from loudong.lib.actions import ActionRefused
from loudong.lib.identity import id_check_char
from loudong.lib.personal import Contribution, register
from loudong.notify import outbox
from loudong.notify.models import Notification
from loudong.outreach import actions as outreach
from loudong.privacy import actions as privacy
from loudong.privacy.erasure import erase_person
from loudong.privacy.models import PersonalDataRequest
from loudong.privacy.people import of_resident
from loudong.registry.models import ImportJob, ImportRow, Member, Resident
from loudong.tickets import actions as tickets
from loudong.tickets.models import Intake, Request, RequestEvent, Supporter

NAME, PHONE = "赵铁柱", "13312345678"
ID_NUMBER = "43040719800101123" + id_check_char("43040719800101123")


def scan(needles: list[str]) -> set[tuple[str, str, str]]:
    """(table, column, needle) of every value holding one of the needles: every text or JSON field of
    every model, then every column of every table the database has, read with plain SQL."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for values in model._default_manager.order_by().values_list(*[f.attname for f in fields]) if fields else []:
            for field, value in zip(fields, values, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found |= {(model._meta.db_table, field.column, n) for n in needles if n in text}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                    found |= {(table, column, n) for n in needles if n in text}
    return found


@pytest.fixture
def zhao(world, client, login):
    """赵铁柱, with data in every place a person's data is kept, written through the real actions and pages."""
    w = world
    person = Resident.objects.create(
        community=w.community,
        household=w.household2,
        name=NAME,
        gender="M",
        birth_date=date(1980, 1, 1),
        phone=PHONE,
        id_number=ID_NUMBER,
        note=f"{NAME}腿脚不便",
        workplace="衡阳市第一中学",
    )
    person.care_tags.add(w.elderly)
    member = Member.objects.create(community=w.community, resident=person, group=w.group, registered_org="某单位党支部")
    account = make_user(PHONE, Role.RESIDENT, community=w.community)  # residents log in with their phone
    AccessAttempt.objects.create(username=PHONE, ip_address="10.0.0.1", user_agent="x", failures_since_start=1)
    account.display_name, account.resident = NAME, person
    account.save()

    # The admin added and opened the record: audited (with the name, phone and ID as pseudonyms).
    record(
        None,
        AuditEntry.Action.CREATE,
        person,
        actor=w.admin,
        detail={"changes": changes({}, {"name": NAME, "phone": PHONE})},
    )
    admin = login(w.admin)
    assert admin.get(f"/c/xihu/residents/{person.pk}/edit/").status_code == 200  # full phone and ID: audited views
    assert admin.post(f"/c/xihu/residents/{person.pk}/reveal/phone/").status_code in (200, 302)

    # Requests he placed, their timeline (his phone typed into the text), a joined one, an intake row.
    req = tickets.place_request(
        community=w.community,
        building=w.building2,
        stairwell=w.stairwell2,
        category_code="policy",
        resident=person,
        description=f"我是{NAME}，电话{PHONE}，想问低保怎么办",
        contact_name=NAME,
        contact_phone=PHONE,
    )
    tickets.comment(req, f"{NAME}补充：白天都在家")
    other = tickets.place_request(
        community=w.community,
        building=w.building,
        category_code="environment",
        description="楼道灯坏了",
        contact_name="王秀英",
        contact_phone="13900139000",
    )
    Supporter.objects.create(request=other, contact_phone=PHONE, tracking_token="zhao-supporter-token")
    Intake.objects.create(
        community=w.community,
        building_id=w.building.pk,
        category_code="policy",
        kind="help",
        channel="qr",
        description=f"{NAME}家的水管漏了",
        contact_name=NAME,
        contact_phone=PHONE,
        tracking_token="zhao-intake",
    )
    # Messages to his phone and his inbox.
    outbox.notify_phone(PHONE, f"{NAME}您好，您的点单已受理", community_id=w.community.pk)
    Notification.objects.create(user=account, community=w.community, title=f"{NAME}，您的点单已办结")

    # Service as a member: an errand he did (hours), a visit he made, an activity he served at.
    volunteer = account
    Grant.objects.create(user=account, role=Role.VOLUNTEER, community=w.community, group=w.group)
    errand = tickets.place_request(
        community=w.community,
        building=w.building,
        stairwell=w.stairwell,
        category_code="policy",
        description="代办高龄津贴",
        contact_name="刘光前",
        contact_phone="13800138000",
    )
    tickets.dispatch(errand, member, by=w.leader)
    tickets.accept(errand, by=volunteer)
    tickets.resolve(errand, by=volunteer, resolution="offline", reply=f"{NAME}已陪同办理", minutes=40)
    outreach.log_visit(
        w.household, volunteer=member, by=volunteer, visited_at=timezone.now() - timedelta(days=2), needs="无", note=""
    )
    # Visits to his household, where he was met and named.
    outreach.log_visit(
        w.household2,
        volunteer=w.wang_member,
        by=w.volunteer,
        visited_at=timezone.now() - timedelta(days=1),
        met=[person],
        needs=f"{NAME}需要代买药",
        note=f"电话{PHONE}",
    )
    activity = make_activity(w, serving=[member])
    activities.sign_in(activity, name=NAME, building=w.building2, phone=PHONE)
    cleanup = make_activity(w, title="学宫巷大扫除")
    Attendance.objects.create(
        community=w.community,
        activity=cleanup,
        name=NAME,
        name_key=NAME,
        building=w.building2,
        how="qr_name",
        activity_starts_at=cleanup.starts_at,
    )
    Certificate.objects.create(
        community=w.community,
        member=member,
        year=2026,
        serial=1,
        number="XH-2026-001",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        minutes=40,
        record_count=1,
        person_name=NAME,
        id_number_masked="4304**********1234",
        issuer="西湖新村社区",
        issued_on=date(2026, 7, 1),
        issued_by_name="admin",
    )
    Correction.objects.create(
        community=w.community,
        member=member,
        kind="missing",
        served_on=date(2026, 5, 1),
        content="周五大扫除",
        minutes=60,
        reason=f"{NAME}忘了签到",
    )
    meeting = Meeting.objects.create(
        community=w.community, group=w.group, title="议事会", held_at=timezone.now(), minutes=f"{NAME}提出加装扶手"
    )
    MeetingAttendance.objects.create(meeting=meeting, resident=person)
    Honour.objects.create(
        community=w.community,
        title="湖南好人",
        awarded_on=date(2025, 5, 1),
        awarded_by="省文明办",
        resident=person,
        person_name=NAME,
        note=f"{NAME}多年照顾孤寡老人",
    )
    Note.objects.create(
        community=w.community, group=w.group, author=member, author_name=NAME, title="学习心得", body="不忘初心"
    )
    venue = Venue.objects.create(community=w.community, group=w.group, household=w.household, host=w.liu_member)
    consent = VenueConsent.objects.create(
        community=w.community, venue=venue, given_on=date(2025, 1, 1), others=f"邻居{NAME}", recorded_by="admin"
    )
    consent.people.add(person)
    # A roster row an import refused, kept for the admin to fix: his cells as uploaded.
    job = ImportJob.objects.create(community=w.community, original_name="花名册.xlsx", file="imports/x.xlsx")
    ImportRow.objects.create(
        job=job, kind="rejected", row_number=7, message=f"{NAME}的出生日期无法识别", cells=[NAME, PHONE, ID_NUMBER, "x"]
    )
    # A privacy request of his own, naming him.
    pdr = privacy.record_in_person(person, kind="delete", by=w.admin, details=f"{NAME}要求删除，电话{PHONE}")
    # His roles ended before he asked: out of the group, the volunteer grant taken back.
    member.group = None
    member.save()
    volunteer.grants.exclude(role=Role.RESIDENT).delete()
    client.logout()
    return person, member, pdr


NEEDLES = [NAME, PHONE, ID_NUMBER]


def test_erasure_leaves_the_name_phone_and_id_nowhere_in_the_database(world, zhao, login):
    person, member, pdr = zhao
    before = scan(NEEDLES)
    tables = {table for table, _, _ in before}
    # The data really is everywhere (so the empty scan afterwards means something) ...
    assert {
        "registry_resident",
        "tickets_request",
        "tickets_requestevent",
        "tickets_intake",
        "tickets_supporter",
        "notify_outboxmessage",
        "notify_notification",
        "outreach_visit",
        "activities_attendance",
        "hours_certificate",
        "hours_correction",
        "meetings_meeting",
        "honours_honour",
        "blackboard_note",
        "groups_venueconsent",
        "privacy_personaldatarequest",
        "accounts_user",
        "accounts_auditname",
        "axes_accessattempt",
    } <= tables
    # ... except in the audit log itself: entries hold pseudonyms only.
    assert "accounts_auditentry" not in tables
    assert AuditEntry.objects.filter(object_type="resident", object_id=str(person.pk)).count() >= 3
    minutes_before = Certificate.objects.get(member=member).minutes
    reached_before = Attendance.objects.filter(activity__community=world.community).count()

    admin = login(world.admin)
    response = admin.post(f"/c/xihu/privacy/{pdr.pk}/", {"decision": "done", "confirm_delete": "on"})
    assert response.status_code == 302, response.content.decode()

    assert scan(NEEDLES) == set()
    # What stays: the record as 「已删除居民」 (the counts kept on it), its member record with the hours,
    # the sign-ins (counted), the requests' text and figures, and the audit log with a pseudonym.
    person.refresh_from_db()
    assert (person.name, person.phone, person.id_number, person.birth_date, person.household) == (
        "已删除居民",
        "",
        None,
        None,
        None,
    )
    assert (
        Member.objects.filter(pk=member.pk).exists()
        and Certificate.objects.get(member=member).minutes == minutes_before
    )
    assert Attendance.objects.filter(activity__community=world.community).count() == reached_before
    assert Request.objects.filter(resident__isnull=True, contact_phone="", description__contains="想问低保").exists()
    assert RequestEvent.objects.filter(request__description__contains="想问低保").exists()
    assert not AuditName.objects.filter(resident_id=person.pk).exists()
    pdr.refresh_from_db()
    assert pdr.status == "done"
    erased = AuditEntry.objects.filter(action="delete", object_type="resident", object_id=str(person.pk)).get()
    assert erased.actor == world.admin and "已删除居民" in erased.object_repr
    # The audit page shows the old entries with the pseudonym, not a name.
    page = admin.get("/c/xihu/audit/").content.decode()
    assert "（已删除的居民）" in page and NAME not in page
    # The account is closed.
    account = person.user
    assert not account.is_active and not account.grants.exists() and account.username.startswith("erased-")


def test_erasure_is_refused_while_a_role_is_active_and_changes_nothing(world):
    liu = world.liu  # a leader of the group, a member of it, with a leader's account
    with pytest.raises(ActionRefused) as refused:
        erase_person(of_resident(liu), by=world.admin)
    message = refused.value.message
    assert "组长" in message and "移出这个楼栋党小组" in message and "先收回这些角色" in message
    liu.refresh_from_db()
    assert liu.name == "刘光前" and liu.phone == "13800138000"


def test_erasure_is_one_transaction(world, zhao):
    person, member, _ = zhao

    def broken(_person):
        raise RuntimeError("a domain failed half way")

    register(Contribution("zz-broken", order=99, erase=broken))
    try:
        with pytest.raises(RuntimeError):
            erase_person(of_resident(person), by=world.admin)
    finally:
        from loudong.lib import personal

        personal._contributions.pop("zz-broken")
    person.refresh_from_db()
    assert person.name == NAME and Request.objects.filter(contact_phone=PHONE).exists()
    assert AuditName.objects.filter(resident_id=person.pk).exists()
    assert not PersonalDataRequest.objects.filter(status="done").exists()
