"""pg_trgm indexes for what callers read out on the hotline, on PostgreSQL only.

A part of a serial (`serial LIKE '%X9A1%'`, serials are stored upper-case) or of an
IMEI is answered from trigram indexes.
SQLite has no such index and scans, which is fine at its scale.
"""
from django.db import migrations

INDEXES = {
    "device_serial_trgm": 'devices_device USING gin (serial gin_trgm_ops)',
    "device_imei_trgm": 'devices_device USING gin (imei gin_trgm_ops)',
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
    dependencies = [('devices', '0003_seed_warranty_policy')]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
