"""Data generator: a national brand's service data, written straight into the app's tables.

    .venv/bin/python bench/generate.py --scale 1.0 --seed 2611      # 1 M customers … (PostgreSQL)
    .venv/bin/python bench/generate.py --scale 0.002                # a CI-sized run

At scale 1.0: 500 service points, 1,000,000 customers, 2,000,000 devices, 5,000,000 tickets
with their events, visits, charges and payments, 10,000,000 stock moves. The database is the
one AFTERSALES_DATABASE_URL names (SQLite under AFTERSALES_DATA_DIR otherwise); it is migrated
first and must hold no customers yet. PostgreSQL is loaded with COPY; SQLite with
executemany (use small scales there).

Every column the generator does not set is filled from the model's own default (or NULL or
"" where the field allows it), so new columns added by later migrations do not break it. The
same seed gives the same data. Distributions: zones 60/30/10 %; a Zipf-like spread over 60
product models; seasonal intake (summer and the weeks after Singles' Day and Spring Festival
busier); 93 % of tickets finished; Chinese names, phones, addresses and valid IMEIs.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

BASE = {"service_points": 500, "customers": 1_000_000, "devices": 2_000_000,
        "tickets": 5_000_000, "stock_moves": 10_000_000}
MINIMUM = {"service_points": 5, "customers": 200, "devices": 400, "tickets": 600,
           "stock_moves": 1_000}
MODELS, PARTS, FAULT_CODES, ENGINEERS_PER_POINT = 60, 800, 40, 4
DAYS = 730  # two years of history, ending yesterday

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
            "郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬建华飞鹏辉波宁丹"
         "婷雪琳晶欣怡浩宇轩然子涵梓萱睿博文思远志明海燕俊凯佳慧")
COMPANY = ("恒通", "华信", "鑫源", "宏达", "瑞丰", "天诚", "博远", "盛世", "中联", "永泰", "金桥",
           "新航", "汇丰", "长城", "东方", "正大")
COMPANY_TAIL = ("电子有限公司", "科技有限公司", "贸易有限公司", "通信设备有限公司", "物流有限公司",
                "网络科技有限公司", "实业有限公司")
PROVINCES = {
    "河北省": ("石家庄市", "唐山市", "保定市", "邯郸市", "廊坊市", "沧州市"),
    "北京市": ("北京市",), "天津市": ("天津市",), "山东省": ("济南市", "青岛市", "烟台市", "潍坊市"),
    "河南省": ("郑州市", "洛阳市", "南阳市"), "江苏省": ("南京市", "苏州市", "无锡市", "徐州市"),
    "浙江省": ("杭州市", "宁波市", "温州市"), "广东省": ("广州市", "深圳市", "东莞市", "佛山市"),
    "四川省": ("成都市", "绵阳市"), "湖北省": ("武汉市", "宜昌市"), "陕西省": ("西安市", "宝鸡市"),
}
DISTRICTS = ("中山区", "新华区", "裕华区", "长安区", "桥西区", "高新区", "开发区", "城关区", "东城区",
             "西城区", "南湖区", "北塘区")
STREETS = ("人民路", "中山路", "解放路", "建设大街", "和平路", "友谊大街", "胜利街", "文化路", "光明路",
           "育才街", "体育大街", "东风路")
CATEGORIES = ("手机", "平板", "智能手表", "耳机", "路由器", "打印机", "工控主机")
FAULTS = ("不开机", "无法充电", "屏幕不显示", "触摸失灵", "无信号", "死机重启", "摄像头模糊", "听筒无声",
          "电池鼓包", "进水", "Wi-Fi 连不上", "按键失灵", "发热严重", "卡顿", "扬声器破音", "指纹失灵")
COMPONENTS = ("主板", "电池", "屏幕", "充电口", "天线", "摄像头", "听筒", "扬声器", "按键", "外壳")


def sizes(scale: float) -> dict[str, int]:
    return {k: max(MINIMUM[k], int(v * scale)) for k, v in BASE.items()}


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def write(self, model, columns: list[str], rows) -> int:
        """`rows` yields tuples for `columns`; every other column gets the model's default."""
        fixed_cols, fixed_vals = fill_defaults(model, set(columns))
        cols = columns + fixed_cols
        table = model._meta.db_table
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                # A bulk load's usual order: the secondary indexes (GIN trigram and bigram
                # indexes above all, which cost most per row) are dropped, the rows copied,
                # and each index built once afterwards; the foreign keys are not checked row
                # by row (the generator makes them consistent). Unique and primary keys stay.
                dropped = _drop_secondary_indexes(cursor, table)
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                superuser = cursor.fetchone()[0]
                if superuser:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                raw = cursor.cursor  # psycopg's own cursor for COPY
                names = ", ".join(f'"{c}"' for c in cols)
                tail = "\t" + "\t".join(_text(v) for v in fixed_vals) if fixed_vals else ""
                with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    chunk = []
                    for row in rows:
                        chunk.append("\t".join(map(_text, row)) + tail)
                        if len(chunk) >= 20000:
                            copy.write(("\n".join(chunk) + "\n").encode())
                            count += len(chunk)
                            chunk = []
                    if chunk:
                        copy.write(("\n".join(chunk) + "\n").encode())
                        count += len(chunk)
                if superuser:
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                for _name, definition in dropped:
                    cursor.execute(definition)
            else:
                marks = ", ".join("?" for _ in cols)
                names = ", ".join(f'"{c}"' for c in cols)
                batch = []
                for row in rows:
                    batch.append(row + fixed_vals)
                    if len(batch) >= 5000:
                        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                                           batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                                       batch)
                    count += len(batch)
        return count


def _drop_secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Drop the table's indexes that back no constraint; return their definitions."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
        " AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conname = i.indexname AND c.conrelid = %s::regclass)",
        [table, f'"{table}"'])
    dropped = cursor.fetchall()
    for name, _definition in dropped:
        cursor.execute(f'DROP INDEX "{name}"')
    return dropped


NOW = datetime.now(UTC).replace(microsecond=0)
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPE)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def fill_defaults(model, given: set[str]) -> tuple[list[str], tuple]:
    from django.db import models as m

    cols, vals = [], []
    for field in model._meta.concrete_fields:
        if field.column in given:
            continue
        if field.primary_key:
            raise ValueError(f"{model.__name__}: the generator must set the primary key")
        if field.has_default():
            value = field.get_default()
            if isinstance(field, m.JSONField):
                value = json.dumps(value)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = NOW
        elif field.null:
            value = None
        elif isinstance(field, (m.CharField, m.TextField)):
            value = ""
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value from the generator")
        if isinstance(value, Decimal):
            value = str(value)
        cols.append(field.column)
        vals.append(value)
    return cols, tuple(vals)


class World:
    """The random choices, from one seed."""

    def __init__(self, seed: int, n: dict[str, int]):
        self.rng = random.Random(seed)
        self.n = n
        weights = [1 / (i + 1) ** 0.9 for i in range(MODELS)]  # a few best-sellers
        total = sum(weights)
        self.model_cum = list(_cumulative([w / total for w in weights]))
        # intake per day: seasonal (summer, after 11.11, after the Spring Festival) + weekly
        start = NOW.date() - timedelta(days=DAYS)
        day_weights = []
        for i in range(DAYS):
            d = start + timedelta(days=i)
            season = 1 + 0.35 * math.sin((d.timetuple().tm_yday - 100) / 365 * 2 * math.pi)
            peak = 1.6 if (d.month == 11 and 12 <= d.day <= 30) or (d.month == 2 and d.day < 20) else 1
            weekly = 0.75 if d.weekday() == 6 else 1
            day_weights.append(season * peak * weekly)
        total = sum(day_weights)
        self.days = [start + timedelta(days=i) for i in range(DAYS)]
        self.day_cum = list(_cumulative([w / total for w in day_weights]))

    def pick_model(self) -> int:
        return _bisect(self.model_cum, self.rng.random()) + 1

    def pick_day(self) -> date:
        return self.days[_bisect(self.day_cum, self.rng.random())]

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def company(self) -> str:
        r = self.rng
        city = r.choice(PROVINCES[r.choice(list(PROVINCES))])[:-1]
        return f"{city}{r.choice(COMPANY)}{r.choice(COMPANY_TAIL)}"

    def address(self) -> tuple[str, str]:
        r = self.rng
        province = r.choice(list(PROVINCES))
        city = r.choice(PROVINCES[province])
        zone = r.choices(("city", "prefecture", "province"), (60, 30, 10))[0]
        return (f"{province}{city}{r.choice(DISTRICTS)}{r.choice(STREETS)}{r.randint(1, 300)}号",
                zone)


def _cumulative(ps):
    acc = 0.0
    for p in ps:
        acc += p
        yield acc


def _bisect(cum, x) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def phone_of(i: int) -> str:
    """Unique mobile numbers spread over real prefixes (13x … 19x)."""
    prefixes = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                "152", "155", "156", "158", "159", "166", "177", "180", "182", "186", "187",
                "188", "189", "191", "199")
    scrambled = (i * 7_919_993) % 100_000_000
    return f"{prefixes[i % len(prefixes)]}{scrambled:08d}"


def generate(*, scale: float, seed: int, log=print, resume: bool = False) -> dict[str, int]:
    from django.db import connection, transaction

    from aftersales.billing.models import Charge, ChargeLine, LedgerEntry
    from aftersales.catalog.models import FaultCode, Part, ProductModel
    from aftersales.core.models import Sequence
    from aftersales.customers.models import Contact, Customer
    from aftersales.devices.models import Device
    from aftersales.inventory.models import StockLevel, StockMove, Warehouse
    from aftersales.network.models import ServicePoint, User
    from aftersales.tickets.models import Ticket, TicketEvent, Visit

    n = sizes(scale)
    world = World(seed, n)
    r = world.rng
    writer = Writer(connection)
    counts: dict[str, int] = {}
    if Customer.objects.exists() and not resume:
        raise SystemExit("the database already holds customers: generate into an empty one "
                         "(or --resume an interrupted run with the same scale and seed)")
    started = time.perf_counter()

    def step(name, model, columns, rows):
        t = time.perf_counter()
        if resume and model.objects.filter(pk__gte=base).exists():
            # written by the interrupted run (each step commits on its own): replay its rows
            # without writing them, so the random stream and what later steps read from
            # this one's rows are exactly as they were
            counts[name] = sum(1 for _row in rows)
            log(f"  {name:<14} {counts[name]:>11,} rows  {time.perf_counter() - t:7.1f} s"
                " (already loaded: replayed)")
            return
        with transaction.atomic():
            counts[name] = writer.write(model, columns, rows)
        log(f"  {name:<14} {counts[name]:>11,} rows  {time.perf_counter() - t:7.1f} s")

    base = 10_000_000  # ids far above whatever the demo or tests made
    points = n["service_points"]
    log(f"generating (scale {scale}, seed {seed}) into {connection.vendor}")
    provinces = list(PROVINCES)
    def point_city(i):
        cities = PROVINCES[provinces[i % len(provinces)]]
        return cities[(i // len(provinces)) % len(cities)]

    step("service points", ServicePoint, ["id", "code", "name", "kind", "tier", "city",
                                          "address", "phone"],
         ((base + i, f"G{i:04d}", f"{point_city(i)}{'授权' if i % 5 else '直营'}服务站{i:03d}",
           "branch" if i % 5 == 0 else "authorized",
           ("diamond", "gold", "a", "general")[i % 4], point_city(i),
           f"{provinces[i % len(provinces)]}{DISTRICTS[i % len(DISTRICTS)]}{STREETS[i % len(STREETS)]}{i % 200 + 1}号",
           f"0311{8000000 + i:07d}") for i in range(points)))
    engineers = points * ENGINEERS_PER_POINT
    step("staff", User, ["id", "username", "password", "role", "service_point_id", "name",
                         "is_active", "is_staff", "is_superuser", "date_joined", "skills"],
         ((base + i, f"g_eng{i:05d}", "!", "engineer", base + i // ENGINEERS_PER_POINT,
           world.person(), True, False, False, NOW,
           json.dumps([CATEGORIES[i % len(CATEGORIES)]])) for i in range(engineers)))
    step("product models", ProductModel, ["id", "code", "name", "category", "warranty_months",
                                          "return_days", "exchange_days", "factory_price"],
         ((base + i, f"GM{i:03d}", f"星耀 {CATEGORIES[i % len(CATEGORIES)]} G{i:03d}",
           CATEGORIES[i % len(CATEGORIES)], 12, 7, 15, str(Decimal(800 + 37 * i)))
          for i in range(1, MODELS + 1)))
    step("parts", Part, ["id", "sku", "name", "price", "cost"],
         ((base + i, f"GP-{i:04d}", f"{COMPONENTS[i % len(COMPONENTS)]} G{i:04d}",
           str(Decimal(20 + (i * 13) % 600)), str(Decimal(10 + (i * 7) % 400)))
          for i in range(1, PARTS + 1)))
    step("fault codes", FaultCode, ["id", "code", "name", "component"],
         ((base + i, f"GF{i:02d}", FAULTS[i % len(FAULTS)], COMPONENTS[i % len(COMPONENTS)])
          for i in range(1, FAULT_CODES + 1)))

    customers = n["customers"]
    zones: list[str] = []

    def customer_rows():
        for i in range(customers):
            company = r.random() < 0.12
            address, zone = world.address()
            zones.append(zone)
            yield (base + i, f"C{i + 1:07d}", world.company() if company else world.person(),
                   "company" if company else "person", phone_of(i), address, zone,
                   base + r.randrange(points), NOW - timedelta(days=r.randrange(DAYS)))

    step("customers", Customer, ["id", "number", "name", "kind", "phone", "address", "zone",
                                 "service_point_id", "created_at"], customer_rows())

    def contact_rows():
        k = 0
        for i in range(0, customers, 9):  # companies and some families have a second contact
            yield (base + k, base + i, world.person(), phone_of(customers + k), "", False)
            k += 1

    step("contacts", Contact, ["id", "customer_id", "name", "phone", "title", "is_primary"],
         contact_rows())

    devices = n["devices"]
    device_owner: list[int] = []
    device_model: list[int] = []

    def device_rows():
        for i in range(devices):
            model = world.pick_model()
            owner = (i * 2_654_435_761) % customers  # most customers own 1–3 units
            device_owner.append(owner)
            device_model.append(model)
            bought = world.pick_day() - timedelta(days=r.randrange(200))
            body = f"86{model:03d}{i:09d}"[:14]
            yield (base + i, f"SN{model:03d}{i:09d}", body + luhn_digit(body), base + model,
                   base + owner, bought, f"FP{i:09d}", f"K{i:09d}",
                   bought - timedelta(days=r.randrange(10, 90)))

    step("devices", Device, ["id", "serial", "imei", "model_id", "customer_id", "purchase_date",
                             "invoice_no", "warranty_card_no", "manufactured_on"], device_rows())

    tickets = n["tickets"]
    kinds = ("repair",) * 14 + ("consultation",) * 3 + ("installation", "maintenance", "exchange",
                                                        "return", "complaint", "training")
    day_counter: dict[date, int] = {}
    ticket_meta: list[tuple] = []

    def ticket_rows():
        for i in range(tickets):
            unit = r.randrange(devices)
            owner = device_owner[unit]
            day = world.pick_day()
            seq = day_counter.get(day, 0) + 1
            day_counter[day] = seq
            created = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                seconds=r.randrange(1 * 3600, 12 * 3600))  # 09:00–20:00 China time
            mode = r.choices(("onsite", "send_in", "remote"), (45, 40, 15))[0]
            kind = r.choice(kinds)
            finished = (NOW - created).days > 10 or r.random() < 0.93
            status = "closed" if finished else r.choice(
                ("new", "responded", "assigned", "scheduled", "on_site", "diagnosed",
                 "awaiting_approval", "in_repair", "on_hold", "resolved"))
            engineer = base + (owner % points) * ENGINEERS_PER_POINT + r.randrange(ENGINEERS_PER_POINT) \
                if status not in ("new", "responded") else None
            responded = created + timedelta(minutes=r.randint(2, 25))
            resolved = created + timedelta(hours=r.randint(4, 96)) if status in ("closed", "resolved") else None
            priority = r.choices(("urgent", "high", "normal", "low"), (4, 14, 70, 12))[0]
            breached = r.random() < 0.07
            ticket_meta.append((base + i, created, status, engineer, resolved, mode, base + owner))
            fault = base + 1 + r.randrange(FAULT_CODES)
            yield (base + i, f"SR{day:%Y%m%d}-{seq:04d}", status, kind, mode, priority,
                   r.choices(("phone", "web", "email", "walk_in", "chat", "fax"), (55, 15, 8, 12, 9, 1))[0],
                   base + owner, base + unit, base + (owner % points), engineer, fault,
                   FAULTS[(fault - base) % len(FAULTS)], f"t{seed}x{i:09d}",
                   responded, resolved, resolved + timedelta(days=2) if status == "closed" else None,
                   created + timedelta(minutes=10), created + timedelta(hours=48),
                   None if status in ("closed", "resolved") else created + timedelta(hours=48),
                   breached, created, resolved or created)

    step("tickets", Ticket, ["id", "number", "status", "kind", "mode", "priority", "channel",
                             "customer_id", "device_id", "service_point_id", "engineer_id",
                             "fault_code_id", "summary", "tracking_secret", "responded_at",
                             "resolved_at", "closed_at", "respond_due", "resolve_due",
                             "sla_next_due", "sla_breached", "created_at", "updated_at"],
         ticket_rows())

    def event_rows():
        k = 0
        for tid, created, status, engineer, resolved, _mode, _owner in ticket_meta:
            yield (base + k, tid, "open", None, created, "", "new", "{}")
            k += 1
            if status != "new":
                yield (base + k, tid, "respond", None, created + timedelta(minutes=8), "new",
                       "responded", "{}")
                k += 1
            if resolved is not None:
                yield (base + k, tid, "resolve", engineer, resolved, "in_repair", "resolved", "{}")
                k += 1

    step("ticket events", TicketEvent, ["id", "ticket_id", "action", "actor_id", "at",
                                        "from_status", "to_status", "data"], event_rows())

    def visit_rows():
        k = 0
        for tid, created, _status, engineer, resolved, mode, _owner in ticket_meta:
            if mode != "onsite" or engineer is None:
                continue
            at = created + timedelta(hours=r.randint(3, 40))
            yield (base + k, tid, engineer, 1, at, at + timedelta(minutes=r.randint(-20, 40)),
                   at + timedelta(hours=1, minutes=r.randint(0, 120)) if resolved else None,
                   "fixed" if resolved else "")
            k += 1

    step("visits", Visit, ["id", "ticket_id", "engineer_id", "trip_no", "scheduled_at",
                           "arrived_at", "departed_at", "outcome"], visit_rows())

    paid = [m for m in ticket_meta if m[4] is not None and (m[0] % 3 == 0)]  # a third paid

    step("charges", Charge, ["id", "ticket_id", "customer_id", "resolved_on", "due_on",
                             "created_at"],
         ((m[0], m[0], m[6], m[4].date(), m[4].date(), m[4]) for m in paid))
    step("charge lines", ChargeLine, ["id", "charge_id", "posting", "position", "kind",
                                      "description", "qty", "unit_price", "amount"],
         ((m[0], m[0], 1, 1, "visit", "上门服务费", 1, "50.00", "50.00") for m in paid))

    def ledger_rows():
        for m in paid:  # the charge falls due, then it is paid
            yield (2 * m[0], m[0], m[6], "charge", "50.00", "", m[4])
            yield (2 * m[0] + 1, m[0], m[6], "payment", "-50.00",
                   r.choice(("cash", "wechat", "alipay", "transfer")), m[4])

    step("ledger", LedgerEntry, ["id", "charge_id", "customer_id", "kind", "amount", "method",
                                 "created_at"], ledger_rows())

    warehouses = points + 1
    step("warehouses", Warehouse, ["id", "code", "name", "service_point_id", "active"],
         ((base + i, f"GW{i:04d}", f"网点仓 {i:04d}" if i else "总部中心仓",
           base + max(i - 1, 0), True) for i in range(warehouses)))
    step("stock levels", StockLevel, ["id", "warehouse_id", "part_id", "on_hand"],
         ((base + w * PARTS + p, base + w, base + p + 1, 50 if w else 5000)
          for w in range(min(warehouses, 60)) for p in range(PARTS)))

    def move_rows():
        for i in range(n["stock_moves"]):
            w = r.randrange(min(warehouses, 60))
            kind, qty = r.choice((("receipt", r.randint(1, 20)), ("issue", -r.randint(1, 3)),
                                  ("transfer_in", r.randint(1, 10)), ("transfer_out", -r.randint(1, 10))))
            yield (base + i, base + w, base + 1 + r.randrange(PARTS), kind, qty,
                   NOW - timedelta(minutes=r.randrange(DAYS * 1440)))

    step("stock moves", StockMove, ["id", "warehouse_id", "part_id", "kind", "qty", "created_at"],
         move_rows())

    with transaction.atomic():
        Sequence.objects.update_or_create(name="C", period="",
                                          defaults={"value": customers + 1000})
        for day, count in day_counter.items():
            Sequence.objects.update_or_create(name="SR", period=f"{day:%Y%m%d}",
                                              defaults={"value": count})
    _reset_sequences(connection)
    log(f"done in {time.perf_counter() - started:.0f} s")
    return counts


def _reset_sequences(connection) -> None:
    """Identity sequences past the generated ids, fresh planner statistics, and on
    PostgreSQL the visibility map a database in service has (autovacuum keeps it): without
    it an index-only scan (the fault analysis's) visits every table page after all."""
    from django.apps import apps
    from django.core.management.color import no_style

    models = [m for m in apps.get_models() if m._meta.app_label.startswith(("core", "network",
              "catalog", "customers", "devices", "tickets", "billing", "inventory"))]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2611)
    parser.add_argument("--resume", action="store_true",
                        help="finish an interrupted run (same scale and seed): the steps it "
                             "committed are replayed, not written again")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    counts = generate(scale=args.scale, seed=args.seed, resume=args.resume)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
