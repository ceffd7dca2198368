"""The report endpoints: monthly fault analysis and SLA compliance, JSON and Excel."""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from aftersales.reports.rates import rate
from aftersales.tickets.models import Ticket
from aftersales.tickets.services import open_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def boss(user_factory):
    return user_factory(username="report_boss", role="manager")


def _ticket(*, actor, device, fault, resolved_at=None, **sla):
    ticket = open_ticket(actor=actor, customer=device.customer, device=device, channel="phone",
                         kind="repair", priority="normal", mode="onsite", summary="坏了",
                         fault_code=fault)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=resolved_at, **sla)
    return ticket


def test_rate_is_exact_to_four_places():
    assert rate(1, 3) == Decimal("0.3333")
    assert rate(2, 3) == Decimal("0.6667")
    assert rate(5, 0) == Decimal("0.0000")


def test_fault_analysis_by_model_and_fault_code(api_for, boss, device_factory,
                                                product_model_factory, fault_code_factory):
    # given: 4 units of X9 sold by November, 2 screen repairs resolved in November,
    # one in October (not counted)
    x9 = product_model_factory(code="X9")
    units = [device_factory(model=x9, purchase_date=date(2026, 6, 1)) for _ in range(4)]
    device_factory(model=x9, purchase_date=date(2026, 12, 5))  # sold after the month
    screen = fault_code_factory(code="F-SCR", name="花屏", component="屏幕")
    november = datetime(2026, 11, 10, 10, tzinfo=SHANGHAI)
    _ticket(actor=boss, device=units[0], fault=screen, resolved_at=november)
    _ticket(actor=boss, device=units[1], fault=screen,
            resolved_at=datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI))
    _ticket(actor=boss, device=units[2], fault=screen,
            resolved_at=datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI))
    # when
    body = api_for(boss).get("/reports/fault-analysis", {"month": "2026-11"}).json()
    # then
    assert body["rows"] == [{"model": "X9", "model_name": x9.name, "fault_code": "F-SCR",
                             "fault_name": "花屏", "component": "屏幕", "repairs": 2,
                             "units_sold": 4, "repair_rate": "0.5000"}]


def test_fault_analysis_as_excel(api_for, boss, device_factory, fault_code_factory):
    device = device_factory(purchase_date=date(2026, 1, 1))
    _ticket(actor=boss, device=device, fault=fault_code_factory(code="F-BAT"),
            resolved_at=datetime(2026, 11, 2, tzinfo=SHANGHAI))
    response = api_for(boss).get("/reports/fault-analysis", {"month": "2026-11",
                                                             "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2
    assert rows[1][2] == "F-BAT"
    assert rows[1][5:7] == (1, 1)


def test_a_bad_month_is_422(api_for, boss):
    response = api_for(boss).get("/reports/fault-analysis", {"month": "2026-13"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "month"


def test_agents_do_not_read_reports(agent_api):
    assert agent_api.get("/reports/sla", {"from": "2026-11-01",
                                          "to": "2026-11-30"}).status_code == 403


def test_sla_compliance_counts_each_target(api_for, boss, device_factory, fault_code_factory):
    # given
    due = datetime(2026, 11, 10, 12, tzinfo=SHANGHAI)
    early, late = datetime(2026, 11, 10, 11, tzinfo=SHANGHAI), datetime(
        2026, 11, 10, 13, tzinfo=SHANGHAI)
    fault = fault_code_factory()
    a = _ticket(actor=boss, device=device_factory(), fault=fault, respond_due=due,
                respond_met_at=early, onsite_due=due, onsite_met_at=early, resolve_due=due,
                resolve_met_at=late, sla_breached=True)
    b = _ticket(actor=boss, device=device_factory(), fault=fault, respond_due=due,
                respond_met_at=late, onsite_due=due, onsite_met_at=None, resolve_due=due,
                resolve_met_at=early)
    received = datetime(2026, 11, 10, 9, tzinfo=SHANGHAI)
    Ticket.objects.filter(pk__in=[a.pk, b.pk]).update(created_at=received)
    # when
    body = api_for(boss).get("/reports/sla", {"from": "2026-11-10", "to": "2026-11-10"}).json()
    # then
    assert body == {"tickets": 2, "responded_in_time": 1, "onsite_in_time": 1,
                    "resolved_in_time": 1, "breached": 1}
    empty = api_for(boss).get("/reports/sla", {"from": "2026-11-11", "to": "2026-11-30"})
    assert empty.json()["tickets"] == 0


def test_sla_to_before_from_is_422(api_for, boss):
    response = api_for(boss).get("/reports/sla", {"from": "2026-11-10", "to": "2026-11-01"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "to"


def test_a_point_manager_reports_only_their_point(api_for, user_factory, service_point_factory,
                                                 customer_factory, device_factory,
                                                 fault_code_factory, boss):
    mine, other = service_point_factory(), service_point_factory()
    fault = fault_code_factory()
    november = datetime(2026, 11, 5, tzinfo=SHANGHAI)
    for point in (mine, other):
        device = device_factory(customer=customer_factory(service_point=point),
                                purchase_date=date(2026, 1, 1))
        _ticket(actor=boss, device=device, fault=fault, resolved_at=november)
    local = api_for(user_factory(role="manager", service_point=mine))
    rows = local.get("/reports/fault-analysis", {"month": "2026-11"}).json()["rows"]
    assert [(r["repairs"], r["units_sold"]) for r in rows] == [(1, 1)]
