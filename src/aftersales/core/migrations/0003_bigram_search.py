"""The bigram function behind core.search (PostgreSQL only; SQLite searches with LIKE)."""
from django.db import migrations

from aftersales.core.search import BIGRAMS_SQL


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAMS_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS aftersales_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
