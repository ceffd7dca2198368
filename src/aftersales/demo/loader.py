"""A realistic Chinese demo data set, built through the services (so it obeys every rule).

Deterministic (seeded), so screenshots and guides stay the same from run to run.
"""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import uscc

from aftersales.billing import services as billing
from aftersales.campaigns.demo import load_history_demo
from aftersales.catalog import services as catalog
from aftersales.catalog.knowledge_demo import load_knowledge_demo
from aftersales.contracts import services as contracts
from aftersales.customers import services as customer_services
from aftersales.devices import services as device_services
from aftersales.inventory.demo import load_inventory_demo
from aftersales.network import services as network
from aftersales.network.models import ServicePoint, User
from aftersales.tickets.demo import load_tickets_demo

DEMO_PASSWORD = "service-demo"  # passes the password validators (10+ characters)

POINTS = [
    # code, name, kind, tier, city
    ("HQ", "总部售后服务中心", "hq", "diamond", "石家庄"),
    ("SJZ01", "石家庄裕华服务站", "branch", "diamond", "石家庄"),
    ("BJ01", "北京海淀授权服务中心", "authorized", "gold", "北京"),
    ("TS01", "唐山路北服务站", "branch", "gold", "唐山"),
    ("BD01", "保定竞秀授权网点", "authorized", "a", "保定"),
    ("HD01", "邯郸丛台授权网点", "authorized", "general", "邯郸"),
]

STAFF = [
    # username, name, role, point code (None = HQ-wide), skills
    ("admin", "系统管理员", "admin", None, []),
    ("manager", "王经理", "manager", None, ["手机", "网络设备"]),
    ("agent", "李客服", "agent", None, []),
    ("agent2", "赵客服", "agent", None, []),
    ("engineer", "张工程师", "engineer", None, ["手机", "平板"]),
    ("engineer2", "刘工程师", "engineer", None, ["网络设备", "监控系统"]),
    ("warehouse", "陈仓管", "warehouse", None, []),
    ("finance", "孙会计", "finance", None, []),
    ("sjz_manager", "周站长", "manager", "SJZ01", ["手机"]),
    ("sjz_engineer", "吴工程师", "engineer", "SJZ01", ["手机", "平板"]),
    ("bj_manager", "郑经理", "manager", "BJ01", ["手机"]),
    ("bj_agent", "冯客服", "agent", "BJ01", []),
    ("bj_engineer", "何工程师", "engineer", "BJ01", ["手机", "网络设备"]),
    ("ts_engineer", "马工程师", "engineer", "TS01", ["监控系统"]),
    ("bd_engineer", "高工程师", "engineer", "BD01", ["手机"]),
    ("hd_engineer", "林工程师", "engineer", "HD01", ["手机"]),
]

MODELS = [
    # code, name, category, warranty months, factory price, serial pattern, large unit
    ("X9", "星耀 X9 智能手机", "手机", 12, "1899.00", r"^XY(?P<year>\d{2})(?P<month>\d{2})", False),
    ("X9P", "星耀 X9 Pro 智能手机", "手机", 12, "2899.00", r"^XY(?P<year>\d{2})(?P<month>\d{2})", False),
    ("A5", "星耀 A5 老人手机", "手机", 12, "399.00", "", False),
    ("T10", "星耀 T10 平板电脑", "平板", 12, "1599.00", r"^TB(?P<year>\d{4})(?P<month>\d{2})", False),
    ("R300", "R300 企业路由器", "网络设备", 24, "3200.00", "", False),
    ("NVR16", "NVR16 网络录像机", "监控系统", 24, "5800.00", "", True),
    ("K2", "K2 收银一体机", "商用设备", 12, "4200.00", "", True),
]

PARTS = [
    # sku, name, price, cost, accessory kind, models
    ("SCR-X9", "X9 屏幕总成", "480.00", "320.00", "", ["X9", "X9P"]),
    ("BAT-X9", "X9 电池", "129.00", "68.00", "battery", ["X9", "X9P"]),
    ("MB-X9", "X9 主板", "860.00", "610.00", "", ["X9"]),
    ("CAM-X9P", "X9 Pro 后置摄像头", "350.00", "220.00", "", ["X9P"]),
    ("CHG-20W", "20W 充电器", "59.00", "25.00", "charger", ["X9", "X9P", "A5", "T10"]),
    ("CBL-C", "Type-C 数据线", "29.00", "9.00", "cable", ["X9", "X9P", "T10"]),
    ("EAR-1", "有线耳机", "39.00", "12.00", "earphone", ["X9", "X9P", "A5"]),
    ("BAT-A5", "A5 电池", "49.00", "21.00", "battery", ["A5"]),
    ("SCR-T10", "T10 屏幕", "560.00", "390.00", "", ["T10"]),
    ("PSU-R300", "R300 电源模块", "260.00", "150.00", "", ["R300"]),
    ("HDD-4T", "4TB 监控硬盘", "690.00", "520.00", "", ["NVR16"]),
    ("MB-NVR16", "NVR16 主板", "1500.00", "1100.00", "", ["NVR16"]),
    ("PRN-K2", "K2 小票打印模块", "320.00", "200.00", "", ["K2"]),
]

FAULTS = [
    ("F-SCR", "屏幕不显示/花屏", "屏幕"), ("F-BAT", "电池不充电/续航短", "电池"),
    ("F-BOOT", "无法开机", "主板"), ("F-NET", "无信号/网络断开", "通信"),
    ("F-CAM", "摄像头模糊", "摄像头"), ("F-AUD", "无声音/杂音", "音频"),
    ("F-HDD", "硬盘故障/录像丢失", "存储"), ("F-PWR", "电源故障", "电源"),
    ("F-PRN", "打印卡纸", "打印模块"), ("F-SW", "系统死机/软件故障", "软件"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文玉兰志强红梅海燕晓东春梅国庆建国丽娟雪梅"
COMPANY_PREFIX = ["石家庄", "保定", "唐山", "邯郸", "廊坊", "沧州", "邢台", "北京", "衡水", "张家口"]
COMPANY_CORE = ["恒通", "华信", "鑫源", "博远", "宏达", "瑞丰", "泰和", "金桥", "中联", "新天地",
                "德润", "永安", "万嘉", "天诚", "汇丰"]
COMPANY_SUFFIX = ["商贸有限公司", "科技有限公司", "连锁超市", "物流有限公司", "酒店管理有限公司",
                  "医院", "中学", "物业服务有限公司"]
STREETS = ["中山路", "裕华路", "建设大街", "友谊大街", "和平路", "胜利大街", "体育大街", "长安路",
           "新华路", "育才街"]
ZONE_WEIGHTS = [("city", 6), ("prefecture", 3), ("province", 2)]
MOBILE_PREFIXES = ["133", "135", "136", "138", "139", "150", "151", "158", "176", "186", "187",
                   "188", "189", "199"]


def _imei(rng: random.Random) -> str:
    body = "86" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + luhn.calc_check_digit(body)


def _credit_code(rng: random.Random) -> str:
    body = "91130" + "".join(rng.choice("0123456789") for _ in range(3)) + \
        "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def demo_exists() -> bool:
    return ServicePoint.objects.filter(code="HQ").exists()


@transaction.atomic
def load_demo(*, customers: int = 200, devices: int = 1000, seed: int = 20261123,
              stdout=None) -> dict:
    rng = random.Random(seed)
    today = timezone.localdate()
    root = User.objects.filter(username="admin").first()
    if root is None:
        root = User(username="admin", name="系统管理员", role=User.Role.ADMIN, is_staff=True,
                    is_superuser=True)
        root.set_password(DEMO_PASSWORD)
        root.save()

    points = {}
    for code, name, kind, tier, city in POINTS:
        points[code] = network.create_service_point(
            actor=root, code=code, name=name, kind=kind, tier=tier, city=city,
            address=f"{city}市{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            phone=f"0311{rng.randint(60000000, 89999999)}")
        network.record_deposit(actor=root, service_point=points[code],
                               amount=Decimal(rng.choice([20000, 50000, 100000])),
                               note="签约押金")

    staff = {}
    for username, name, role, point_code, skills in STAFF:
        if username == "admin":
            staff[username] = root
            continue
        staff[username] = network.create_staff(
            actor=root, username=username, password=DEMO_PASSWORD, name=name, role=role,
            service_point=points[point_code] if point_code else None, skills=skills,
            phone=f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(10000000, 99999999)}")

    models = {}
    for code, name, category, months, price, pattern, large in MODELS:
        models[code] = catalog.create_product_model(
            actor=root, code=code, name=name, category=category, warranty_months=months,
            factory_price=Decimal(price), serial_date_pattern=pattern, large_unit=large)
    for sku, name, price, cost, accessory, fits in PARTS:
        catalog.create_part(actor=root, sku=sku, name=name, price=Decimal(price),
                            cost=Decimal(cost), accessory_kind=accessory or None,
                            fits_models=[models[c] for c in fits])
    for code, name, component in FAULTS:
        catalog.create_fault_code(actor=root, code=code, name=name, component=component)

    point_list = list(points.values())
    people = []
    for index in range(customers):
        company = index % 4 == 0
        surname = rng.choice(SURNAMES)
        person = surname + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
        name = (rng.choice(COMPANY_PREFIX) + rng.choice(COMPANY_CORE) + rng.choice(COMPANY_SUFFIX)
                if company else person)
        zone = _weighted(rng, ZONE_WEIGHTS)
        point = rng.choice(point_list)
        customer = customer_services.create_customer(
            actor=root, name=name, kind="company" if company else "person",
            phone=f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(10000000, 99999999)}",
            email=f"c{index + 1:04d}@example.cn" if rng.random() < 0.5 else "",
            address=f"{point.city}市{rng.choice(STREETS)}{rng.randint(1, 500)}号",
            zone=zone, service_point=point,
            credit_code=_credit_code(rng) if company else "",
            contacts=[{"name": person, "phone": f"{rng.choice(MOBILE_PREFIXES)}"
                       f"{rng.randint(10000000, 99999999)}", "title": "设备负责人"}]
            if company else [])
        people.append(customer)

    made = []
    phone_models = ["X9", "X9P", "A5", "T10"]
    for index in range(devices):
        customer = people[index % len(people)]
        code = rng.choice(phone_models) if customer.kind == "person" or rng.random() < 0.5 \
            else rng.choice(["R300", "NVR16", "K2"])
        model = models[code]
        bought = today - timedelta(days=rng.randint(0, 900))
        made_on = bought - timedelta(days=rng.randint(20, 120))
        if code in ("X9", "X9P"):
            serial = f"XY{made_on:%y%m}{index:06d}"
        elif code == "T10":
            serial = f"TB{made_on:%Y%m}{index:05d}"
        else:
            serial = f"{code}-{made_on:%y}{index:06d}"
        has_proof = rng.random() < 0.85
        made.append(device_services.register_device(
            actor=root, serial=serial, model=model, customer=customer,
            imei=_imei(rng) if model.category == "手机" else None,
            purchase_date=bought if has_proof else None,
            invoice_no=f"FP{bought:%Y%m%d}{index:05d}" if has_proof else "",
            warranty_card_no=f"BK{index:07d}" if has_proof else "",
            manufactured_on=made_on, dealer=rng.choice(["苏宁易购", "京东自营", "国美电器",
                                                        "星耀官方商城", "本地经销商"])))

    companies = [c for c in people if c.kind == "company"]
    contract_count = 0
    for customer in companies[: max(1, len(companies) * 2 // 3)]:
        covered = [d for d in made if d.customer_id == customer.pk]
        if not covered:
            continue
        start = today - timedelta(days=rng.randint(0, 300))
        kind = rng.choice(["annual", "annual", "per_visit", "extended"])
        contract = contracts.sign_contract(
            actor=root, customer=customer, kind=kind, starts_on=start,
            ends_on=start + timedelta(days=364),
            price=Decimal(rng.choice([3000, 6800, 12000])) if kind != "per_visit" else Decimal(0),
            devices=covered, bill=billing.bill_contract)
        contract_count += 1
        if contract.price and rng.random() < 0.9:  # most contracts sold are paid
            billing.record_payment(actor=staff["finance"], contract=contract,
                                   amount=contract.price, method="transfer", note="合同款")

    summary = {"service_points": len(points), "staff": len(staff), "customers": len(people),
               "devices": len(made), "contracts": contract_count,
               "knowledge_articles": load_knowledge_demo(actor=root)}
    summary.update(load_inventory_demo(actor=root, seed=seed))
    summary.update(load_tickets_demo(actor=staff["manager"], seed=seed))
    summary.update(load_history_demo(actor=root, seed=seed))  # issue 15: the year behind
    return summary
