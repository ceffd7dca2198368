"""Seed the default fee table and payment rules (docs/rules.md); subsidy rates are the house default
(the product names the tiers but no figures; finance edits them in the admin)."""
from decimal import Decimal

from django.db import migrations

ZONES = [
    # zone, visit, second-trip surcharge, large-unit transport, a visit over 8 h counts two
    ("city", "50.00", "0.00", "100.00", True),
    ("prefecture", "100.00", "50.00", "200.00", False),
    ("province", "300.00", "200.00", "500.00", False),
]
SUBSIDIES = [("diamond", "80.00"), ("gold", "60.00"), ("a", "40.00"), ("general", "20.00")]


def seed(apps, schema_editor):
    ZoneFee = apps.get_model("billing", "ZoneFee")
    BillingPolicy = apps.get_model("billing", "BillingPolicy")
    SubsidyRate = apps.get_model("billing", "SubsidyRate")
    for zone, visit, surcharge, transport, long_double in ZONES:
        ZoneFee.objects.get_or_create(zone=zone, defaults={
            "visit": Decimal(visit), "revisit_surcharge": Decimal(surcharge),
            "transport": Decimal(transport), "long_visit_counts_double": long_double})
    if not BillingPolicy.objects.exists():
        BillingPolicy.objects.create(long_visit_hours=Decimal("8.00"),
                                     max_visits_without_manager=3,
                                     on_spot_limit=Decimal("2000.00"), credit_days=15,
                                     block_after_refusals=2)
    for tier, per_job in SUBSIDIES:
        SubsidyRate.objects.get_or_create(tier=tier, defaults={"per_job": Decimal(per_job)})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
