"""Balances are sums of the ledger: after any sequence of charges, payments (including
refused overpayments), refusals, dispute reductions and waivers, claims at our cost,
returns and overpayment refunds, what every ticket and the customer show equals the
ledger sums and an independent running model, and the block follows the rules."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from aftersales.billing import claims, disputes, refunds, selectors, services
from aftersales.billing.models import Charge, LedgerEntry
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.customers.selectors import access_customer
from tests.factories import CustomerFactory, DeviceFactory

from .factories import charged_ticket

D = Decimal
CENTS = D("0.01")
ZERO = D("0.00")

operation = st.one_of(
    st.tuples(st.just("charge"), st.integers(min_value=0, max_value=300_000)),
    st.tuples(st.just("pay"), st.integers(min_value=0, max_value=9),
              st.integers(min_value=1, max_value=400_000),
              st.sampled_from(["cash", "transfer", "card", "wechat", "alipay"])),
    st.tuples(st.just("pay_all"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("refuse"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("reduce"), st.integers(min_value=0, max_value=9),
              st.integers(min_value=1, max_value=400_000)),
    st.tuples(st.just("waive"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("claim"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("refund"), st.integers(min_value=0, max_value=9),
              st.integers(min_value=1, max_value=400_000),
              st.sampled_from(["return", "overpayment"])),
)


def _money_step(step, *, boss, cashier, ticket, charged, paid, claimed):
    """One of the new entry kinds through its real service; returns the model's new
    (charged, paid, claimed) or raises what the service raised."""
    kind = step[0]
    charge = Charge.objects.get(ticket=ticket)
    if kind in ("reduce", "waive"):
        dispute = disputes.open_dispute(actor=boss, charge=charge, complaint="不认可")
        assert charged > 0
        amount = D(step[2]) * CENTS if kind == "reduce" else charged
        try:
            disputes.decide_dispute(actor=boss, dispute=dispute,
                                    decision="reduced" if kind == "reduce" else "waived",
                                    amount=amount, reason="经理决定")
        except ValidationFailed:
            assert amount > charged
            disputes.decide_dispute(actor=boss, dispute=dispute, decision="upheld")
            return charged, paid, claimed
        assert amount <= charged
        event(f"{kind} booked")
        return charged - amount, paid, claimed
    if kind == "claim":
        claim = claims.open_claim(actor=boss, ticket=ticket, kind="our_fault",
                                  description="我方责任")
        assert not claimed
        claims.approve_claim(actor=boss, claim=claim)
        event("claim booked")
        return ZERO, paid, True
    amount, reason = D(step[2]) * CENTS, step[3]
    refund = refunds.request_refund(actor=boss, charge=charge, reason=reason, amount=amount,
                                    method="transfer")
    assert amount <= paid
    if reason == "overpayment":
        assert amount <= paid - charged
    else:
        assert amount <= charged
    refunds.approve_refund(actor=cashier, refund=refund, reference="REF-1")
    event(f"{reason} refund booked")
    if reason == "return":
        return charged - amount, paid - amount, claimed
    return charged, paid - amount, claimed


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(operation, min_size=1, max_size=10))
# each new entry kind at least once, whatever the random draw
@example(steps=[("charge", 20000), ("pay_all", 0), ("reduce", 0, 5000),
                ("refund", 0, 5000, "overpayment"), ("refund", 0, 10000, "return"),
                ("charge", 100), ("waive", 1), ("charge", 0), ("pay", 2, 2000, "cash"),
                ("claim", 2)])
@example(steps=[("charge", 100), ("refuse", 0), ("charge", 200), ("refuse", 1),
                ("claim", 0), ("waive", 1), ("refund", 1, 1, "overpayment")])
def test_displayed_balances_are_ledger_sums(boss, cashier, point, steps):
    customer = CustomerFactory(service_point=point, zone="city")
    tickets = []
    charged: list[Decimal] = []  # the model: what each ticket was charged, net
    paid: list[Decimal] = []  # and what the customer paid, net of refunds
    refused: list[bool] = []
    claimed: list[bool] = []
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
            charged.append(D("50.00") + price)
            paid.append(ZERO)
            refused.append(False)
            claimed.append(False)
        elif not tickets:
            continue
        else:
            index = step[1] % len(tickets)
            ticket = tickets[index]
            owed = charged[index] - paid[index]
            if step[0] == "refuse":
                try:
                    services.refuse_payment(actor=boss, ticket=ticket, note="")
                    assert owed > 0 and not refused[index]
                    refused[index] = True
                except Conflict as error:
                    assert error.code in ("already_refused", "nothing_outstanding")
                    assert refused[index] or owed <= 0
            elif step[0] in ("pay", "pay_all"):
                amount = owed if step[0] == "pay_all" else D(step[2]) * CENTS
                method = step[3] if step[0] == "pay" else "cash"
                try:
                    services.record_payment(actor=boss, ticket=ticket, amount=amount,
                                            method=method)
                    assert 0 < amount <= owed
                    paid[index] += amount
                except ValidationFailed:
                    assert amount > owed or amount <= 0
            else:
                try:
                    charged[index], paid[index], claimed[index] = _money_step(
                        step, boss=boss, cashier=cashier, ticket=ticket,
                        charged=charged[index], paid=paid[index], claimed=claimed[index])
                except Conflict as error:  # nothing charged to dispute, a claim exists
                    assert error.code in ("nothing_charged", "claim_open")
                    assert charged[index] <= 0 or claimed[index]
                except ValidationFailed as error:  # a refund above what may be refunded
                    amount, reason = D(step[2]) * CENTS, step[3]
                    room = paid[index] - charged[index] if reason == "overpayment" else \
                        charged[index]
                    assert error.field == "amount"
                    assert amount > paid[index] or amount > room
            old_debts = sum(1 for c, p, r in zip(charged, paid, refused, strict=True)
                            if r and c - p > 0)
            if not blocked and old_debts >= 2:
                blocked = True
            elif blocked and old_debts == 0:
                blocked = False
        # then every displayed balance is the ledger's sum and the model's figure
        for ticket, expected_charged, expected_paid in zip(tickets, charged, paid, strict=True):
            money = selectors.ticket_money(ticket=ticket)
            ledger = sum(LedgerEntry.objects.filter(charge__ticket=ticket)
                         .values_list("amount", flat=True), D("0"))
            assert money["outstanding"] == ledger == expected_charged - expected_paid
            assert money["total"] == expected_charged
            assert money["paid"] == expected_paid
            assert money["total"] - money["paid"] == money["outstanding"]
            assert expected_paid >= 0  # never more paid back than was paid
        shown = access_customer(
            actor=boss, customer_id=customer.pk,
            annotations={"outstanding": selectors.customer_outstanding_subquery()})
        assert shown.outstanding == sum((c - p for c, p in zip(charged, paid, strict=True)), ZERO)
        assert shown.outstanding == selectors.customer_outstanding(customer_id=customer.pk)
        assert shown.blocked is blocked
