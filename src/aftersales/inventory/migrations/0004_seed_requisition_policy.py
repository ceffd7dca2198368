from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    RequisitionPolicy = apps.get_model("inventory", "RequisitionPolicy")
    if not RequisitionPolicy.objects.exists():
        RequisitionPolicy.objects.create(max_line_qty=10, max_amount=Decimal("2000.00"))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_requisitions_counts_returns")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
