from django.db import migrations

#: The published service items (服务项目), editable in the admin afterwards.
ITEMS = [
    ("上门维修", "工程师到您的地址检测和维修", "按区域收取上门费；保修期内的配件和人工免费"),
    ("送修 / 寄修", "您把设备送到或寄到服务网点，凭保管标签取回", "保修期外配件和人工按报价，经您确认后收取"),
    ("安装调试", "新设备的安装和调试", "按区域收取上门费"),
    ("预防性维护", "在保设备每季度一次的上门检查", "保修期内免费"),
    ("电话 / 远程支持", "热线和远程协助，先电话解决", "免费"),
    ("使用培训", "设备的使用和日常保养培训", "按合同约定"),
]


def seed(apps, schema_editor):
    PortalPolicy = apps.get_model("portal", "PortalPolicy")
    ServiceItem = apps.get_model("portal", "ServiceItem")
    if not PortalPolicy.objects.exists():
        PortalPolicy.objects.create()
    if not ServiceItem.objects.exists():
        for position, (name, description, charging) in enumerate(ITEMS, start=1):
            ServiceItem.objects.create(name=name, description=description, charging=charging,
                                       position=position)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_portal_records")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
