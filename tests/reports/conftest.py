"""Data sets for the report tests, built through the services under a frozen clock."""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.billing.selectors import charge_outstanding
from aftersales.billing.services import record_payment
from aftersales.catalog.services import create_product_model, record_sales
from aftersales.devices.services import register_device
from aftersales.inventory import services as inventory_services
from aftersales.tickets import services as ts
from tests.factories import FaultCodeFactory, PartFactory
from tests.inventory.factories import WarehouseFactory
from tests.network.conftest import frozen, site  # noqa: F401 (fixtures shared with network)

TZ = ZoneInfo("Asia/Shanghai")


def at(hhmm: str, day: int = 10):
    hour, minute = map(int, hhmm.split(":"))
    return time_machine.travel(datetime(2026, 11, day, hour, minute, tzinfo=TZ), tick=False)


def _open(customer, *, device=None, mode="remote", hhmm, day=10):
    with at(hhmm, day):
        return ts.open_ticket(actor=None, customer=customer, device=device, channel="phone",
                              kind="repair", priority="normal", mode=mode, summary="故障")


@pytest.fixture
def worked(service_point_factory, user_factory, customer_factory, device_factory):
    """Engineer e1 (point A): T1 remote, T2 two trips, T3 open, T4 a repeat repair of
    T2's unit; engineer e2 (point B): T5."""
    a = service_point_factory(code="SPA", name="一站")
    b = service_point_factory(code="SPB", name="二站")
    boss = user_factory(username="kpi_boss", role="manager")
    e1 = user_factory(username="e1", name="工程师一", role="engineer", service_point=a)
    e2 = user_factory(username="e2", name="工程师二", role="engineer", service_point=b)
    ca, cb = customer_factory(service_point=a), customer_factory(service_point=b)
    unit = device_factory(customer=ca, purchase_date=date(2026, 6, 1))

    t1 = _open(ca, hhmm="09:00")
    with at("09:04"):
        ts.respond(actor=boss, ticket=t1)
    with at("09:05"):
        ts.assign(actor=boss, ticket=t1, engineer=e1)
    with at("11:00"):
        ts.resolve(actor=e1, ticket=t1, resolution="电话指导")
        ts.test(actor=e1, ticket=t1, note="测试正常")
        ts.sign_off(actor=e1, ticket=t1, signed_by="客户", satisfaction=5)

    t2 = _open(ca, device=unit, mode="onsite", hhmm="10:00")
    with at("10:10"):
        ts.respond(actor=boss, ticket=t2)
        ts.assign(actor=boss, ticket=t2, engineer=e1)
    with at("11:00"):
        ts.arrive(actor=e1, ticket=t2)
    with at("11:30"):
        ts.depart(actor=e1, ticket=t2, outcome="revisit")
    with at("12:50"):
        ts.approve_visit(actor=boss, ticket=t2)
    with at("13:00"):
        ts.arrive(actor=e1, ticket=t2)
    with at("13:40"):
        ts.depart(actor=e1, ticket=t2, outcome="fixed")
    with at("14:00"):
        ts.resolve(actor=e1, ticket=t2, resolution="换屏")
        ts.test(actor=e1, ticket=t2, note="测试正常")
        ts.sign_off(actor=e1, ticket=t2, signed_by="客户", satisfaction=3)
        owed = charge_outstanding(charge_id=t2.charge.pk)
        if owed:
            record_payment(actor=boss, ticket=t2, amount=owed, method="cash")

    t3 = _open(ca, hhmm="10:30")
    with at("10:36"):
        ts.respond(actor=boss, ticket=t3)
        ts.assign(actor=boss, ticket=t3, engineer=e1)

    t4 = _open(ca, device=unit, hhmm="09:00", day=20)
    with at("09:30", 20):
        ts.assign(actor=boss, ticket=t4, engineer=e1)

    t5 = _open(cb, hhmm="15:00")
    with at("15:20"):
        ts.respond(actor=boss, ticket=t5)
        ts.assign(actor=boss, ticket=t5, engineer=e2)
    with at("16:00"):
        ts.resolve(actor=e2, ticket=t5)
        ts.test(actor=e2, ticket=t5, note="测试正常")
        ts.sign_off(actor=e2, ticket=t5, signed_by="客户", satisfaction=4)
    return boss


def same(cell, value) -> bool:
    """An Excel cell equals the JSON figure (numbers compared as exact decimals)."""
    if value is None or isinstance(value, int):
        return cell == value
    try:
        return Decimal(str(cell)) == Decimal(value)
    except ArithmeticError:
        return cell == value


def assert_excel_equals(response, rows: list[dict], headers: tuple = ()):
    """The workbook has the JSON's rows, cell for cell (the table's columns in order)."""
    assert response.status_code == 200
    values = list(load_workbook(BytesIO(response.content)).active.values)
    if headers:
        assert values[0][:len(headers)] == headers
    assert len(values) == 1 + len(rows)
    return values


@pytest.fixture
def budget_data(admin_user, user_factory, customer_factory, service_point_factory):
    """Model B5 (factory price 2000.00), 100 units sold in 2026 by the sales sheet, one
    warranty repair that used two screens (cost 100.00 each)."""
    point = service_point_factory(code="SPBUD", name="预算站")
    boss = user_factory(username="bud_boss", role="manager")
    engineer = user_factory(username="bud_eng", role="engineer", service_point=point)
    model = create_product_model(actor=admin_user, code="B5", name="B5 平板", category="平板",
                                 factory_price=Decimal("2000.00"))
    record_sales(actor=admin_user, model=model, month=date(2026, 3, 1), units=100)
    record_sales(actor=admin_user, model=model, month=date(2025, 12, 1), units=40)
    screen = PartFactory(sku="SCR-B5", name="屏幕", price="300.00", cost="100.00")
    store = WarehouseFactory(code="BUD-01", service_point=point)
    inventory_services.receive_stock(actor=admin_user, warehouse=store, part=screen, qty=5)
    customer = customer_factory(service_point=point)
    unit = register_device(actor=admin_user, serial="B5-0001", model=model, customer=customer,
                           purchase_date=date(2026, 5, 1), invoice_no="FP1",
                           warranty_card_no="K1")
    fault = FaultCodeFactory(code="F-B5", name="花屏", component="屏幕")
    with time_machine.travel(datetime(2026, 11, 12, 10, 0, tzinfo=TZ), tick=False):
        ticket = ts.open_ticket(actor=boss, customer=customer, device=unit, channel="phone",
                                kind="repair", priority="normal", mode="onsite",
                                summary="花屏")
        ts.respond(actor=boss, ticket=ticket)
        ts.assign(actor=boss, ticket=ticket, engineer=engineer)
        ts.arrive(actor=engineer, ticket=ticket)
        ts.diagnose(actor=engineer, ticket=ticket, fault_code=fault)
        ts.use_part(actor=engineer, ticket=ticket, sku="SCR-B5", qty=2)
        ts.depart(actor=engineer, ticket=ticket, outcome="fixed")
        ts.resolve(actor=engineer, ticket=ticket, resolution="换屏")
    return boss
