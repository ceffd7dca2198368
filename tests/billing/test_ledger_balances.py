"""Balances are sums of the ledger: after any sequence of charges, payments (including
refused overpayments) and refusals, what every ticket and the customer show equals the
ledger sums and an independent running model, and the block follows the rules."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.billing import selectors, services
from aftersales.billing.models import LedgerEntry
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.customers.selectors import access_customer
from tests.factories import CustomerFactory, DeviceFactory

from .factories import charged_ticket

D = Decimal
CENTS = D("0.01")

operation = st.one_of(
    st.tuples(st.just("charge"), st.integers(min_value=0, max_value=300_000)),
    st.tuples(st.just("pay"), st.integers(min_value=0, max_value=9),
              st.integers(min_value=1, max_value=400_000),
              st.sampled_from(["cash", "transfer", "card", "wechat", "alipay"])),
    st.tuples(st.just("pay_all"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("refuse"), st.integers(min_value=0, max_value=9)),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(operation, min_size=1, max_size=8))
def test_displayed_balances_are_ledger_sums(boss, point, steps):
    customer = CustomerFactory(service_point=point, zone="city")
    tickets = []
    owed: list[Decimal] = []  # the model: what each ticket still owes
    paid: list[Decimal] = []
    refused: list[bool] = []
    blocked = False
    for step in steps:
        if step[0] == "charge":
            price = D(step[1]) * CENTS
            try:
                ticket = charged_ticket(
                    actor=boss, customer=customer, device=DeviceFactory(customer=customer),
                    lines=[{"kind": "part", "description": "配件", "qty": 1,
                            "unit_price": price}])
            except Conflict as error:
                assert blocked and error.code == "customer_blocked"
                continue
            assert not blocked
            tickets.append(ticket)
            owed.append(D("50.00") + price)
            paid.append(D("0.00"))
            refused.append(False)
        elif not tickets:
            continue
        else:
            index = step[1] % len(tickets)
            ticket = tickets[index]
            if step[0] == "refuse":
                try:
                    services.refuse_payment(actor=boss, ticket=ticket, note="")
                    assert owed[index] > 0 and not refused[index]
                    refused[index] = True
                except Conflict as error:
                    assert error.code in ("already_refused", "nothing_outstanding")
                    assert refused[index] or owed[index] == 0
            else:
                amount = owed[index] if step[0] == "pay_all" else D(step[2]) * CENTS
                method = step[3] if step[0] == "pay" else "cash"
                try:
                    services.record_payment(actor=boss, ticket=ticket, amount=amount,
                                            method=method)
                    assert 0 < amount <= owed[index]
                    owed[index] -= amount
                    paid[index] += amount
                except ValidationFailed:
                    assert amount > owed[index] or amount <= 0
            old_debts = sum(1 for o, r in zip(owed, refused, strict=True) if r and o > 0)
            if not blocked and old_debts >= 2:
                blocked = True
            elif blocked and old_debts == 0:
                blocked = False
        # then every displayed balance is the ledger's sum and the model's figure
        for ticket, expected, expected_paid in zip(tickets, owed, paid, strict=True):
            money = selectors.ticket_money(ticket=ticket)
            ledger = sum(LedgerEntry.objects.filter(charge__ticket=ticket)
                         .values_list("amount", flat=True), D("0"))
            assert money["outstanding"] == ledger == expected
            assert money["paid"] == expected_paid
            assert money["total"] - money["paid"] == money["outstanding"]
        shown = access_customer(
            actor=boss, customer_id=customer.pk,
            annotations={"outstanding": selectors.customer_outstanding_subquery()})
        assert shown.outstanding == sum(owed, D("0.00"))
        assert shown.outstanding == selectors.customer_outstanding(customer_id=customer.pk)
        assert shown.blocked is blocked
