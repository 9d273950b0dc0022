"""Shared fixtures: a small world of two communities and one named persona per role.

- admin, leader, volunteer, resident, overseer: in 西湖新村社区 (code "xihu")
- outsider: the admin of another community (code "other"), who must see nothing of xihu
"""

import os
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from helpers.group_life import lived  # noqa: F401 (a fixture the stats tests of groups share)

from loudong.accounts.models import Grant, Role, User
from loudong.accounts.retention import deletion_permitted
from loudong.groups.models import BuildingGroup
from loudong.registry.models import (
    Building,
    CareTag,
    Community,
    District,
    Household,
    Member,
    Resident,
    ServiceItem,
    Stairwell,
    Subdistrict,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "correct-horse-9"


@pytest.fixture(autouse=True)
def _fast_settings(settings) -> None:
    # Argon2 is slow by design; test_login_security checks that production uses it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Static files from the source folders: compressing them all (production's storage) takes a minute
    # of CPU; tests/test_static_files.py runs collectstatic and the production storage end to end.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _audit_log_emptied_before_flush(request):
    """A test that commits (a live server, transaction=True) ends with the database emptied by a
    flush, on SQLite a DELETE, which the audit log refuses: its entries go first, deleted the one way
    the database permits (loudong.accounts.retention). PostgreSQL's flush is a TRUNCATE."""
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not committing:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # torn down (flushed) after this fixture
    yield
    with transaction.atomic(), connection.cursor() as cursor, deletion_permitted(cursor):
        cursor.execute("DELETE FROM accounts_auditentry")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Behind PgBouncer (LOUDONG_PGBOUNCER=1, as in CI) the pooler keeps its server connections to the
    test database after the suite has closed its own; they are ended so that the database can be
    dropped at the end."""
    yield
    if not django_settings.PGBOUNCER:
        return
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone-sized screen, in Chinese, in Shanghai time."""
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


class World:
    """Places and people of the test fixture, reachable by attribute."""


def make_user(username: str, role: str | None = None, **scope: object) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    if role:
        Grant.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def world(db) -> World:
    w = World()
    w.district = District.objects.create(name="石鼓区", code="shigu")
    w.subdistrict = Subdistrict.objects.create(district=w.district, name="青山街道", code="qingshan")
    w.community = Community.objects.create(subdistrict=w.subdistrict, name="西湖新村社区", code="xihu")
    other_sub = Subdistrict.objects.create(district=w.district, name="人民街道", code="renmin")
    w.other = Community.objects.create(subdistrict=other_sub, name="别的社区", code="other")

    w.building = Building.objects.create(community=w.community, name="环城北路93号", address="环城北路93号")
    w.building2 = Building.objects.create(community=w.community, name="学宫巷3号", x=80, address="学宫巷3号")
    w.stairwell = Stairwell.objects.create(community=w.community, building=w.building, name="1单元")
    w.stairwell2 = Stairwell.objects.create(community=w.community, building=w.building2, name="1单元")
    w.household = Household.objects.create(community=w.community, stairwell=w.stairwell, room="301")
    w.household2 = Household.objects.create(community=w.community, stairwell=w.stairwell2, room="502")
    w.elderly = CareTag.objects.create(community=w.community, name="独居老人")
    w.errands = ServiceItem.objects.create(community=w.community, name="代买代办")

    w.group = BuildingGroup.objects.create(
        community=w.community, name="环城北路93号党小组", venue_stairwell=w.stairwell
    )
    w.stairwell.group = w.group
    w.stairwell.save()

    w.liu = Resident.objects.create(
        community=w.community,
        household=w.household,
        name="刘光前",
        gender="M",
        birth_date=date(1950, 3, 2),
        phone="13800138000",
        id_number="430407195003020015",
    )
    w.liu.care_tags.add(w.elderly)
    w.wang = Resident.objects.create(
        community=w.community,
        household=w.household,
        name="王秀英",
        gender="F",
        birth_date=date(1953, 7, 9),
        phone="13900139000",
    )
    w.zhang = Resident.objects.create(
        community=w.community,
        household=w.household2,
        name="张建国",
        gender="M",
        birth_date=date(1961, 1, 20),
        phone="13700137000",
    )
    w.liu_member = Member.objects.create(
        community=w.community, resident=w.liu, group=w.group, joined_on=date(1975, 7, 1), employment="retired"
    )
    w.wang_member = Member.objects.create(community=w.community, resident=w.wang, group=w.group)
    w.wang_member.service_items.add(w.errands)
    w.group.leader = w.liu_member
    w.group.save()

    other_building = Building.objects.create(community=w.other, name="人民路1号")
    other_stairwell = Stairwell.objects.create(community=w.other, building=other_building, name="1单元")
    other_household = Household.objects.create(community=w.other, stairwell=other_stairwell, room="101")
    w.stranger = Resident.objects.create(
        community=w.other, household=other_household, name="陈外人", phone="13600136000"
    )

    w.admin = make_user("admin", Role.ADMIN, community=w.community)
    w.leader = make_user("leader", Role.LEADER, community=w.community, group=w.group)
    w.leader.resident = w.liu
    w.leader.save()
    w.volunteer = make_user("volunteer", Role.VOLUNTEER, community=w.community, group=w.group)
    w.volunteer.resident = w.wang
    w.volunteer.save()
    w.resident = make_user("resident", Role.RESIDENT, community=w.community)
    w.resident.resident = w.zhang
    w.resident.save()
    w.overseer = make_user("overseer", Role.OVERSEER, subdistrict=w.subdistrict)
    w.outsider = make_user("outsider", Role.ADMIN, community=w.other)
    return w


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that user and returns it."""

    def _login(user: User):
        client.force_login(user)
        return client

    return _login
