"""Working behind PgBouncer in transaction pooling: a server connection serves a client for one
transaction only, so nothing may rest on the session. The settings that were startup options
(PgBouncer refuses those) are the database's own, set by `loudong migrate`; LOUDONG_PGBOUNCER=1 turns
off server-side cursors; `loudong backup` refuses to run pg_dump through the pooler.

CI runs the whole suite on PostgreSQL through Debian's pgbouncer (.ci/run).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from helpers import postgres

SETTINGS = {"jit=off", "max_parallel_workers_per_gather=0"}
PRINT_DATABASES = "from django.conf import settings; print(repr(settings.DATABASES))"
# What a pooled server connection would carry from one client's transaction into another's: a SET
# outside SET LOCAL, a lock held by the session, LISTEN, a temporary table, a cursor kept WITH HOLD.
SESSION_STATE = re.compile(
    r"""execute\(\s*f?["']\s*SET\s+(?!LOCAL\b|CONSTRAINTS\b|TRANSACTION\b)"""
    r"|pg_advisory_lock|pg_advisory_unlock|pg_try_advisory_lock|\bLISTEN\s|CREATE\s+TEMP|WITH\s+HOLD",
    re.I,
)
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def run(tmp_path, args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "LOUDONG_PGBOUNCER", "LOUDONG_DATA"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", LOUDONG_DATA_DIR=str(tmp_path), **env_vars)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


def databases_of(tmp_path, **env_vars: str) -> dict:
    result = run(tmp_path, [sys.executable, "-c", PRINT_DATABASES], **env_vars)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307 - the repr of our own settings' dict


def test_a_pooled_node_sends_no_startup_options_and_uses_no_server_side_cursor(tmp_path):
    pooled = databases_of(
        tmp_path,
        DATABASE_URL="postgres://loudong@127.0.0.1:6432/loudong",
        DATABASE_REPLICA_URL="postgres://loudong@127.0.0.1:6433/loudong",
        LOUDONG_PGBOUNCER="1",
        LOUDONG_SECRET_KEY="k" * 50,
    )
    for alias in ("default", "replica"):
        db = pooled[alias]
        assert db["OPTIONS"] == {"prepare_threshold": None}  # nothing PgBouncer would refuse at startup
        assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert db["CONN_MAX_AGE"] is None and db["CONN_HEALTH_CHECKS"] is True
    direct = databases_of(
        tmp_path, DATABASE_URL="postgres://loudong@127.0.0.1:5432/loudong", LOUDONG_SECRET_KEY="k" * 50
    )["default"]
    assert direct["OPTIONS"] == {"prepare_threshold": None}
    assert direct["DISABLE_SERVER_SIDE_CURSORS"] is False and direct["CONN_MAX_AGE"] == 60


def test_no_code_leaves_state_in_the_database_session():
    root = Path(__file__).resolve().parent.parent / "loudong"
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SESSION_STATE.search(line)
    ]
    assert found == []
    assert SESSION_STATE.search("cursor.execute(\"SET work_mem = '256MB'\")")  # the pattern does find one
    assert not SESSION_STATE.search("cursor.execute(\"SET LOCAL work_mem = '256MB'\")")


def test_backup_refuses_to_run_pg_dump_through_the_pooler(tmp_path):
    result = run(
        tmp_path,
        [str(os.path.join(os.path.dirname(sys.executable), "loudong")), "backup", "-o", str(tmp_path / "b.tar.gz")],
        DATABASE_URL="postgres://loudong@127.0.0.1:6432/loudong",
        LOUDONG_PGBOUNCER="1",
        LOUDONG_SECRET_KEY="k" * 50,
    )
    assert result.returncode == 2
    assert "请设置 DATABASE_DIRECT_URL" in result.stderr
    assert not (tmp_path / "b.tar.gz").exists()


@on_postgresql
@pytest.mark.django_db
def test_the_migrated_database_turns_jit_and_parallel_workers_off_for_every_new_session():
    import psycopg

    # The test database was created empty and migrated: a new session, straight to PostgreSQL and
    # without any startup option, has the settings.
    with psycopg.connect(dbname=connection.settings_dict["NAME"], **postgres.server(direct=True)) as db:
        assert postgres.database_settings(db) == SETTINGS
        assert db.execute("SHOW jit").fetchone()[0] == "off"
        assert db.execute("SHOW max_parallel_workers_per_gather").fetchone()[0] == "0"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_migration_is_reversible():
    import psycopg

    params = {"dbname": connection.settings_dict["NAME"], **postgres.server(direct=True)}
    call_command("migrate", "ops", "zero", verbosity=0)
    try:
        with psycopg.connect(**params) as db:
            assert postgres.database_settings(db) == set()
            assert db.execute("SHOW max_parallel_workers_per_gather").fetchone()[0] == "2"  # the server's
    finally:
        call_command("migrate", "ops", verbosity=0)
    with psycopg.connect(**params) as db:
        assert postgres.database_settings(db) == SETTINGS
