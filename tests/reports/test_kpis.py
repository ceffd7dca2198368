"""API.md "Reports": engineer and service-point KPIs, exact per row on tickets worked
through the services under a frozen clock, and equal in the Excel (Chinese headers)."""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.billing.selectors import charge_outstanding
from aftersales.billing.services import record_payment
from aftersales.tickets import services as ts
from tests.conftest import ApiClient

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
        ts.sign_off(actor=e2, ticket=t5, signed_by="客户", satisfaction=4)
    return boss


def test_engineer_kpis_are_exact_and_equal_in_excel(worked):
    api = ApiClient(worked)
    query = {"from": "2026-11-01", "to": "2026-11-30", "group": "engineer"}
    rows = api.get("/reports/kpis", query).json()["rows"]
    assert rows == [
        {"key": "e1", "name": "工程师一", "tickets": 4, "first_response_minutes_median": "6.0",
         "resolve_hours_median": "3.00", "first_time_fix_rate": "0.5000",
         "repeat_repairs": 1, "satisfaction_avg": "4.00"},
        {"key": "e2", "name": "工程师二", "tickets": 1, "first_response_minutes_median": "20.0",
         "resolve_hours_median": "1.00", "first_time_fix_rate": "1.0000",
         "repeat_repairs": 0, "satisfaction_avg": "4.00"},
    ]
    sheet = load_workbook(BytesIO(api.get("/reports/kpis", {**query, "format": "xlsx"})
                                  .content)).active
    values = list(sheet.values)
    assert values[0][:4] == ("键", "名称", "工单", "首次响应中位数（分钟）")
    assert len(values) == 1 + len(rows)
    for excel, row in zip(values[1:], rows):
        assert all(same(cell, value) for cell, value in zip(excel, row.values(), strict=True))


def same(cell, value) -> bool:
    """An Excel cell equals the JSON figure (numbers compared as exact decimals)."""
    if value is None or isinstance(value, int):
        return cell == value
    try:
        return Decimal(str(cell)) == Decimal(value)
    except ArithmeticError:
        return cell == value


def test_service_point_kpis_and_the_filters(worked):
    api = ApiClient(worked)
    rows = api.get("/reports/kpis", {"from": "2026-11-01", "to": "2026-11-15",
                                     "group": "service_point"}).json()["rows"]
    assert [(r["key"], r["name"], r["tickets"], r["repeat_repairs"]) for r in rows] == [
        ("SPA", "一站", 3, 0), ("SPB", "二站", 1, 0)]
    bad = api.get("/reports/kpis", {"from": "2026-11-30", "to": "2026-11-01"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "to"
    unknown = api.get("/reports/kpis", {"from": "2026-11-01", "to": "2026-11-30",
                                        "model": "NOPE"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "model"
