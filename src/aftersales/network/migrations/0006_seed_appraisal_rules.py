from decimal import Decimal

from django.db import migrations

#: The admin's starting list of rewards and penalties (amounts in CNY), editable in the admin.
RULES = [
    ("R-PRAISE", "客户表扬", "reward", Decimal("100.00")),
    ("R-FTF", "当月一次修复率达标", "reward", Decimal("200.00")),
    ("P-COMPLAINT", "有效投诉", "penalty", Decimal("100.00")),
    ("P-REPEAT", "返修（同一故障再修）", "penalty", Decimal("50.00")),
]


def seed(apps, schema_editor):
    AppraisalRule = apps.get_model("network", "AppraisalRule")
    for code, name, kind, amount in RULES:
        AppraisalRule.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "amount": amount})


class Migration(migrations.Migration):
    dependencies = [("network", "0005_regions_dealers_agreements_people")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
