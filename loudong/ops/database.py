"""The database's side of a backup: a consistent snapshot with the row counts of that very snapshot,
an emptiness check, and loading a snapshot into an empty database.

SQLite: the online backup API (sqlite3.Connection.backup) copies the database in one step, a read
transaction that WAL lets writers work beside; the counts are read from the copy.
PostgreSQL: one REPEATABLE READ transaction exports its snapshot, `pg_dump --snapshot` dumps exactly
that, and the counts are read in the same transaction. The password goes to pg_dump and pg_restore
through PGPASSWORD, never on the command line.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from loudong.ops.archive import Refused

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# PostgreSQL settings of the database itself (ALTER DATABASE ... SET), which every new session takes:
# startup options would do the same per connection, but PgBouncer refuses them. JIT spent ~350 ms
# compiling one dashboard aggregate that runs in a fraction of that. Parallel workers made the
# dashboards' reads slower, not faster (starting them and merging their rows cost more than the part
# of the scan they took: a district's volunteer hours 84 → 63 ms on 2 cores), and they take the cores
# the web workers need; the tallies' rebuild turns them back on for its own transaction (SET LOCAL).
DATABASE_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0"}


def set_database_settings(cursor: object, reset: bool = False) -> None:
    """Set DATABASE_SETTINGS on the current PostgreSQL database (or reset them to the server's).
    By `loudong migrate` (loudong/ops/migrations) and after `loudong restore`: pg_dump does not keep
    them. The role must own the database. They apply to sessions begun afterwards."""
    statement = "ALTER DATABASE %I RESET %I" if reset else "ALTER DATABASE %I SET %I = %L"
    for name, value in DATABASE_SETTINGS.items():
        cursor.execute(f"DO $$ BEGIN EXECUTE format('{statement}', current_database(), '{name}', '{value}'); END $$")


def model_tables() -> set[str]:
    """Every installed model's table (many-to-many tables included), and Django's migration record."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return tables | {"django_migrations"}


def _count(cursor: object, tables: set[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):  # names from django.apps or the database's own catalogue
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def restored_counts(tables: list[str]) -> dict[str, int]:
    """The rows of each table after a restore, through Django's connection."""
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = _count(cursor, set(tables) & present)
    return {table: counts.get(table, -1) for table in tables}  # -1: the table is missing


# SQLite


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def sqlite_snapshot(target: Path) -> dict[str, int]:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise Refused("找不到数据库文件，无从备份", str(source_path))
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # one step: a step-wise copy restarts whenever another connection writes
        present = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return _count(copy.cursor(), model_tables() & present)
    finally:
        copy.close()
        source.close()


def _sqlite_tables(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise Refused("目标位置已有一个文件，但不是空的 SQLite 数据库；不会覆盖它", f"{path}: {error}") from error


def sqlite_load(snapshot: Path) -> None:
    path = _sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    incoming = path.with_name(path.name + ".restoring")
    shutil.copyfile(snapshot, incoming)
    with open(incoming, "rb") as handle:
        os.fsync(handle.fileno())
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)  # the empty database's, which must not be replayed over ours
    os.replace(incoming, path)


# PostgreSQL


def _pg() -> dict:
    """Where pg_dump and pg_restore connect: PostgreSQL itself. They set options for their whole
    session (an empty search_path among them), which a server connection pooled by PgBouncer would
    keep and hand to the app's next transaction: behind PgBouncer, DATABASE_DIRECT_URL."""
    if settings.PGBOUNCER and settings.DATABASE_DIRECT is None:
        raise Refused(
            "DATABASE_URL 经过 PgBouncer（LOUDONG_PGBOUNCER=1），备份和恢复必须直连 PostgreSQL："
            "请设置 DATABASE_DIRECT_URL，例如 postgres://loudong@127.0.0.1:5432/loudong",
            "pg_dump and pg_restore do not go through PgBouncer: set DATABASE_DIRECT_URL",
        )
    db = settings.DATABASE_DIRECT or settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "dbname": db["NAME"],
        "sslmode": db.get("OPTIONS", {}).get("sslmode", ""),
    }


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    """The tool's path and connection arguments, and its environment holding the password."""
    path = shutil.which(tool)
    if path is None:
        raise Refused(f"找不到 {tool}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）")
    pg = _pg()
    server = connection.pg_version // 10000
    found = re.search(r"(\d+)\.", subprocess.run([path, "--version"], capture_output=True, text=True).stdout)
    major = int(found.group(1)) if found else 0
    if major < server:
        raise Refused(
            f"{tool} 的版本（{major}）低于数据库服务器（{server}）：请安装 {server} 或更新版本的 PostgreSQL 客户端",
            f"{tool} {major} cannot handle server {server}",
        )
    args = [path, "--dbname", pg["dbname"]]
    for option in ("host", "port", "user"):
        if pg[option]:
            args += [f"--{'username' if option == 'user' else option}", pg[option]]
    env = dict(os.environ)
    if pg["password"]:
        env["PGPASSWORD"] = pg["password"]
    if pg["sslmode"]:
        env["PGSSLMODE"] = pg["sslmode"]
    return args, env


def server_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    return sqlite3.sqlite_version


def postgresql_snapshot(target: Path) -> dict[str, int]:
    import psycopg  # only here: a SQLite installation never loads it

    args, env = _pg_command("pg_dump")
    pg = _pg()
    with psycopg.connect(**{k: v for k, v in pg.items() if v}) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        dump = subprocess.run(
            [*args, "--format=custom", f"--snapshot={snapshot}", "--file", str(target)],
            env=env,
            capture_output=True,
            text=True,
        )
        if dump.returncode != 0:
            raise RuntimeError(f"pg_dump 失败：{dump.stderr.strip()}")
        present = {
            row[0]
            for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = ANY(current_schemas(false))")
        }
        counts = _count(db.cursor(), model_tables() & present)
        db.rollback()
    return counts


def postgresql_load(snapshot: Path) -> None:
    args, env = _pg_command("pg_restore")
    # One transaction: a restore that fails part way leaves the database as empty as it was.
    load = subprocess.run(
        [*args, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(snapshot)],
        env=env,
        capture_output=True,
        text=True,
    )
    if load.returncode != 0:
        raise RuntimeError(f"pg_restore 失败，数据库未改动：{load.stderr.strip()}")
    with connection.cursor() as cursor:  # settings of the database, which the dump does not hold
        set_database_settings(cursor)


# Both


def snapshot(target: Path) -> dict[str, int]:
    return sqlite_snapshot(target) if connection.vendor == "sqlite" else postgresql_snapshot(target)


def load(snapshot_file: Path) -> None:
    (sqlite_load if connection.vendor == "sqlite" else postgresql_load)(snapshot_file)


def existing_tables() -> int:
    """How many tables the target database already has (SQLite's file is read without creating it)."""
    if connection.vendor == "sqlite":
        return _sqlite_tables(_sqlite_path())
    return len(connection.introspection.table_names())


def describe() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {_sqlite_path()}"
    pg = _pg()
    return f"PostgreSQL {pg['dbname']}@{pg['host'] or 'localhost'}:{pg['port'] or 5432}"
