"""Seeds one labour rate so a labour line has a published price from the first run.
PRODUCT.md names no figure: 80.00 for standard repair labour is a placeholder for the
service manager to set (admin → Billing → labour rates)."""
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    LabourRate = apps.get_model("billing", "LabourRate")
    LabourRate.objects.get_or_create(code="STD", defaults={"name": "标准维修工时",
                                                           "price": Decimal("80.00")})


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_prices_as_published_labour_rates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
