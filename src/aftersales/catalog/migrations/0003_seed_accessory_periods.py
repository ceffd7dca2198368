from django.db import migrations

DEFAULTS = {"earphone": 3, "battery": 6, "charger": 12, "cable": 12}


def seed(apps, schema_editor):
    AccessoryPeriod = apps.get_model("catalog", "AccessoryPeriod")
    for kind, months in DEFAULTS.items():
        AccessoryPeriod.objects.get_or_create(kind=kind, defaults={"months": months})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
