"""Demo knowledge-base articles (Chinese), loaded by `aftersales demo` through the service.

Idempotent: an article whose title exists is skipped. Models and fault codes are linked
when the demo catalog has them (X9, R300, NVR16, K2; F-SCR, F-BAT, ...), else left general.
"""
from __future__ import annotations

from aftersales.network.models import User

from .models import FaultCode, KnowledgeArticle, ProductModel
from .services import create_knowledge_article

ARTICLES = [
    # kind, model code, fault code, title, symptoms, answer
    ("fault_fix", "X9", "F-SCR", "X9 屏幕花屏或闪烁",
     "屏幕出现彩色条纹、花屏、闪烁，摔落后更明显",
     "1. 请客户重启手机并将亮度调到最高；2. 进入安全模式观察，若仍花屏为硬件故障；"
     "3. 安排送修更换屏幕总成 SCR-X9，保修期内且无人为损坏免费。"),
    ("fault_fix", "X9", "F-BAT", "X9 电池不充电或续航短",
     "插上充电器无反应，充电很慢，电量掉得快，半天就没电",
     "1. 更换原装充电器和数据线再试；2. 清理充电口灰尘；3. 设置-电池-电池健康低于 80% "
     "建议更换电池（电池保修 6 个月）。"),
    ("fault_fix", None, "F-BOOT", "手机无法开机",
     "按电源键没有反应，黑屏，不亮",
     "1. 长按电源键加音量下键 15 秒强制重启；2. 充电 30 分钟后再开机；"
     "3. 仍无法开机请预约送修，检测主板。"),
    ("fault_fix", "R300", "F-NET", "R300 路由器频繁断网",
     "企业网络每隔几分钟断开，指示灯闪烁，无法上网",
     "1. 检查 WAN 口网线和光猫；2. 登录管理界面升级到最新固件；"
     "3. 恢复出厂设置后重新配置；4. 仍断网安排工程师上门。"),
    ("fault_fix", "NVR16", "F-HDD", "NVR16 录像丢失或硬盘报警",
     "回放没有录像，提示硬盘错误，蜂鸣器报警",
     "1. 在存储管理中查看硬盘状态；2. 重新插拔硬盘数据线和电源线；"
     "3. 硬盘损坏需上门更换，提醒客户录像数据可能无法恢复。"),
    ("fault_fix", "K2", "F-PRN", "K2 收银机打印卡纸",
     "小票打印不出来，卡纸，打印头有异响",
     "1. 打开纸仓取出卡住的纸，检查纸卷方向；2. 使用 57mm 热敏纸；"
     "3. 清洁打印头；4. 仍卡纸安排上门维修打印模块。"),
    ("faq", None, None, "保修期怎么计算",
     "客户问保修多久，什么时候过保，三包",
     "按三包规定：购机之日起 7 日内可退货、换货或免费维修，15 日内可换货或免费维修，"
     "整机保修 12 个月（购机当日不计）。需提供发票和保修卡。"),
    ("faq", None, None, "上门服务怎么收费",
     "上门费多少钱，路费，第二次上门收费吗",
     "市区上门每人每次 50 元；市区外地区内 100 元，第二次上门加 50 元；"
     "地区以外省内 300 元（含差旅食宿），第二次加 200 元。保修期内或合同覆盖免收。"),
    ("faq", None, None, "如何查询维修进度",
     "维修到哪一步了，查进度，什么时候修好",
     "客户可在自助服务页面输入服务单号和手机号查询，或点击通知短信中的专属链接查看，"
     "无需登录。"),
]


def load_knowledge_demo(*, actor=None) -> int:
    """Create the demo articles that do not exist yet; return how many were created."""
    if actor is None:
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        raise RuntimeError("load_knowledge_demo needs an administrator (create one first).")
    models = {m.code: m for m in ProductModel.objects.all()}
    faults = {f.code: f for f in FaultCode.objects.all()}
    existing = set(KnowledgeArticle.objects.values_list("title", flat=True))
    created = 0
    for kind, model_code, fault_code, title, symptoms, answer in ARTICLES:
        if title in existing:
            continue
        create_knowledge_article(actor=actor, kind=kind, title=title, symptoms=symptoms,
                                 answer=answer, model=models.get(model_code),
                                 fault_code=faults.get(fault_code))
        created += 1
    return created
