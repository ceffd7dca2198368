"""pg_trgm indexes for what callers read out on the hotline, on PostgreSQL only.

The last digits of a phone (`phone LIKE '%1234'`) and a fragment of a name
(`UPPER(name) LIKE UPPER('%恒通%')`) are answered from trigram indexes; a one-character
surname (`name LIKE '王%'`) from a pattern-ops b-tree.
SQLite has no such index and scans, which is fine at its scale.
"""
from django.db import migrations

INDEXES = {
    "customer_phone_trgm": 'customers_customer USING gin (phone gin_trgm_ops)',
    "contact_phone_trgm": 'customers_contact USING gin (phone gin_trgm_ops)',
    "customer_name_trgm": 'customers_customer USING gin ((UPPER("name"::text)) gin_trgm_ops)',
    "contact_name_trgm": 'customers_contact USING gin ((UPPER("name"::text)) gin_trgm_ops)',
    "customer_number_trgm": 'customers_customer USING gin (number gin_trgm_ops)',
    "customer_name_prefix": 'customers_customer (name varchar_pattern_ops)',
    "contact_name_prefix": 'customers_contact (name varchar_pattern_ops)',
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
    dependencies = [('customers', '0002_initial')]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
