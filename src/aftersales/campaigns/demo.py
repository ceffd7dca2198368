"""Twelve months of history for `aftersales demo`, so the dashboards mean something on
first start: monthly sales records, repair requests with a seasonal rhythm (busy around
the Spring Festival and in the summer), repeat faults, rated jobs, a few unpaid bills,
contracts renewed and lapsing, sales staff owning accounts, an X9 battery recall, and
the follow-up sweep run once (renewal leads, preventive visits).

Every record is made through the services; the past is then written into the
timestamps (received, responded, resolved) of the tickets this module made, so the
reports see a year rather than one afternoon. Deterministic (seeded)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aftersales.billing.selectors import charge_outstanding
from aftersales.billing.services import bill_contract, record_payment
from aftersales.catalog.models import FaultCode, ProductModel
from aftersales.catalog.services import record_sales
from aftersales.contracts.models import Contract
from aftersales.contracts.services import renew_contract
from aftersales.core.errors import DomainError
from aftersales.customers.models import Customer
from aftersales.customers.services import set_account_owner
from aftersales.devices.models import Device
from aftersales.devices.warranty import add_months
from aftersales.network.models import User
from aftersales.network.services import create_staff
from aftersales.tickets import services as ticket_services
from aftersales.tickets.models import Ticket, TicketEvent

from .services.campaigns import create_campaign
from .sweeps import run_followup_sweeps

# relative ticket volume per calendar month (Spring Festival, summer heat, back to school)
SEASON = {1: 1.5, 2: 1.3, 3: 0.8, 4: 0.8, 5: 0.9, 6: 1.1, 7: 1.4, 8: 1.4, 9: 1.0, 10: 0.9,
          11: 1.0, 12: 1.1}
FAULTS_BY_CATEGORY = {"手机": ["F-SCR", "F-BAT", "F-BOOT", "F-NET", "F-CAM", "F-AUD"],
                      "平板": ["F-SCR", "F-BAT", "F-SW"], "网络设备": ["F-PWR", "F-NET"],
                      "监控系统": ["F-HDD", "F-PWR"], "商用设备": ["F-PRN", "F-PWR"]}
DEMO_PASSWORD = "service-demo"  # the demo loader's, passes the password validators
EXTRA_STAFF = [("sales", "钱销售", "sales"), ("sales2", "许销售", "sales"),
               ("rnd", "研发部 韩工", "rnd"), ("production", "生产部 曹主管", "production")]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59)),
                            tzinfo=timezone.get_current_timezone())


def _backdate(ticket: Ticket, *, received: datetime, responded: datetime | None,
              resolved: datetime | None) -> None:
    """Move the ticket's timeline into the past (the demo's year), keeping its shape."""
    shift = received - ticket.created_at
    fields = {"created_at": received, "responded_at": responded, "resolved_at": resolved,
              "respond_met_at": responded, "resolve_met_at": resolved}
    for name in ("respond_due", "onsite_due", "resolve_due", "escalate_due", "sla_next_due",
                 "closed_at", "signed_at"):
        value = getattr(ticket, name)
        fields[name] = value + shift if value else None
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    for event in TicketEvent.objects.filter(ticket=ticket).order_by("pk"):
        TicketEvent.objects.filter(pk=event.pk).update(at=event.at + shift)


def _staff(root: User) -> dict[str, User]:
    made = {}
    for username, name, role in EXTRA_STAFF:
        made[username] = User.objects.filter(username=username).first() or create_staff(
            actor=root, username=username, password=DEMO_PASSWORD, name=name, role=role,
            service_point=None, phone=f"1390000{len(made):04d}")
    return made


def _sales_records(root: User, today: date, rng: random.Random) -> int:
    made = 0
    first = today.replace(day=1)
    for model in ProductModel.objects.order_by("code"):
        base = rng.randint(300, 1500) if model.category in ("手机", "平板") else rng.randint(20, 80)
        for back in range(12, 0, -1):
            month = add_months(first, -back)
            record_sales(actor=root, model=model, month=month,
                         units=int(base * SEASON[month.month] * rng.uniform(0.85, 1.15)))
            made += 1
    return made


def _worked_ticket(*, boss: User, engineer: User, device: Device, fault, rng) -> Ticket:
    """A remote repair received, answered, assigned, resolved and rated."""
    ticket = ticket_services.open_ticket(
        actor=boss, customer=device.customer, device=device,
        channel=rng.choices(["phone", "web", "chat", "walk_in", "email"],
                            weights=[50, 20, 15, 10, 5])[0],
        kind="repair", priority="normal", mode="remote",
        summary=f"{fault.name if fault else '故障'}（历史记录）", fault_code=fault)
    ticket_services.respond(actor=boss, ticket=ticket)
    ticket_services.assign(actor=boss, ticket=ticket, engineer=engineer)
    ticket = ticket_services.resolve(actor=engineer, ticket=ticket,
                                     resolution="远程指导/更换处理")
    ticket = ticket_services.test(actor=engineer, ticket=ticket, note="客户确认恢复正常")
    return ticket_services.sign_off(
        actor=engineer, ticket=ticket, signed_by=device.customer.name[:20],
        satisfaction=rng.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 5, 2])[0])


def _history_tickets(root: User, today: date, rng: random.Random, count: int) -> int:
    managers = list(User.objects.filter(role=User.Role.MANAGER, service_point__isnull=True))
    engineers = list(User.objects.filter(role=User.Role.ENGINEER).order_by("username"))
    faults = {f.code: f for f in FaultCode.objects.all()}
    devices = list(Device.objects.select_related("customer", "model")
                   .filter(purchase_date__isnull=False).order_by("pk")[:300])
    if not (managers and engineers and devices and faults):
        return 0
    boss, finance = managers[0], User.objects.filter(role=User.Role.FINANCE).first() or root
    weights = [SEASON[(today - timedelta(days=d)).month] for d in range(1, 366)]
    repeat_of: list[Device] = []
    made = 0
    for _index in range(count):
        back = rng.choices(range(1, 366), weights=weights)[0]
        day = today - timedelta(days=back)
        device = rng.choice(repeat_of) if repeat_of and rng.random() < 0.12 \
            else rng.choice(devices)
        if device.customer.blocked:
            continue
        codes = [c for c in FAULTS_BY_CATEGORY.get(device.model.category, []) if c in faults]
        fault = faults[rng.choice(codes)] if codes else None
        local = [e for e in engineers if e.service_point_id == device.customer.service_point_id]
        engineer = rng.choice(local or engineers)
        try:
            with transaction.atomic():  # a job refused midway leaves nothing behind
                ticket = _worked_ticket(boss=boss, engineer=engineer, device=device,
                                        fault=fault, rng=rng)
        except DomainError:
            continue

        owed = charge_outstanding(charge_id=ticket.charge.pk) if hasattr(ticket, "charge") \
            else Decimal("0")
        if owed and (back > 20 or rng.random() < 0.7) and rng.random() < 0.93:
            record_payment(actor=finance, ticket=ticket, amount=owed,
                           method=rng.choice(["cash", "wechat", "alipay", "transfer"]))
        received = _at(day, rng)
        responded = received + timedelta(minutes=rng.choice([2, 3, 4, 5, 6, 8, 12, 25]))
        resolved = received + timedelta(hours=rng.choice([1, 2, 3, 5, 8, 20, 30, 52]))
        _backdate(ticket, received=received, responded=responded, resolved=resolved)
        if rng.random() < 0.15:
            repeat_of.append(device)
        made += 1
    return made


def _contracts(root: User, today: date, rng: random.Random) -> dict[str, int]:
    renewed = 0
    for contract in Contract.objects.filter(status=Contract.Status.ACTIVE,
                                            renewed_from__isnull=True).order_by("pk")[:6]:
        if rng.random() < 0.5:
            try:
                renew_contract(actor=root, contract=contract, bill=bill_contract)
                renewed += 1
            except DomainError:
                continue
    # a few contracts ending soon, so renewal leads are there to work
    ending = 0
    for contract in (Contract.objects.filter(status=Contract.Status.ACTIVE, renewal__isnull=True,
                                             starts_on__lte=today - timedelta(days=30),
                                             ends_on__gt=today + timedelta(days=60))
                     .order_by("pk")[:4]):
        Contract.objects.filter(pk=contract.pk).update(
            ends_on=today + timedelta(days=20 + 10 * ending))
        ending += 1
    return {"contracts_renewed": renewed, "contracts_ending_soon": ending}


def load_history_demo(*, actor: User, seed: int = 20261123, tickets: int = 240) -> dict:
    """The year behind the demo (see the module's text); returns what it made."""
    rng = random.Random(seed + 15)
    today = timezone.localdate()
    staff = _staff(actor)
    companies = list(Customer.objects.filter(kind="company").order_by("pk")[:40])
    for index, customer in enumerate(companies):
        if index % 3 != 2:
            set_account_owner(actor=actor, customer=customer,
                              owner=staff["sales"] if index % 2 else staff["sales2"])
    summary = {"sales_records": _sales_records(actor, today, rng),
               "history_tickets": _history_tickets(actor, today, rng, tickets)}
    summary.update(_contracts(actor, today, rng))
    serials = list(Device.objects.filter(model__code="X9").order_by("serial")
                   .values_list("serial", flat=True)[:12])
    if serials:
        try:
            campaign = create_campaign(
                actor=actor, kind="recall", model=ProductModel.objects.get(code="X9"),
                serial_from=serials[0], serial_to=serials[-1], title="X9 电池主动召回",
                body="您的星耀 X9 所用批次电池可能过热，我们将免费为您更换，工程师会与您联系预约。")
            summary["recall_units"] = campaign.units.count()
        except DomainError:
            summary["recall_units"] = 0
    done = run_followup_sweeps()
    summary["leads"] = done["renewal_leads"] + done["expired_warranty_leads"]
    summary["preventive_visits"] = done["preventive_visits"]
    return summary
