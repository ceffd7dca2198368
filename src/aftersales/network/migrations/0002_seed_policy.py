from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    NetworkPolicy = apps.get_model("network", "NetworkPolicy")
    if not NetworkPolicy.objects.exists():
        NetworkPolicy.objects.create(credit_leverage=Decimal("2.00"))


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
