"""Holidays seeded before were named in English (Spring Festival); the calendar shows
their Chinese names (春节). Rows an admin renamed are left alone."""
from django.db import migrations

from aftersales.tickets.calendar_data import chinese_name


def rename(apps, schema_editor):
    BusinessDay = apps.get_model("tickets", "BusinessDay")
    for name in set(BusinessDay.objects.filter(kind="holiday").values_list("name", flat=True)):
        chinese = chinese_name(name)
        if chinese != name:
            BusinessDay.objects.filter(kind="holiday", name=name).update(name=chinese[:60])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_notes_and_attachments")]
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
