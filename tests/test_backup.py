"""`loudong backup` and `loudong restore`, run as the real command (its exit codes matter): the demo
round-trips on SQLite and on PostgreSQL into a fresh database and data directory, every table's count
and a sample of rows equal; a non-empty target and a damaged archive are refused with exit code 2 and
nothing changed; a backup taken while another thread writes is one consistent snapshot; and
LOUDONG_SQLITE_SYNCHRONOUS reaches the connection.

The PostgreSQL part runs when DATABASE_URL is PostgreSQL (CI runs the suite on both); it creates and
drops databases of its own.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from helpers import postgres

LOUDONG = Path(sys.executable).parent / "loudong"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://"))
UPLOADS = {"requests/2026/12/photo.jpg": b"\xff\xd8\xff\xe0 a photo", "policy/2026/规定.pdf": b"%PDF-1.4 rules"}
BATCH = 50  # rows the writer thread commits in one transaction


def loudong(data_dir: Path, *args: str, database: dict | None = None, **env: str) -> subprocess.CompletedProcess:
    """`loudong *args` as a fresh single node: on SQLite in data_dir, or on the PostgreSQL database
    whose variables `database` holds (pg_databases)."""
    skipped = {"DATABASE_URL", "DATABASE_DIRECT_URL", "LOUDONG_SQLITE_SYNCHRONOUS", "LOUDONG_SECRET_KEY"}
    environment = {k: v for k, v in os.environ.items() if k not in skipped}
    environment |= {"LOUDONG_DATA_DIR": str(data_dir), **env}
    if database:  # nodes on PostgreSQL never generate a key of their own
        environment |= {**database, "LOUDONG_SECRET_KEY": "backup-test-key"}
    return subprocess.run(
        [str(LOUDONG), *args], env=environment, capture_output=True, text=True, timeout=900, check=False
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def build_demo(data_dir: Path, database: dict | None = None) -> None:
    ok(loudong(data_dir, "migrate", "-v0", database=database))
    ok(loudong(data_dir, "demo", database=database))
    for name, data in UPLOADS.items():  # the demo uploads nothing; a community's files would be here
        (data_dir / "media" / name).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / "media" / name).write_bytes(data)


def timed_backup(data_dir: Path, archive: Path, database: dict | None = None) -> float:
    started = time.monotonic()
    result = ok(loudong(data_dir, "backup", "-o", str(archive), database=database))
    assert "备份完成" in result.stdout
    return time.monotonic() - started


def sqlite_tables(path: Path) -> dict[str, tuple[int, list]]:
    """Every table's count, and its first and last five rows."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {
            name: (
                db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0],
                db.execute(f'SELECT * FROM "{name}" ORDER BY rowid LIMIT 5').fetchall()
                + db.execute(f'SELECT * FROM "{name}" ORDER BY rowid DESC LIMIT 5').fetchall(),
            )
            for name in names
        }
    finally:
        db.close()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar}


def write_archive(path: Path, contents: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def with_manifest(contents: dict[str, bytes], **changes: object) -> dict[str, bytes]:
    """The contents with a manifest that agrees with them (checksums recomputed), changed as given."""
    manifest = json.loads(contents["manifest.json"]) | changes
    files = {name: data for name, data in contents.items() if name != "manifest.json"}
    manifest["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in files.items()}
    return {**files, "manifest.json": json.dumps(manifest).encode()}


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory) -> tuple[Path, Path]:
    """The demo on SQLite with two uploaded files, and its backup."""
    source = tmp_path_factory.mktemp("source")
    build_demo(source)
    archive = tmp_path_factory.mktemp("archives") / "demo.tar.gz"
    seconds = timed_backup(source, archive)
    print(f"\nSQLite demo: backup {seconds:.1f} s, {archive.stat().st_size / 1e6:.2f} MB")
    return source, archive


def test_the_demo_round_trips_on_sqlite(sqlite_demo, tmp_path):
    source, archive = sqlite_demo
    check = ok(loudong(tmp_path / "checked", "restore", "--check", str(archive)))
    assert "备份完好" in check.stdout
    assert not (tmp_path / "checked" / "loudong.sqlite3").exists()

    target = tmp_path / "target"
    started = time.monotonic()
    result = ok(loudong(target, "restore", str(archive)))
    print(f"\nSQLite demo: restore {time.monotonic() - started:.1f} s")
    assert "与备份清单一致" in result.stdout
    assert "tickets_request " in result.stdout  # the counts are printed

    restored, original = sqlite_tables(target / "loudong.sqlite3"), sqlite_tables(source / "loudong.sqlite3")
    assert restored == original
    assert original["tickets_request"][0] > 100 and original["registry_resident"][0] > 100
    for name, data in UPLOADS.items():
        assert (target / "media" / name).read_bytes() == data
    manifest = json.loads(members(archive)["manifest.json"])
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["created_at"].endswith("+08:00")
    assert manifest["counts"]["tickets_request"] == original["tickets_request"][0]
    assert "secret_key" not in {Path(name).name for name in manifest["members"]}


def test_a_database_that_is_not_empty_is_refused_and_left_alone(sqlite_demo, tmp_path):
    source, archive = sqlite_demo
    before = sqlite_tables(source / "loudong.sqlite3")
    result = loudong(source, "restore", str(archive))
    assert result.returncode == 2
    assert "数据库不是空的" in result.stderr
    assert sqlite_tables(source / "loudong.sqlite3") == before

    only_files = tmp_path / "only-files"
    (only_files / "media").mkdir(parents=True)
    (only_files / "media" / "left.txt").write_text("an earlier upload")
    result = loudong(only_files, "restore", str(archive))
    assert result.returncode == 2
    assert "上传文件目录不是空的" in result.stderr
    assert not (only_files / "loudong.sqlite3").exists()


def damaged(kind: str, contents: dict[str, bytes], raw: bytes, folder: Path) -> Path:
    path = folder / f"{kind}.tar.gz"
    if kind == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif kind == "not-an-archive":
        path.write_bytes(b"PK\x03\x04 a zip file, or anything else")
    elif kind == "tampered":  # one byte of the database changed, the manifest left as it was
        database = bytearray(contents["database/loudong.sqlite3"])
        database[len(database) // 2] ^= 0xFF
        write_archive(path, {**contents, "database/loudong.sqlite3": bytes(database)})
    elif kind == "tampered-upload":
        write_archive(path, {**contents, "media/requests/2026/12/photo.jpg": b"another photo"})
    elif kind == "added-file":
        write_archive(path, {**contents, "media/extra.jpg": b"not in the manifest"})
    elif kind == "no-manifest":
        write_archive(path, {name: data for name, data in contents.items() if name != "manifest.json"})
    elif kind == "escaping-name":
        write_archive(path, {**contents, "media/../../outside.txt": b"x"})
    return path


DAMAGES = {
    "truncated": "不完整或已损坏",
    "not-an-archive": "不完整或已损坏",
    "tampered": "校验和不符",
    "tampered-upload": "校验和不符",
    "added-file": "清单之外",
    "no-manifest": "没有清单",
    "escaping-name": "不该有的条目",
}


@pytest.mark.parametrize(("kind", "message"), DAMAGES.items())
def test_a_damaged_archive_fails_the_check(sqlite_demo, tmp_path, kind, message):
    _source, archive = sqlite_demo
    bad = damaged(kind, members(archive), archive.read_bytes(), tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("restore", "--check", str(bad), stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.parametrize("kind", ["truncated", "tampered"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(sqlite_demo, tmp_path, kind):
    _source, archive = sqlite_demo
    bad = damaged(kind, members(archive), archive.read_bytes(), tmp_path)
    target = tmp_path / "target"
    result = loudong(target, "restore", str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    assert DAMAGES[kind] in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["secret_key", "static"]  # what settings make


def test_a_backup_of_the_other_database_is_refused(sqlite_demo, tmp_path):
    """A PostgreSQL archive (well formed, its checksums right) cannot be loaded into SQLite."""
    _source, archive = sqlite_demo
    contents = members(archive)
    contents["database/loudong.dump"] = contents.pop("database/loudong.sqlite3")
    manifest = json.loads(contents["manifest.json"])
    other = write_archive(
        tmp_path / "pg.tar.gz",
        with_manifest(contents, database={**manifest["database"], "vendor": "postgresql"}),
    )
    call_command("restore", "--check", str(other), stdout=io.StringIO())  # well formed
    result = loudong(tmp_path / "target", "restore", str(other))
    assert result.returncode == 2
    assert "不支持跨数据库恢复" in result.stderr and "PostgreSQL" in result.stderr
    assert not (tmp_path / "target" / "loudong.sqlite3").exists()
    assert not (tmp_path / "target" / "media").exists()


class Writer(threading.Thread):
    """Commits BATCH sessions a transaction, as fast as it can, until stopped. `connect` answers a
    connection, the context manager of one transaction on it, and the parameter placeholder."""

    def __init__(self, connect: object) -> None:
        super().__init__(daemon=True)
        self.connect, self.stop, self.commits, self.error = connect, threading.Event(), 0, None

    def run(self) -> None:
        try:
            db, transaction, placeholder = self.connect()
            insert = (
                "INSERT INTO django_session (session_key, session_data, expire_date) "
                f"VALUES ({placeholder}, 'x', {placeholder})"
            )
            while not self.stop.is_set():
                with transaction():
                    cursor = db.cursor()
                    for i in range(BATCH):
                        cursor.execute(insert, (f"w{self.commits:06d}-{i:03d}", "2030-01-01 00:00:00+00:00"))
                self.commits += 1
            db.close()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error


def test_a_backup_taken_while_another_thread_writes_is_one_snapshot(sqlite_demo, tmp_path):
    source, _archive = sqlite_demo
    live = tmp_path / "live"
    live.mkdir()
    with sqlite3.connect(source / "loudong.sqlite3") as original, sqlite3.connect(live / "loudong.sqlite3") as copy:
        original.backup(copy)

    def connect() -> tuple:
        db = sqlite3.connect(live / "loudong.sqlite3", timeout=20)
        db.execute("PRAGMA journal_mode=WAL")
        return db, lambda: db, "?"

    before = sqlite_tables(live / "loudong.sqlite3")["django_session"][0]

    writer = Writer(connect)
    writer.start()
    try:
        while writer.commits < 5 and writer.error is None:
            time.sleep(0.05)
        commits_before = writer.commits
        archive = tmp_path / "during.tar.gz"
        timed_backup(live, archive)
        assert writer.commits > commits_before  # the writer was not held up by the backup
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    snapshot = tmp_path / "snapshot.sqlite3"
    snapshot.write_bytes(contents["database/loudong.sqlite3"])
    db = sqlite3.connect(snapshot)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counted = {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in manifest["counts"]}
    db.close()
    assert counted == manifest["counts"]  # the manifest counts the snapshot it holds
    written = manifest["counts"]["django_session"] - before
    assert written > 0 and written % BATCH == 0  # whole transactions only


@pytest.mark.parametrize(("value", "expected"), [(None, "1"), ("full", "2")])
def test_sqlite_synchronous_reaches_the_connection(tmp_path, value, expected):
    env = {"LOUDONG_SQLITE_SYNCHRONOUS": value} if value else {}
    code = (
        "from django.db import connection as c; k = c.cursor(); k.execute('PRAGMA synchronous'); print(k.fetchone()[0])"
    )
    result = ok(loudong(tmp_path, "shell", "-c", code, **env))
    assert result.stdout.split()[-1] == expected  # 1 is NORMAL, 2 is FULL


def test_a_wrong_sqlite_synchronous_value_stops_the_start(tmp_path):
    result = loudong(tmp_path, "check", LOUDONG_SQLITE_SYNCHRONOUS="OFF")
    assert result.returncode != 0
    assert "LOUDONG_SQLITE_SYNCHRONOUS 只能是 NORMAL 或 FULL" in result.stderr


# PostgreSQL


@pytest.fixture
def pg_databases():
    """Makes fresh databases on DATABASE_URL's server and drops them afterwards."""
    if not ON_POSTGRESQL:
        pytest.skip("DATABASE_URL is not PostgreSQL")
    import psycopg

    server = postgres.server()
    made = []

    def make(name: str) -> tuple[dict, dict]:
        """The environment a node on a fresh database runs with (behind PgBouncer: DATABASE_URL
        through it, DATABASE_DIRECT_URL for pg_dump and pg_restore), and psycopg's arguments."""
        name = f"loudong_backup_test_{name}_{os.getpid()}"
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        env = {"DATABASE_URL": postgres.url(server, name)}
        if os.environ.get("DATABASE_DIRECT_URL"):
            env["DATABASE_DIRECT_URL"] = postgres.url(postgres.server(direct=True), name)
        return env, {**server, "dbname": name}

    yield make
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as db:
        for name in made:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_tables(params: dict) -> dict[str, tuple[int, list]]:
    import psycopg

    with psycopg.connect(**params) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {
            name: (
                db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0],
                db.execute(f'SELECT * FROM "{name}" ORDER BY 1 LIMIT 5').fetchall()
                + db.execute(f'SELECT * FROM "{name}" ORDER BY 1 DESC LIMIT 5').fetchall(),
            )
            for name in names
        }


def test_the_demo_round_trips_on_postgresql_while_written_to(pg_databases, sqlite_demo, tmp_path):
    import psycopg

    source_env, source = pg_databases("source")
    build_demo(tmp_path / "source", source_env)
    before = pg_tables(source)["django_session"][0]

    def connect() -> tuple:
        # No prepared statements: through PgBouncer's transaction pooling they would land on another session.
        db = psycopg.connect(**source, autocommit=True, prepare_threshold=None)
        return db, db.transaction, "%s"

    writer = Writer(connect)
    writer.start()
    try:
        while writer.commits < 5 and writer.error is None:
            time.sleep(0.05)
        archive = tmp_path / "pg.tar.gz"
        seconds = timed_backup(tmp_path / "source", archive, source_env)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None
    print(f"\nPostgreSQL demo: backup {seconds:.1f} s, {archive.stat().st_size / 1e6:.2f} MB")
    manifest = json.loads(members(archive)["manifest.json"])
    assert manifest["database"]["vendor"] == "postgresql"
    written = manifest["counts"]["django_session"] - before
    assert written > 0 and written % BATCH == 0  # whole transactions only

    target_env, target = pg_databases("target")
    started = time.monotonic()
    result = ok(loudong(tmp_path / "target", "restore", str(archive), database=target_env))
    print(f"PostgreSQL demo: restore {time.monotonic() - started:.1f} s")
    assert "与备份清单一致" in result.stdout  # the counts match the snapshot the writer kept adding to
    with psycopg.connect(**target) as db:  # not in the dump: set again by the restore
        assert postgres.database_settings(db) == {"jit=off", "max_parallel_workers_per_gather=0"}
    restored = pg_tables(target)
    assert restored["tickets_request"][0] > 100
    assert {table: restored[table][0] for table in manifest["counts"]} == manifest["counts"]
    original = pg_tables(source)
    del original["django_session"], restored["django_session"]  # written to after the snapshot
    assert restored == original
    for name, data in UPLOADS.items():
        assert (tmp_path / "target" / "media" / name).read_bytes() == data

    again = loudong(tmp_path / "again", "restore", str(archive), database=target_env)
    assert again.returncode == 2 and "数据库不是空的" in again.stderr

    empty_env, empty = pg_databases("empty")
    _sqlite_source, sqlite_archive = sqlite_demo
    other = loudong(tmp_path / "other", "restore", str(sqlite_archive), database=empty_env)
    assert other.returncode == 2 and "不支持跨数据库恢复" in other.stderr
    assert pg_tables(empty) == {}
