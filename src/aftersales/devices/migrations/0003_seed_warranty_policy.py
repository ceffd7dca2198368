from django.db import migrations


def seed(apps, schema_editor):
    WarrantyPolicy = apps.get_model("devices", "WarrantyPolicy")
    if not WarrantyPolicy.objects.exists():
        WarrantyPolicy.objects.create(repeat_fault_repairs=2, repeat_fault_window_days=30,
                                      repair_warranty_days=90, own_reason_return_days=7)


class Migration(migrations.Migration):
    dependencies = [("devices", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
