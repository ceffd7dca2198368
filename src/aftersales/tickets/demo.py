"""Demo tickets for `aftersales demo`: jobs at every stage of the workflow, driven through
the same services as the API so events, clocks, charges and stock all agree."""
import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from aftersales.billing.selectors import ticket_money
from aftersales.billing.services import record_payment
from aftersales.catalog.models import FaultCode
from aftersales.devices.models import Device
from aftersales.network.models import User

from . import clocks, services

SUMMARIES = {
    "F-SCR": "屏幕不显示，有花屏", "F-BAT": "电池充不进电，续航很短", "F-BOOT": "手机无法开机",
    "F-NET": "没有信号，无法上网", "F-CAM": "拍照模糊", "F-AUD": "通话没有声音",
    "F-HDD": "录像机硬盘报错，录像丢失", "F-PWR": "设备不通电", "F-PRN": "小票打印卡纸",
    "F-SW": "系统经常死机",
}
# the faults that can happen to each product category (a cash register has no SIM signal)
FAULTS_BY_CATEGORY = {
    "手机": ["F-SCR", "F-BAT", "F-BOOT", "F-NET", "F-CAM", "F-AUD", "F-SW"],
    "平板": ["F-SCR", "F-BAT", "F-BOOT", "F-AUD", "F-SW"],
    "网络设备": ["F-NET", "F-PWR", "F-SW"],
    "监控系统": ["F-HDD", "F-PWR", "F-NET", "F-SW"],
    "商用设备": ["F-PRN", "F-PWR", "F-SCR", "F-SW"],
}
SUMMARIES_BY_CATEGORY = {
    ("网络设备", "F-NET"): "路由器频繁断网", ("网络设备", "F-SW"): "管理界面打不开，设备死机",
    ("网络设备", "F-PWR"): "路由器不通电", ("监控系统", "F-NET"): "录像机离线，远程看不到画面",
    ("监控系统", "F-SW"): "录像机界面卡死", ("商用设备", "F-SCR"): "收银机屏幕不显示",
    ("商用设备", "F-SW"): "收银系统经常死机",
}
# appointments fall in the working windows (09:00-12:00, 13:30-18:00) of working days
SLOTS = [(9, 0), (9, 30), (10, 0), (10, 30), (11, 0), (13, 30), (14, 0), (14, 30), (15, 0),
         (15, 30), (16, 0), (16, 30), (17, 0)]
# (final stage, how many)
PLAN = [("new", 10), ("responded", 5), ("assigned", 8), ("scheduled", 5), ("on_site", 3),
        ("awaiting_approval", 4), ("in_repair", 4), ("on_hold", 3), ("resolved", 6),
        ("closed", 10), ("cancelled", 2), ("send_in", 3)]
STAGES = ["responded", "assigned", "scheduled", "on_site", "diagnosed", "awaiting_approval",
          "in_repair", "resolved", "closed"]


def _engineer_for(device: Device, engineers: list[User], rng: random.Random) -> User:
    point_id = device.customer.service_point_id
    local = [e for e in engineers if e.service_point_id == point_id]
    return rng.choice(local or [e for e in engineers if e.service_point_id is None])


def load_tickets_demo(*, actor: User, seed: int = 20261123) -> dict:
    rng = random.Random(seed)
    engineers = list(User.objects.filter(role=User.Role.ENGINEER).order_by("username"))
    faults = {f.code: f for f in FaultCode.objects.all()}
    devices = list(Device.objects.select_related("customer", "model").order_by("id")[:400])
    rng.shuffle(devices)
    order = [stage for stage, count in PLAN for _ in range(count)]
    rng.shuffle(order)  # a small demo still shows every stage
    made = 0
    for stage in order:
        if not devices:
            break
        device = devices.pop()
        category = device.model.category
        code = rng.choice(FAULTS_BY_CATEGORY.get(category, list(SUMMARIES)))
        summary = SUMMARIES_BY_CATEGORY.get((category, code), SUMMARIES[code])
        send_in = stage == "send_in"
        ticket = services.open_ticket(
            actor=actor, customer=device.customer, device=device,
            channel=rng.choice(["phone", "phone", "web", "email", "walk_in", "chat"]),
            kind="repair", priority=rng.choice(["urgent", "high", "normal", "normal", "low"]),
            mode="send_in" if send_in else "onsite", summary=summary,
            fault_code=faults.get(code), contact_name=device.customer.name,
            contact_phone=device.customer.phone)
        made += 1
        if send_in:
            services.receive(actor=actor, ticket=ticket, condition="外壳轻微划痕",
                             accessories=["充电器", "数据线"], location="维修台A-3")
            continue
        _advance(ticket, stage, actor=actor, engineer=_engineer_for(device, engineers, rng),
                 fault=faults.get(code), rng=rng)
    return {"tickets": made}


def _appointment(rng: random.Random):
    """A slot inside the working windows, on one of the next working days (the statutory
    calendar: holidays skipped, 调休 Saturdays worked)."""
    day = timezone.localdate() + timedelta(days=rng.randint(1, 3))
    calendar = clocks.load_calendar(years=range(day.year, day.year + 2))
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    hour, minute = rng.choice(SLOTS)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _advance(ticket, stage, *, actor, engineer, fault, rng):
    if stage == "new":
        return
    if stage == "cancelled":
        services.cancel(actor=actor, ticket=ticket, reason="客户已自行解决")
        return
    target = "on_site" if stage == "on_hold" else stage
    last = STAGES.index(target) if target in STAGES else 0
    steps = STAGES[: last + 1]
    ticket = services.respond(actor=actor, ticket=ticket, note="已致电客户，工程师将联系")
    if "assigned" in steps:
        ticket = services.assign(actor=actor, ticket=ticket, engineer=engineer)
    if "scheduled" in steps:
        at = _appointment(rng)
        ticket = services.schedule_visit(actor=engineer, ticket=ticket, at=at)
    if "on_site" in steps:
        ticket = services.arrive(actor=engineer, ticket=ticket)
    if stage == "on_hold":
        services.hold(actor=engineer, ticket=ticket, reason="parts")
        return
    if "diagnosed" in steps and fault is not None:
        ticket = services.diagnose(actor=engineer, ticket=ticket, fault_code=fault,
                                   findings="检测确认故障", evidence={"invoice": True,
                                                                 "warranty_card": True})
    if "awaiting_approval" in steps:
        lines = [{"kind": "labour", "rate": "STD", "qty": 1}]  # the published labour rate
        ticket = services.quote(actor=engineer, ticket=ticket, lines=lines)
        if stage == "awaiting_approval":
            return
        if ticket.status == "awaiting_approval":
            ticket = services.approve_quote(actor=actor, ticket=ticket)
    if stage == "in_repair":
        return
    if "resolved" in steps:
        ticket = services.resolve(actor=engineer, ticket=ticket, resolution="已修复，测试正常")
        ticket = services.test(actor=engineer, ticket=ticket, note="开机测试正常")
        ticket = services.sign_off(actor=engineer, ticket=ticket, signed_by="客户本人",
                                   satisfaction=rng.choice([4, 5, 5]))
    if stage == "closed":
        ticket = services.callback(actor=actor, ticket=ticket, satisfaction=rng.choice([4, 5]),
                                   comment="服务及时，态度很好")
        outstanding = ticket_money(ticket=ticket)["outstanding"]
        if outstanding:
            record_payment(actor=actor, ticket=ticket, amount=outstanding,
                           method=rng.choice(["wechat", "alipay", "cash"]))
        services.close(actor=actor, ticket=ticket)
