from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    """PRODUCT.md capability 17: a service budget of 2–4 % of the factory price (3 %)."""
    ReportPolicy = apps.get_model("reports", "ReportPolicy")
    if not ReportPolicy.objects.exists():
        ReportPolicy.objects.create(budget_rate=Decimal("0.0300"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
