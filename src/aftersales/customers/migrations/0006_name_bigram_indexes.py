"""Bigram indexes for names on the hotline, on PostgreSQL only (core.search).

A caller's name is mostly two characters (张伟), which pg_trgm's index cannot answer: the
customers' and contacts' `UPPER(name)` get a GIN index on their bigrams, which
`name__text_icontains` uses. SQLite searches with LIKE.
"""
from django.db import migrations

from aftersales.core.search import bigram_index_sql

INDEXES = {
    "customer_name_bigram_idx": "customers_customer",
    "contact_name_bigram_idx": "customers_contact",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table in INDEXES.items():
            schema_editor.execute(bigram_index_sql(table, "name", name, upper=True))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_customer_provisional"), ("core", "0003_bigram_search")]
    operations = [migrations.RunPython(create, drop)]
