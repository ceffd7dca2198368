"""pg_trgm GIN indexes for the knowledge base search, on PostgreSQL only.

Django's `icontains` on PostgreSQL is `UPPER(col::text) LIKE UPPER('%q%')`, so the
indexes are on exactly that expression; the planner then answers substring searches of
Chinese text (three characters or more) from the index. SQLite has no such index and
scans, which is fine at its scale.
"""
from django.db import migrations

FIELDS = ("title", "symptoms", "answer")
TABLE = "catalog_knowledgearticle"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for field in FIELDS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS knowledge_{field}_trgm ON {TABLE} '
            f'USING gin ((UPPER("{field}"::text)) gin_trgm_ops)')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS knowledge_{field}_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_knowledge_article")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
