"""Seeds PRODUCT.md's targets for every promised clock: the engineer's call-back the
customer is promised at intake (5 min), the engineer's first reply to a written request
(e-mail, web: 1 h), a severe (urgent) problem answered (2 h), and chat and fax answered
within 5 min."""
from django.db import migrations

SLA_TARGETS = [
    # name, priority, mode, kind, channel, amount (clock minutes)
    ("contact", "", "", "", "", 5),
    ("reply", "", "", "", "email", 60),
    ("reply", "", "", "", "web", 60),
    ("answer", "urgent", "", "", "", 120),
    ("respond", "", "", "", "chat", 5),
    ("respond", "", "", "", "fax", 5),
]


def seed(apps, schema_editor):
    SLATarget = apps.get_model("tickets", "SLATarget")
    for name, priority, mode, kind, channel, amount in SLA_TARGETS:
        SLATarget.objects.get_or_create(
            name=name, priority=priority, mode=mode, kind=kind, channel=channel,
            defaults={"amount": amount, "unit": "clock", "starts_on": "opened"})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_every_clock_field_stages_late_repair")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
