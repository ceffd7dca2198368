"""Seed the loaner pool's rule: a loaner comes back within 14 days (house default; PRODUCT.md
names no figure, the manager edits it in the admin)."""
from django.db import migrations


def seed(apps, schema_editor):
    LoanerPolicy = apps.get_model("inventory", "LoanerPolicy")
    if not LoanerPolicy.objects.exists():
        LoanerPolicy.objects.create(loan_days=14)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0007_loaners_suppliers_purchase_orders")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
