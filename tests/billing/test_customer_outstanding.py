"""GET /customers shows each customer's outstanding debt from the ledger, at a fixed
number of queries however many customers owe money."""
from decimal import Decimal

from aftersales.billing import services
from tests.factories import CustomerFactory, DeviceFactory

from .factories import charged_ticket

D = Decimal


def owing(actor, point, n):
    customers = []
    for i in range(n):
        customer = CustomerFactory(service_point=point, zone="prefecture")
        ticket = charged_ticket(actor=actor, customer=customer,
                                device=DeviceFactory(customer=customer))
        services.record_payment(actor=actor, ticket=ticket, amount=D(i) + D("0.10"),
                                method="cash")
        customers.append(customer)
    return customers


def test_list_shows_outstanding_at_fixed_queries(boss, boss_api, point,
                                                 django_assert_num_queries):
    # given two customers owing 100 - 0.10 and 100 - 1.10
    owing(boss, point, 2)
    with django_assert_num_queries(2) as few:
        small = boss_api.get("/customers").json()
    assert [row["outstanding"] for row in small["items"]] == ["98.90", "99.90"]
    # when three more owe money, the list still costs the same
    owing(boss, point, 3)
    with django_assert_num_queries(len(few.captured_queries)):
        large = boss_api.get("/customers").json()
    assert [row["outstanding"] for row in large["items"]] == [
        "97.90", "98.90", "99.90", "98.90", "99.90"]
