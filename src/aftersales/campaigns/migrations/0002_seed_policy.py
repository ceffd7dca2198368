from django.db import migrations


def seed(apps, schema_editor):
    """PRODUCT.md "Follow-up": renewal leads two months (60 days) before the end, the yearly
    survey in December."""
    FollowUpPolicy = apps.get_model("campaigns", "FollowUpPolicy")
    if not FollowUpPolicy.objects.exists():
        FollowUpPolicy.objects.create(renewal_lead_days=60, intake_lookback_days=7,
                                      survey_month=12)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
