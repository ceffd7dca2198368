"""The everyday words callers use for common faults (PRODUCT.md: the hotline finds
"不开机" as "无法开机"). Rows are edited in the admin afterwards."""
from django.db import migrations

GROUPS = [
    "不开机, 无法开机, 开不了机, 开不开机, 开机没反应",
    "充不进电, 无法充电, 充不了电, 不充电, 充电没反应",
    "没有信号, 无信号, 没信号, 信号差, 不在服务区",
    "死机, 卡死, 无响应, 卡住不动, 没反应",
    "花屏, 屏幕花, 屏幕条纹",
    "黑屏, 屏幕不亮, 不亮屏",
    "断网, 掉线, 连不上网, 无法上网, 上不了网",
    "没声音, 无声音, 听不到声音",
    "耗电快, 掉电快, 续航短, 不耐用",
    "卡纸, 纸卡住",
    "自动关机, 自动重启, 反复重启",
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("catalog", "Synonym")
    for words in GROUPS:
        Synonym.objects.get_or_create(words=words)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_synonyms")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
