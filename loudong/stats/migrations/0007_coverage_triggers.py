"""Any change to who is in a group, or to which households a group serves, marks the community's
group coverage (stats.CoverageTally) stale, whatever writes it: forms, the roster import, bulk
updates of the group planner, raw SQL. Marked: a household added, deleted or moved (stairwell or
community); a stairwell given to or taken from a group; a member added, deleted, or moved between
groups or communities. Every community is marked once here, so the first reader counts them all.

On PostgreSQL the mark is an UPSERT that locks the mark's row, as DirtyDay's does (see
loudong.stats.coverage), and inserts and deletes mark once per statement (a roster import writes
thousands of households in one).
"""

from django.db import migrations

WATCHED = (  # table, the columns whose change moves a count
    ("registry_household", ("stairwell_id", "community_id"), True),
    ("registry_stairwell", ("group_id", "community_id"), False),  # its households are deleted before it
    ("registry_member", ("group_id", "community_id"), True),
)


def _changed(columns: tuple[str, ...], distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def sqlite() -> list[str]:
    def mark(row: str) -> str:
        return f"INSERT OR IGNORE INTO stats_stalecoverage (community_id) VALUES ({row}.community_id);"

    out = []
    for table, columns, rows in WATCHED:
        out.append(f"CREATE TRIGGER {table}_coverage_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
                   f"WHEN {_changed(columns, 'IS NOT')} BEGIN {mark('OLD')} {mark('NEW')} END")
        if rows:
            out.append(f"CREATE TRIGGER {table}_coverage_insert AFTER INSERT ON {table} BEGIN {mark('NEW')} END")
            out.append(f"CREATE TRIGGER {table}_coverage_delete AFTER DELETE ON {table} BEGIN {mark('OLD')} END")
    return out


UPSERT = ("INSERT INTO stats_stalecoverage (community_id) {rows} "
          "ON CONFLICT (community_id) DO UPDATE SET community_id = EXCLUDED.community_id;")
POSTGRES_FUNCTIONS = [
    f"""CREATE FUNCTION stats_coverage_mark_row() RETURNS trigger AS $$
BEGIN
  {UPSERT.format(rows="VALUES (OLD.community_id)")}
  IF NEW.community_id IS DISTINCT FROM OLD.community_id THEN
    {UPSERT.format(rows="VALUES (NEW.community_id)")}
  END IF;
  RETURN NULL;
END; $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION stats_coverage_mark_statement() RETURNS trigger AS $$
BEGIN
  {UPSERT.format(rows="SELECT DISTINCT community_id FROM changed")}
  RETURN NULL;
END; $$ LANGUAGE plpgsql""",
]


def postgres() -> list[str]:
    out = list(POSTGRES_FUNCTIONS)
    for table, columns, rows in WATCHED:
        out.append(f"CREATE TRIGGER {table}_coverage_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
                   f"FOR EACH ROW WHEN ({_changed(columns, 'IS DISTINCT FROM')}) "
                   f"EXECUTE FUNCTION stats_coverage_mark_row()")
        if rows:
            for event, name in (("INSERT", "NEW"), ("DELETE", "OLD")):
                out.append(f"CREATE TRIGGER {table}_coverage_{event.lower()} AFTER {event} ON {table} "
                           f"REFERENCING {name} TABLE AS changed FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION stats_coverage_mark_statement()")
    return out


def forwards(apps, schema_editor) -> None:
    for sql in postgres() if schema_editor.connection.vendor == "postgresql" else sqlite():
        schema_editor.execute(sql)
    schema_editor.execute("INSERT INTO stats_stalecoverage (community_id) SELECT id FROM registry_community")


def backwards(apps, schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, _columns, rows in WATCHED:
        for event in ("update", *(("insert", "delete") if rows else ())):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_coverage_{event}" + (f" ON {table}" if postgresql
                                                                                          else ""))
    if postgresql:
        schema_editor.execute("DROP FUNCTION IF EXISTS stats_coverage_mark_row(), stats_coverage_mark_statement()")


class Migration(migrations.Migration):
    dependencies = [("stats", "0006_trend_week_coverage"), ("registry", "0006_importjob_heartbeat"),
                    ("groups", "0003_elections_venues")]
    operations = [migrations.RunPython(forwards, backwards)]
