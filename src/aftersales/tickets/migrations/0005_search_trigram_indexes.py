"""pg_trgm indexes for what callers read out on the hotline, on PostgreSQL only.

A part of a ticket number (`number LIKE '%0012%'`) is answered from a trigram index.
SQLite has no such index and scans, which is fine at its scale.
"""
from django.db import migrations

INDEXES = {
    "ticket_number_trgm": 'tickets_ticket USING gin (number gin_trgm_ops)',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, sql in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {sql}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [('tickets', '0004_search_and_report_indexes')]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
