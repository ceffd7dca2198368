from django.db import migrations


def seed(apps, schema_editor):
    SweepPolicy = apps.get_model("notifications", "SweepPolicy")
    if not SweepPolicy.objects.exists():
        SweepPolicy.objects.create(backup_device_after_hours=48)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
