"""Charges fall due on resolve (≤ 2,000 that day, above in 15 days); payments by every
method; more than the outstanding amount is refused; every money change is a ledger row."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.billing import selectors, services
from aftersales.billing.models import Charge, LedgerEntry
from aftersales.core.errors import Forbidden, ValidationFailed
from tests.factories import UserFactory
from tests.tickets.factories import open_test_ticket

from .factories import add_visits, charged_ticket, diagnosed, mark_resolved

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
RESOLVED = datetime(2026, 11, 20, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC, same local day


def part(price: str, qty: int = 1) -> list[dict]:
    return [{"kind": "part", "description": "配件", "qty": qty, "unit_price": D(price)}]


@pytest.mark.parametrize(("price", "total", "due"), [
    ("1950.00", "2000.00", date(2026, 11, 20)),  # visit 50 + 1950: on the spot
    ("1950.01", "2000.01", date(2026, 12, 5)),  # above 2,000: 15 days
])
def test_charges_fall_due_on_resolve(boss, customer, device, price, total, due):
    # when a quoted, approved job is resolved
    ticket = charged_ticket(actor=boss, customer=customer, device=device, visits=(2,),
                            lines=part(price), resolved_at=RESOLVED)
    # then
    money = selectors.ticket_money(ticket=ticket)
    assert money["total"] == D(total)
    assert money["outstanding"] == D(total)
    assert money["paid"] == D("0.00")
    assert money["due_on"] == due
    assert [line["kind"] for line in money["lines"]] == ["visit", "part"]
    assert list(LedgerEntry.objects.filter(charge__ticket=ticket).values_list(
        "kind", "amount")) == [("charge", D(total))]


def test_resolve_without_quote_charges_the_visits(boss, customer, device):
    ticket = diagnosed(open_test_ticket(actor=boss, customer=customer, device=device),
                       covered=False)
    add_visits(ticket, 1, 1)
    mark_resolved(ticket)
    charge = services.post_charges(actor=boss, ticket=ticket)
    # a city visit 50 + the second trip's surcharge 0
    assert selectors.charge_outstanding(charge_id=charge.pk) == D("50.00")


def test_covered_job_owes_nothing(boss, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, covered=True,
                            lines=part("500"))
    assert not Charge.objects.filter(ticket=ticket).exists()
    money = selectors.ticket_money(ticket=ticket)
    assert (money["total"], money["outstanding"], money["due_on"]) == (D("0.00"), D("0.00"),
                                                                       None)
    assert [line["amount"] for line in money["lines"]] == [D("0.00"), D("0.00")]


def test_posting_twice_books_once(boss, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=part("100"))
    services.post_charges(actor=boss, ticket=ticket)
    assert LedgerEntry.objects.filter(charge__ticket=ticket).count() == 1


def test_requote_after_reopen_books_the_difference(boss, customer, device):
    # given a job charged 150 (visit 50 + part 100)
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=part("100"))
    # when it is reopened, quoted again with a dearer part, approved and resolved
    services.quote_ticket(actor=boss, ticket=ticket, lines=part("250"))
    services.approve_quote(actor=boss, ticket=ticket)
    services.post_charges(actor=boss, ticket=ticket)
    # then the ledger holds the charge and an adjustment; the lines are the new ones
    assert list(LedgerEntry.objects.filter(charge__ticket=ticket).values_list(
        "kind", "amount")) == [("charge", D("150.00")), ("adjustment", D("150.00"))]
    money = selectors.ticket_money(ticket=ticket)
    assert money["total"] == D("300.00")
    assert [line["amount"] for line in money["lines"]] == [D("50.00"), D("250.00")]


@pytest.mark.parametrize("method", ["cash", "transfer", "card", "wechat", "alipay"])
def test_payment_by_every_method(boss, customer, device, method):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=part("100"))
    entry = services.record_payment(actor=boss, ticket=ticket, amount=D("100.00"),
                                    method=method)
    assert (entry.kind, entry.amount, entry.method) == ("payment", D("-100.00"), method)
    money = selectors.ticket_money(ticket=ticket)
    assert (money["paid"], money["outstanding"]) == (D("100.00"), D("50.00"))


@pytest.mark.parametrize(("amount", "field", "code"), [
    (D("150.01"), "amount", "exceeds_outstanding"),
    (D("0"), "amount", "invalid"),
    (D("-5"), "amount", "invalid"),
])
def test_payment_refused_changes_nothing(boss, customer, device, amount, field, code):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=part("100"))
    with pytest.raises(ValidationFailed) as refused:
        services.record_payment(actor=boss, ticket=ticket, amount=amount, method="cash")
    assert (refused.value.field, refused.value.code) == (field, code)
    assert LedgerEntry.objects.filter(kind="payment").count() == 0
    assert selectors.ticket_money(ticket=ticket)["outstanding"] == D("150.00")


def test_unknown_method_refused(boss, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device)
    with pytest.raises(ValidationFailed) as refused:
        services.record_payment(actor=boss, ticket=ticket, amount=D("1"), method="cheque")
    assert refused.value.field == "method"


def test_nothing_to_pay_before_resolve(boss, customer, device):
    ticket = open_test_ticket(actor=boss, customer=customer, device=device)
    with pytest.raises(ValidationFailed) as refused:
        services.record_payment(actor=boss, ticket=ticket, amount=D("1"), method="cash")
    assert refused.value.code == "exceeds_outstanding"
    assert LedgerEntry.objects.count() == 0


def test_hotline_agent_takes_no_money(boss, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device)
    with pytest.raises(Forbidden):
        services.record_payment(actor=UserFactory(role="agent"), ticket=ticket,
                                amount=D("1"), method="cash")
    assert LedgerEntry.objects.filter(kind="payment").count() == 0


def test_customer_outstanding_is_the_ledger_sum(boss, customer, device):
    first = charged_ticket(actor=boss, customer=customer, device=device, lines=part("100"))
    charged_ticket(actor=boss, customer=customer, device=device, visits=(1, 1))
    services.record_payment(actor=boss, ticket=first, amount=D("20.50"), method="wechat")
    # (50 + 100) + (50 + 0 for the second trip) - 20.50
    assert selectors.customer_outstanding(customer_id=customer.pk) == D("179.50")
