"""VAT invoice requests: validated (taxpayer ID by its check character, special needs
bank details), recorded by finance with number and date, exported for the tax system,
visible to the customer. Refunds: a return within the return days or an overpayment,
booked when finance approves with method and reference, never above what was paid."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.billing import disputes, field_selectors, refunds, selectors, services
from aftersales.billing.models import Charge, InvoiceRequest, LedgerEntry, Refund
from aftersales.core.errors import Forbidden, ValidationFailed

from .conftest import error_of
from .factories import assigned, charged_ticket

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 4, 1, 11, 0, tzinfo=SH)
GOOD_ID = "91110000600037341L"
PART = [{"kind": "part", "description": "主板", "qty": 1, "unit_price": "250.00"}]


@pytest.fixture
def paid(boss, tech, customer, device):
    with time_machine.travel(T0, tick=False):
        ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=PART)
        entry = services.record_payment(actor=tech, ticket=assigned(ticket, tech), amount=D("300.00"),
                                        method="transfer")
    return ticket, entry


def test_an_invoice_request_validated_recorded_and_shown(paid, hotline_api, finance_api,
                                                         customer):
    _ticket, entry = paid
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        # an ID failing its check character: 422 on the field, nothing recorded
        bad = hotline_api.post("/invoice-requests", {
            "payment": entry.pk, "kind": "ordinary", "title": "华北电力有限公司",
            "taxpayer_id": "91110000600037341X"})
        assert error_of(bad) == (422, "invalid_credit_code", "taxpayer_id")
        # a special invoice needs the bank details
        no_bank = hotline_api.post("/invoice-requests", {
            "payment": entry.pk, "kind": "special", "title": "华北电力有限公司",
            "taxpayer_id": GOOD_ID, "address_phone": "石家庄市裕华路1号 0311-1234567"})
        assert error_of(no_bank) == (422, "required", "bank_account")
        assert not InvoiceRequest.objects.exists()
        made = hotline_api.post("/invoice-requests", {
            "payment": entry.pk, "kind": "special", "title": "华北电力有限公司",
            "taxpayer_id": GOOD_ID.lower(), "address_phone": "石家庄市裕华路1号 0311-1234567",
            "bank_account": "工商银行裕华支行 0402000000000000000"})
        assert made.status_code == 201, made.json()
        body = made.json()
        assert (body["amount"], body["taxpayer_id"], body["status"]) == (
            "300.00", GOOD_ID, "requested")
        twice = hotline_api.post("/invoice-requests", {"payment": entry.pk, "kind": "ordinary",
                                                       "title": "个人"})
        assert error_of(twice) == (409, "invoice_requested", "payment")
        # the batch for the tax system
        export = finance_api.get("/invoice-requests", {"format": "xlsx"})
        rows = [[c.value for c in row] for row in
                load_workbook(BytesIO(export.content)).active.iter_rows()]
        assert rows[1][1:7] == ["增值税专用发票（专票）", "华北电力有限公司", GOOD_ID,
                                "石家庄市裕华路1号 0311-1234567",
                                "工商银行裕华支行 0402000000000000000", "300.00"]
        # finance records number and date; a future date or a second number is refused
        future = finance_api.post(f"/invoice-requests/{body['id']}/issue",
                                  {"number": "04512345", "issued_on": "2026-04-05"})
        assert error_of(future) == (422, "invalid", "issued_on")
        assert field_selectors.customer_invoices(customer_id=customer.pk)[0]["issued"] is False
        issued = finance_api.post(f"/invoice-requests/{body['id']}/issue",
                                  {"number": "04512345", "issued_on": "2026-04-02"})
        assert issued.status_code == 200
        assert (issued.json()["status"], issued.json()["number"]) == ("issued", "04512345")
        shown = field_selectors.customer_invoices(customer_id=customer.pk)
        assert [(s["issued"], s["number"], s["issued_on"]) for s in shown] == [
            (True, "04512345", date(2026, 4, 2))]


def test_a_refund_above_what_was_paid_is_refused_and_changes_nothing(paid, hotline_api):
    ticket, _entry = paid
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        response = hotline_api.post("/refunds", {"ticket": ticket.pk, "reason": "return",
                                                 "amount": "300.01", "method": "transfer"})
        assert error_of(response) == (422, "exceeds_paid", "amount")
        over = hotline_api.post("/refunds", {"ticket": ticket.pk, "reason": "overpayment",
                                             "amount": "1.00", "method": "transfer"})
        assert error_of(over) == (422, "exceeds_overpayment", "amount")
    assert not Refund.objects.exists()
    assert LedgerEntry.objects.filter(charge__ticket=ticket).count() == 2


def test_a_return_within_seven_days_is_refunded_when_finance_approves(paid, hotline,
                                                                       cashier, finance_api):
    ticket, _entry = paid
    with time_machine.travel(T0 + timedelta(days=7), tick=False):
        refund = refunds.request_refund(actor=hotline, charge=Charge.objects.get(ticket=ticket),
                                        reason="return", amount=D("250.00"),
                                        method="transfer")
        # a second request may not take more than is left to refund
        with pytest.raises(ValidationFailed) as more:
            refunds.request_refund(actor=hotline, charge=refund.charge, reason="return",
                                   amount=D("50.01"), method="transfer")
        assert (more.value.code, more.value.field) == ("exceeds_paid", "amount")
        with pytest.raises(Forbidden):
            refunds.approve_refund(actor=hotline, refund=refund, reference="X")
        no_ref = finance_api.post(f"/refunds/{refund.pk}/approve", {})
        assert error_of(no_ref) == (422, "invalid", "reference")
        done = finance_api.post(f"/refunds/{refund.pk}/approve",
                                {"reference": "BANK-20260408-001"})
        assert done.status_code == 200, done.json()
    assert list(LedgerEntry.objects.filter(charge__ticket=ticket).order_by("id").values_list(
        "kind", "amount", "method", "reference")) == [
        ("charge", D("300.00"), "", ""), ("payment", D("-300.00"), "transfer", ""),
        ("adjustment", D("-250.00"), "", "BANK-20260408-001"),
        ("refund", D("250.00"), "transfer", "BANK-20260408-001")]
    money = selectors.ticket_money(ticket=ticket)
    assert (money["total"], money["paid"], money["outstanding"]) == (
        D("50.00"), D("50.00"), D("0.00"))


def test_a_return_after_seven_days_is_refused(paid, hotline):
    ticket, _entry = paid
    with time_machine.travel(T0 + timedelta(days=8), tick=False), \
            pytest.raises(ValidationFailed) as late:
        refunds.request_refund(actor=hotline, charge=Charge.objects.get(ticket=ticket),
                               reason="return", amount=D("10.00"), method="cash")
    assert (late.value.code, late.value.field) == ("return_period_over", "reason")
    assert not Refund.objects.exists()


def test_an_overpayment_after_a_reduction_is_refunded(paid, boss, cashier):
    ticket, _entry = paid
    charge = Charge.objects.get(ticket=ticket)
    dispute = disputes.open_dispute(actor=boss, charge=charge, complaint="价格")
    disputes.decide_dispute(actor=boss, dispute=dispute, decision="reduced",
                            amount=D("100.00"), reason="让利")
    assert selectors.ticket_money(ticket=ticket)["outstanding"] == D("-100.00")
    refund = refunds.request_refund(actor=boss, charge=charge, reason="overpayment",
                                    amount=D("100.00"), method="wechat",
                                    reference="WX0001")
    refunds.approve_refund(actor=cashier, refund=refund)
    money = selectors.ticket_money(ticket=ticket)
    assert (money["total"], money["paid"], money["outstanding"]) == (
        D("200.00"), D("200.00"), D("0.00"))
    assert LedgerEntry.objects.get(kind="refund").reference == "WX0001"
