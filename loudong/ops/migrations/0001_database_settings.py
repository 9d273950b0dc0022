"""PostgreSQL: jit and parallel workers off for the whole database (loudong.ops.database), instead
of the startup options a connection through PgBouncer may not send."""

from django.db import migrations

from loudong.ops.database import set_database_settings


def apply(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            set_database_settings(cursor)


def revert(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            set_database_settings(cursor, reset=True)


class Migration(migrations.Migration):
    dependencies: list = []
    operations = [migrations.RunPython(apply, revert)]
