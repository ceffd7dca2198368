"""Indexes for the ticket search and the reports at a national brand's scale.

- `ticket_summary_bigram_idx`: two-character Chinese words in `q=` (core.search);
- `ticket_resolved_at_idx`: the monthly fault analysis ranges over resolved_at;
- `ticket_created_brin_idx`: the SLA report ranges over created_at, which grows with the id
  (a BRIN index is a few pages for millions of rows).
"""
from django.db import migrations

from aftersales.core.search import bigram_index_sql


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(bigram_index_sql("tickets_ticket", "summary",
                                               "ticket_summary_bigram_idx"))
        schema_editor.execute('CREATE INDEX IF NOT EXISTS ticket_created_brin_idx ON '
                              '"tickets_ticket" USING brin ("created_at")')
    schema_editor.execute('CREATE INDEX IF NOT EXISTS ticket_resolved_at_idx ON '
                          '"tickets_ticket" ("resolved_at") WHERE "resolved_at" IS NOT NULL')


def drop(apps, schema_editor):
    for name in ("ticket_summary_bigram_idx", "ticket_created_brin_idx",
                 "ticket_resolved_at_idx"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_ticket_signature"), ("core", "0003_bigram_search")]
    operations = [migrations.RunPython(create, drop)]
