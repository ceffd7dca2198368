"""Staff liability: a fee not collected at completion (booked by the sweep the day after)
or work done without an approved quote (booked by a manager) is a receivable on the
engineer, cleared when the customer pays, or written off by a manager with a reason; the
monthly statement for payroll as JSON and Excel."""
from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.billing import field_selectors, liability, services
from aftersales.billing.models import StaffLiability
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.tickets.field_sweeps import sweep_uncollected_fees
from aftersales.tickets.models import Ticket
from tests.factories import DeviceFactory

from .conftest import error_of
from .factories import charged_ticket

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 10, 15, 0, tzinfo=SH)


def engineer_on(ticket, engineer):
    Ticket.objects.filter(pk=ticket.pk).update(engineer=engineer)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def unpaid(boss, tech, customer, device):
    """A job of 150.00 completed at T0 (due on the spot) that the engineer did not collect."""
    with time_machine.travel(T0, tick=False):
        ticket = charged_ticket(actor=boss, customer=customer, device=device,
                                lines=[{"kind": "part", "description": "主板", "qty": 1,
                                        "unit_price": "100.00"}])
    return engineer_on(ticket, tech)


def test_an_uncollected_fee_becomes_the_engineers_liability_once(unpaid, tech):
    # on the completion day the engineer may still collect: nothing booked
    assert sweep_uncollected_fees(now=T0 + timedelta(hours=8)) == 0
    # the next day it is the engineer's liability, once however often the sweep runs
    next_day = T0 + timedelta(days=1)
    with time_machine.travel(next_day, tick=False):
        assert sweep_uncollected_fees(now=next_day) == 1
        assert sweep_uncollected_fees(now=next_day + timedelta(hours=1)) == 0
    rows = list(StaffLiability.objects.values_list("engineer", "ticket", "kind", "amount",
                                                   "status"))
    assert rows == [(tech.pk, unpaid.pk, "uncollected_fee", D("150.00"), "open")]


def test_the_sweep_looks_back_a_month_not_over_every_charge_ever_made(unpaid, tech):
    # a scheduler down for 31 days still books the fee; past that the sweep no longer reads
    # the charge (each run reads the recent charges' range, not the whole ledger)
    late = T0 + timedelta(days=liability.UNCOLLECTED_LOOKBACK_DAYS + 1)
    with time_machine.travel(late, tick=False):
        assert sweep_uncollected_fees(now=late) == 0
    assert not StaffLiability.objects.exists()
    last = T0 + timedelta(days=liability.UNCOLLECTED_LOOKBACK_DAYS)
    with time_machine.travel(last, tick=False):
        assert sweep_uncollected_fees(now=last) == 1
    assert list(StaffLiability.objects.values_list("engineer", "amount")) == [
        (tech.pk, D("150.00"))]


def test_a_liability_is_cleared_when_the_customer_pays(unpaid, tech, cashier):
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        sweep_uncollected_fees(now=T0 + timedelta(days=1))
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        services.record_payment(actor=cashier, ticket=unpaid, amount=D("100.00"),
                                method="transfer")
        assert StaffLiability.objects.get().status == "open"  # 50.00 still owed
        services.record_payment(actor=cashier, ticket=unpaid, amount=D("50.00"),
                                method="transfer")
    found = StaffLiability.objects.get()
    assert (found.status, found.settled_by_id) == ("cleared", cashier.pk)
    assert found.settled_at == T0 + timedelta(days=5)


def test_work_without_an_approved_quote_is_booked_and_written_off_with_a_reason(
        boss, tech, customer, device, boss_api):
    with time_machine.travel(T0, tick=False):
        ticket = engineer_on(charged_ticket(actor=boss, customer=customer, device=device),
                             tech)
        response = boss_api.post("/liabilities", {"ticket": ticket.pk,
                                                  "kind": "unapproved_work",
                                                  "amount": "260.00",
                                                  "note": "未经报价更换屏幕"})
        assert response.status_code == 201, response.json()
        booked = response.json()
        assert (booked["engineer"], booked["amount"], booked["status"]) == (
            tech.pk, "260.00", "open")
        # a write-off needs a reason: refused without one, nothing changes
        refused = boss_api.post(f"/liabilities/{booked['id']}/write-off", {"reason": " "})
        assert error_of(refused) == (422, "invalid", "reason")
        assert StaffLiability.objects.get().status == "open"
        done = boss_api.post(f"/liabilities/{booked['id']}/write-off",
                             {"reason": "客户事后认可，公司承担"})
        assert done.status_code == 200
        assert (done.json()["status"], done.json()["reason"]) == (
            "written_off", "客户事后认可，公司承担")
        again = boss_api.post(f"/liabilities/{booked['id']}/write-off", {"reason": "再次"})
        assert error_of(again)[:2] == (409, "liability_settled")


def test_refusals(boss, tech, customer, unpaid, cashier):
    paid = engineer_on(charged_ticket(actor=boss, customer=customer,
                                      device=DeviceFactory(customer=customer)), tech)
    services.record_payment(actor=cashier, ticket=paid, amount=D("50.00"), method="card")
    with pytest.raises(Conflict) as nothing:
        liability.book_liability(actor=boss, ticket=paid, kind="uncollected_fee")
    assert nothing.value.code == "nothing_outstanding"
    with pytest.raises(ValidationFailed) as no_amount:
        liability.book_liability(actor=boss, ticket=paid, kind="unapproved_work")
    assert no_amount.value.field == "amount"
    with pytest.raises(Forbidden):
        liability.book_liability(actor=tech, ticket=unpaid, kind="uncollected_fee")
    liability.book_liability(actor=boss, ticket=unpaid, kind="uncollected_fee")
    with pytest.raises(Conflict) as twice:
        liability.book_liability(actor=boss, ticket=unpaid, kind="uncollected_fee")
    assert twice.value.code == "liability_open"
    assert StaffLiability.objects.count() == 1


def test_the_monthly_statement_for_payroll(boss, tech, customer, cashier, finance_api):
    # February: one liability booked and still open at the end of March
    with time_machine.travel(T0 - timedelta(days=20), tick=False):
        old = engineer_on(charged_ticket(actor=boss, customer=customer,
                                         device=DeviceFactory(customer=customer)), tech)
        liability.book_liability(actor=boss, ticket=old, kind="unapproved_work",
                                 amount=D("80.00"))
    # March: one booked and cleared by the customer's payment, one booked and written off
    with time_machine.travel(T0, tick=False):
        paid = engineer_on(charged_ticket(actor=boss, customer=customer,
                                          device=DeviceFactory(customer=customer)), tech)
        liability.book_liability(actor=boss, ticket=paid, kind="uncollected_fee")
        services.record_payment(actor=cashier, ticket=paid, amount=D("50.00"), method="cash")
        forgiven = engineer_on(charged_ticket(actor=boss, customer=customer,
                                              device=DeviceFactory(customer=customer)), tech)
        written = liability.book_liability(actor=boss, ticket=forgiven,
                                           kind="unapproved_work", amount=D("30.00"))
        liability.write_off_liability(actor=boss, liability=written, reason="误判")
    with time_machine.travel(T0 + timedelta(days=25), tick=False):
        statement = field_selectors.liability_statement(
            engineer=tech, month=T0.date().replace(day=1))
        assert statement["totals"] == {"opening": D("80.00"), "booked": D("80.00"),
                                       "cleared": D("50.00"), "written_off": D("30.00"),
                                       "closing": D("80.00")}
        assert [(line["ticket"], line["amount"], line["status"]) for line in
                statement["lines"]] == [(old.number, D("80.00"), "open"),
                                        (paid.number, D("50.00"), "cleared"),
                                        (forgiven.number, D("30.00"), "written_off")]
        response = finance_api.get("/liabilities/statement",
                                   {"engineer": tech.pk, "month": "2026-03", "format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert values[1][0] == old.number and values[1][3] == 80
        assert values[-1][0] == "期末未结（从工资中扣除）"  # the Chinese sheet
        assert values[-1][3] == 80
        bad = finance_api.get("/liabilities/statement", {"engineer": tech.pk,
                                                          "month": "2026-13"})
        assert error_of(bad) == (422, "invalid", "month")
