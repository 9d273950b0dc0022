"""The database refuses UPDATE on the audit log, whatever client writes to it.

DELETE is refused by the ORM only: test databases are emptied with DELETE between tests.
"""

from django.db import migrations

SQLITE = """
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""
POSTGRES = """
CREATE FUNCTION accounts_auditentry_refuse() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_refuse();
"""


def forwards(apps, schema_editor) -> None:
    sql = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    schema_editor.execute(sql)


def backwards(apps, schema_editor) -> None:
    schema_editor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_update" + (
        " ON accounts_auditentry" if schema_editor.connection.vendor == "postgresql" else ""))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
