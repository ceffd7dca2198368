"""A concurrent double payment of the same outstanding amount books exactly one: the
ticket's charge row is locked (select_for_update on PostgreSQL; SQLite's IMMEDIATE
transactions queue the writers)."""
from decimal import Decimal

import pytest
from django.db import connection

from aftersales.billing import selectors, services
from aftersales.billing.models import LedgerEntry
from tests.concurrency import run_concurrently
from tests.factories import CustomerFactory, DeviceFactory, ServicePointFactory, UserFactory

from .factories import charged_ticket

D = Decimal


@pytest.mark.django_db(transaction=True)
def test_two_cashiers_pay_the_same_debt_at_once():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite test database's locks")
    # given a ticket owing 150.00
    point = ServicePointFactory(code="SJZ")
    boss = UserFactory(username="boss", role="manager", service_point=point)
    customer = CustomerFactory(service_point=point, zone="city")
    ticket = charged_ticket(actor=boss, customer=customer,
                            device=DeviceFactory(customer=customer),
                            lines=[{"kind": "part", "description": "主板", "qty": 1,
                                    "unit_price": D("100")}])
    cashiers = [UserFactory(username=f"cashier{i}", role="finance") for i in range(2)]
    # when both pay the full amount at the same moment
    outcomes = run_concurrently(
        lambda i: services.record_payment(actor=cashiers[i], ticket=ticket,
                                          amount=D("150.00"), method="cash"), 2)
    outcomes = ["paid" if not isinstance(o, Exception) else o.code for o in outcomes]
    # then exactly one payment is booked and the other is refused
    assert sorted(outcomes) == ["exceeds_outstanding", "paid"]
    assert list(LedgerEntry.objects.filter(kind="payment").values_list("amount", flat=True)) \
        == [D("-150.00")]
    assert selectors.ticket_money(ticket=ticket)["outstanding"] == D("0.00")
