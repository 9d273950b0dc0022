"""The read replica (DATABASE_REPLICA_URL): the dashboards, their lists and exports, the work report,
the registry's exports and the stats API read from it, their raw SQL included; writes, and reads
inside a transaction, stay on the primary; without a replica everything reads the primary.

The "replica" alias here is a second connection to the test database, as DATABASE_REPLICA_URL makes
one to the replica: it sees committed rows only, so these tests commit (transaction=True), and each
statement is captured on the connection that ran it.
"""

import re
from contextlib import ExitStack

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from helpers.stats_history import build_history

from loudong.accounts.models import ApiToken
from loudong.lib.replica import REPLICA, read_alias, reading_replica
from loudong.tickets.models import Request

NOVEMBER = "from=2026-11-01&to=2026-11-30"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
# A statement of each reading path: the ORM (the list of requests), plain_values's raw SQL (the
# dashboards' grouped counts of the tallies), errand_minutes's raw SQL (the hours).
ORM_READ = re.compile(r'^SELECT .*FROM "tickets_request"', re.S)
RAW_TALLY_READ = re.compile(r'^SELECT .*FROM "stats_areatally"', re.S)
RAW_ERRAND_READ = re.compile(r"CAST\(SUM\(total\) AS BIGINT\)")


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    """The "replica" alias, for this module's tests, which allow it (WITH_REPLICA)."""
    default = connections["default"].settings_dict
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


WITH_REPLICA = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


class Captured:
    """The statements each connection ran inside the block."""

    def __enter__(self) -> "Captured":
        self._stack = ExitStack()
        self.primary = self._stack.enter_context(CaptureQueriesContext(connections["default"]))
        self.replica = self._stack.enter_context(CaptureQueriesContext(connections[REPLICA]))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @staticmethod
    def _sql(captured: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in captured.captured_queries]

    def on_primary(self, pattern: re.Pattern) -> list[str]:
        return [sql for sql in self._sql(self.primary) if pattern.search(sql)]

    def on_replica(self, pattern: re.Pattern) -> list[str]:
        return [sql for sql in self._sql(self.replica) if pattern.search(sql)]


@pytest.fixture
def history(world):
    build_history(world)
    return world


@WITH_REPLICA
def test_the_dashboard_and_its_exports_read_the_replica_orm_and_raw_sql_alike(history, login):
    client = login(history.admin)
    with Captured() as dashboard:
        page = client.get(f"/c/xihu/stats/?{NOVEMBER}")
    assert page.status_code == 200
    assert re.search(r'id="figure-collected".*?<span class="figure[^"]*">12</span>', page.content.decode(), re.S)
    for path in (RAW_TALLY_READ, RAW_ERRAND_READ, ORM_READ):
        assert dashboard.on_replica(path), path.pattern
        assert not dashboard.on_primary(path), path.pattern
    assert not dashboard.on_replica(WRITES)

    with Captured() as export:
        sheet = client.get(f"/c/xihu/stats/export/figures/?{NOVEMBER}")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert export.on_replica(RAW_TALLY_READ) and not export.on_primary(RAW_TALLY_READ)

    with Captured() as people:
        residents = client.get("/c/xihu/residents/export.xlsx")
    assert residents.status_code == 200
    residents_read = re.compile(r'^SELECT .*FROM "registry_resident"', re.S)
    assert people.on_replica(residents_read) and not people.on_primary(residents_read)
    assert people.on_primary(re.compile(r'INSERT INTO "accounts_auditentry"'))  # the export is audited there
    assert not people.on_replica(WRITES)


@WITH_REPLICA
def test_a_list_reads_the_replica_and_writes_its_audit_entry_to_the_primary(history, login):
    with Captured() as listing:
        page = login(history.admin).get(f"/c/xihu/stats/list/collected/?{NOVEMBER}")
    assert page.status_code == 200
    assert listing.on_replica(ORM_READ) and not listing.on_primary(ORM_READ)
    assert listing.on_primary(re.compile(r'INSERT INTO "accounts_auditentry"'))
    assert not listing.on_replica(WRITES)


@WITH_REPLICA
def test_the_stats_api_reads_the_replica(history, client):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(history.admin)}"}
    with Captured() as api:
        response = client.get(
            "/api/v1/stats", {"community": "xihu", "from": "2026-11-01", "to": "2026-11-30"}, **headers
        )
    assert response.status_code == 200
    assert {x["key"]: x["count"] for x in response.json()["funnel"]}["collected"] == 12
    for path in (RAW_TALLY_READ, RAW_ERRAND_READ):
        assert api.on_replica(path) and not api.on_primary(path), path.pattern
    # The token is checked on the primary, before the figures.
    assert api.on_primary(re.compile(r'FROM "accounts_user" u JOIN "\w+apitoken" t'))


@WITH_REPLICA
def test_a_post_writes_to_the_primary_and_reads_its_write_there(history, login):
    client = login(history.admin)
    form = {
        "channel": "visit",
        "contact_name": "张建国",
        "building": history.building.pk,
        "category": "environment",
        "kind": "help",
        "description": "他家阳台漏水到楼下",
    }
    with Captured() as post:
        response = client.post("/c/xihu/requests/new/", form)
        shown = client.get(response["Location"])
    assert response.status_code == 302 and shown.status_code == 200 and "他家阳台漏水到楼下" in shown.content.decode()
    assert post.replica.captured_queries == []  # nothing outside reading_replica() touches the replica
    assert post.on_primary(re.compile(r'INSERT INTO "?tickets_request"? '))


@WITH_REPLICA
def test_reads_inside_a_transaction_and_outside_the_wrapped_paths_stay_on_the_primary():
    assert read_alias() == "default" and Request.objects.all().db == "default"
    with reading_replica():
        assert Request.objects.all().db == REPLICA
        with transaction.atomic():  # a read that decides a write must see the transaction's rows
            assert Request.objects.all().db == "default"
        assert Request.objects.all().db == REPLICA
    assert read_alias() == "default"


@pytest.mark.django_db
def test_without_a_replica_everything_reads_the_primary():
    configured = connections.settings.pop(REPLICA)
    try:
        with reading_replica():
            assert read_alias() == "default" and Request.objects.all().db == "default"
    finally:
        connections.settings[REPLICA] = configured
