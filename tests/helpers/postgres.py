"""Where the test run's PostgreSQL is: through DATABASE_URL (PgBouncer's port when the suite runs
behind it, LOUDONG_PGBOUNCER=1), or at PostgreSQL itself (DATABASE_DIRECT_URL, else the same)."""

from django.conf import settings


def server(direct: bool = False) -> dict:
    """psycopg's connection arguments, without the database name."""
    db = (settings.DATABASE_DIRECT if direct else None) or settings.DATABASES["default"]
    given = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    return {k: str(v) for k, v in given.items() if v}


def url(params: dict, name: str) -> str:
    """A DATABASE_URL for database `name` on the server of `params` (from server())."""
    user = f"{params['user']}@" if "user" in params else ""
    return f"postgres://{user}{params.get('host', '')}:{params.get('port', 5432)}/{name}"


def database_settings(db: object) -> set[str]:
    """The settings of the database a psycopg connection `db` is on (ALTER DATABASE ... SET)."""
    rows = db.execute(
        "SELECT unnest(setconfig) FROM pg_db_role_setting WHERE setrole = 0 "
        "AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchall()
    return {row[0] for row in rows}
