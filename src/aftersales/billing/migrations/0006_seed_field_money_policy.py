"""Seed PRODUCT.md "In the field": cash handed to finance within 3 days (personal-QR
WeChat/Alipay held like cash); a return refunded within 7 days (三包)."""
from django.db import migrations


def seed(apps, schema_editor):
    FieldMoneyPolicy = apps.get_model("billing", "FieldMoneyPolicy")
    if not FieldMoneyPolicy.objects.exists():
        FieldMoneyPolicy.objects.create(handover_days=3, personal_qr_counts_as_cash=True,
                                        return_refund_days=7)


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_cash_liability_claims_disputes_invoices_refunds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
