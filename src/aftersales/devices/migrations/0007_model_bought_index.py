"""Indexes for the monthly fault analysis at a national brand's scale (docs/scaling.md).

- `device_model_bought_idx` (model, purchase_date): the installed base of a model up to a
  month's end is counted from the index alone; it takes over the model foreign key's own
  index (its leading column serves look-ups by model as before).
- `device_id_model_idx` (id) INCLUDE (model_id), PostgreSQL only: the model of each unit
  repaired in the month is read from the index, not from the unit's table page.
"""
import django.db.models.deletion
from django.db import migrations, models


def create_covering(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('CREATE INDEX IF NOT EXISTS device_id_model_idx ON "devices_device" '
                          '("id") INCLUDE ("model_id")')


def drop_covering(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS device_id_model_idx")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0008_merge_sales_and_synonyms'),
        ('devices', '0006_unit_exchange_and_warranty_extension'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='device',
            index=models.Index(fields=['model', 'purchase_date'], name='device_model_bought_idx'),
        ),
        migrations.AlterField(
            model_name='device',
            name='model',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='devices', to='catalog.productmodel', verbose_name='model'),
        ),
        migrations.RunPython(create_covering, drop_covering),
    ]
