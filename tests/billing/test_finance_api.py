"""Finance views: outstanding debts with ageing buckets (current, 1-15, 16-60, 60+ days
overdue) and daily takings by method, each scoped to the user's service point."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from aftersales.billing import services
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, DeviceFactory

from .factories import charged_ticket

D = Decimal
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def debt(admin_user, customer, *, days_ago, price=None):
    lines = [{"kind": "part", "description": "主板", "qty": 1, "unit_price": D(price)}] \
        if price else []
    return charged_ticket(actor=admin_user, customer=customer,
                          device=DeviceFactory(customer=customer), lines=lines,
                          resolved_at=NOW - timedelta(days=days_ago))


@pytest.fixture
def debts(admin_user, customer, other_point):
    """Debts of every age at SJZ, one at BJ, one paid."""
    made = {
        "credit": debt(admin_user, customer, days_ago=10, price="2500"),  # due in 5 days
        "today": debt(admin_user, customer, days_ago=0),
        "1_15": debt(admin_user, customer, days_ago=15),
        "16_60": debt(admin_user, customer, days_ago=16),
        "60_plus": debt(admin_user, customer, days_ago=61),
    }
    paid = debt(admin_user, customer, days_ago=3)
    services.record_payment(actor=admin_user, ticket=paid, amount=D("50.00"), method="cash")
    other = CustomerFactory(service_point=other_point, zone="province")
    made["other_point"] = debt(admin_user, other, days_ago=1)
    return made


def test_debts_with_ageing(finance_api, debts):
    # when HQ finance lists the debts
    response = finance_api.get("/finance/debts")
    # then every unpaid charge, oldest due first, with its bucket
    body = response.json()
    assert response.status_code == 200
    rows = [(row["ticket"], row["bucket"], row["days_overdue"], row["outstanding"])
            for row in body["items"]]
    assert rows == [
        (debts["60_plus"].pk, "60_plus", 61, "50.00"),
        (debts["16_60"].pk, "16_60", 16, "50.00"),
        (debts["1_15"].pk, "1_15", 15, "50.00"),
        (debts["other_point"].pk, "1_15", 1, "300.00"),
        (debts["today"].pk, "current", 0, "50.00"),
        (debts["credit"].pk, "current", 0, "2550.00"),
    ]
    assert body["totals"] == {"current": "2600.00", "1_15": "350.00", "16_60": "50.00",
                              "60_plus": "50.00", "total": "3050.00"}
    first = body["items"][0]
    assert (first["ticket_number"], first["total"], first["paid"], first["due_on"],
            first["refused"]) == (debts["60_plus"].number, "50.00", "0.00", "2026-09-23",
                                  False)
    assert body["next"] is None


def test_debts_filtered_by_bucket(finance_api, debts):
    body = finance_api.get("/finance/debts", {"bucket": "1_15"}).json()
    assert [row["ticket"] for row in body["items"]] == [debts["1_15"].pk,
                                                        debts["other_point"].pk]
    bad = finance_api.get("/finance/debts", {"bucket": "old"})
    assert bad.status_code == 422


def test_debts_scoped_to_the_service_point(point_cashier, debts):
    body = ApiClient(point_cashier).get("/finance/debts").json()
    assert debts["other_point"].pk not in [row["ticket"] for row in body["items"]]
    assert len(body["items"]) == 5
    assert body["totals"]["total"] == "2750.00"


def test_debts_list_costs_a_fixed_number_of_queries(finance_api, debts,
                                                    django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert len(finance_api.get("/finance/debts").json()["items"]) == 6


def test_agents_do_not_read_finance(hotline_api, debts):
    assert hotline_api.get("/finance/debts").status_code == 403
    assert hotline_api.get("/finance/takings").status_code == 403


def test_daily_takings_by_method(finance_api, point_cashier, admin_user, customer, other_point,
                                 frozen):
    # given payments yesterday, today at two points, by several methods
    tickets = [debt(admin_user, customer, days_ago=0, price="100") for _ in range(3)]
    other = debt(admin_user, CustomerFactory(service_point=other_point), days_ago=0)
    frozen.shift(timedelta(days=-1))
    services.record_payment(actor=admin_user, ticket=tickets[0], amount=D("10.00"), method="cash")
    frozen.shift(timedelta(days=1, hours=13))  # 23:00 in Shanghai, still the 23rd
    for ticket, amount, method in [(tickets[0], "20.00", "cash"), (tickets[1], "150.00", "wechat"),
                                   (tickets[2], "0.10", "cash"), (other, "7.00", "card")]:
        services.record_payment(actor=admin_user, ticket=ticket, amount=D(amount),
                                method=method)
    # when
    body = finance_api.get("/finance/takings", {"date": "2026-11-23"}).json()
    scoped = ApiClient(point_cashier).get("/finance/takings", {"date": "2026-11-23"}).json()
    # then
    assert body == {"date": "2026-11-23", "total": "177.10", "items": [
        {"method": "cash", "count": 2, "amount": "20.10"},
        {"method": "transfer", "count": 0, "amount": "0.00"},
        {"method": "card", "count": 1, "amount": "7.00"},
        {"method": "wechat", "count": 1, "amount": "150.00"},
        {"method": "alipay", "count": 0, "amount": "0.00"}]}
    assert scoped["total"] == "170.10"
    yesterday = finance_api.get("/finance/takings", {"date": "2026-11-22"}).json()
    assert yesterday["total"] == "10.00"
