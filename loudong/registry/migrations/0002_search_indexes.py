"""Indexes for searching residents by name, pinyin or initials (benchmarks/pinyin_search.py).

ResidentQuerySet.search matches initials by range and pinyin or characters by LIKE '%...%'.
- SQLite cannot use an index for LIKE '%...%', but one index holding (community, name_pinyin, id)
  in list order plus the searched columns lets the count scan the index alone and the first page
  stop after 50 matches, without touching the table.
- PostgreSQL answers LIKE '%...%' from trigram (pg_trgm) GIN indexes. If the extension cannot be
  created, searches still work, by sequential scan.

The indexes are vendor-specific, so they are created by SQL and kept out of the model state.
"""

from django.apps.registry import Apps
from django.db import DatabaseError, migrations, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SQLITE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS resident_search_cover "
    "ON registry_resident (community_id, name_pinyin, id, name_initials, name)",
]
POSTGRES_INDEXES = [
    "CREATE INDEX IF NOT EXISTS resident_pinyin_trgm "
    "ON registry_resident USING gin (name_pinyin gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS resident_name_trgm ON registry_resident USING gin (name gin_trgm_ops)",
]
INDEX_NAMES = ["resident_search_cover", "resident_pinyin_trgm", "resident_name_trgm"]


def create_indexes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_INDEXES:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        for sql in POSTGRES_INDEXES:
            schema_editor.execute(sql)


def drop_indexes(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        for name in INDEX_NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
