"""A kept PostgreSQL connection is checked (SELECT 1, a round trip) at a request's first query only
after it sat idle (loudong.lib.postgresql): a busy server does not pay a statement per request for
it, and a connection that died while idle is still replaced before the request uses it."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections

from loudong.lib.postgresql import base

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.fixture
def wrapper(monkeypatch):
    """A connection of its own (the test's own runs inside its transaction), counting health checks.
    Straight to PostgreSQL when CI runs the suite through PgBouncer, whose server connections change
    from one transaction to the next."""
    direct = settings.DATABASE_DIRECT or {}
    conn = base.DatabaseWrapper(
        {**connections.settings["default"], **{k: direct[k] for k in ("HOST", "PORT") if direct.get(k)}}, "health"
    )
    conn.checks = 0
    usable = conn.is_usable

    def counted() -> bool:
        conn.checks += 1
        return usable()

    monkeypatch.setattr(conn, "is_usable", counted)
    yield conn
    conn.close()


def serve(conn) -> int:
    """What a request does: Django's start-of-request hook, one query, the end-of-request hook."""
    conn.close_if_unusable_or_obsolete()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
    finally:
        conn.close_if_unusable_or_obsolete()


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@on_postgresql
@pytest.mark.django_db
def test_requests_in_quick_succession_are_not_checked_and_an_idle_connection_is(wrapper, monkeypatch):
    assert wrapper.settings_dict["ENGINE"] == "loudong.lib.postgresql"
    assert wrapper.settings_dict["CONN_HEALTH_CHECKS"] is True
    pid = serve(wrapper)
    assert [serve(wrapper) for _ in range(3)] == [pid] * 3
    assert wrapper.checks == 0  # a new connection needs none, and then each was used a moment ago
    monkeypatch.setattr(base, "HEALTH_CHECK_AFTER_IDLE", 0.0)  # as if each had sat idle
    assert serve(wrapper) == pid
    assert wrapper.checks == 1


@on_postgresql
@pytest.mark.django_db
def test_a_connection_that_died_while_idle_is_replaced_before_the_request_uses_it(wrapper, monkeypatch):
    pid = serve(wrapper)
    terminate(pid)  # a restart, a failover or a firewall's idle cut while no request ran
    monkeypatch.setattr(base, "HEALTH_CHECK_AFTER_IDLE", 0.0)
    assert serve(wrapper) != pid
    assert wrapper.checks == 1


@on_postgresql
@pytest.mark.django_db
def test_a_connection_that_died_between_busy_requests_fails_one_request_then_is_replaced(wrapper):
    pid = serve(wrapper)
    terminate(pid)
    with pytest.raises(OperationalError):
        serve(wrapper)  # taken as it was, seconds after its last use
    assert wrapper.connection is None  # closed at that request's end, not kept
    assert serve(wrapper) != pid
