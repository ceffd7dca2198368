"""Contracts' money: a contract sold (signed or renewed) is owed at its price, paid
through POST /payments with the contract, and shown among the debts."""
from datetime import UTC, datetime

import pytest
import time_machine

from aftersales.billing import services
from aftersales.billing.models import Charge, LedgerEntry

from .conftest import error_of

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sign(api, customer, device, price, kind="annual"):
    response = api.post("/contracts", {"customer": customer.pk, "kind": kind,
                                       "starts_on": "2026-11-23", "ends_on": "2027-11-22",
                                       "price": price, "devices": [device.serial]})
    assert response.status_code == 201
    return response.json()


def test_a_contract_sold_is_owed(boss_api, finance_api, customer, device):
    # when an annual contract is signed for 3,000.00
    contract = sign(boss_api, customer, device, "3000.00")
    # then the price is owed, due in 15 days (above 2,000), and listed among the debts
    debts = finance_api.get("/finance/debts").json()
    (row,) = debts["items"]
    assert (row["ticket"], row["contract"], row["contract_number"], row["outstanding"],
            row["due_on"], row["bucket"]) == (None, contract["id"], contract["number"],
                                              "3000.00", "2026-12-08", "current")
    assert boss_api.get(f"/customers/{customer.pk}").json()["outstanding"] == "3000.00"
    # but it is no unpaid repair of the unit
    services.check_intake(customer=customer, device=device, kind="repair")


def test_free_contract_owes_nothing(boss_api, customer, device):
    sign(boss_api, customer, device, "0.00", kind="per_visit")
    assert Charge.objects.count() == 0


def test_renewal_is_owed_again(boss_api, customer, device):
    contract = sign(boss_api, customer, device, "1500.00")
    renewed = boss_api.post(f"/contracts/{contract['id']}/renew", {"price": "1800.00"}).json()
    assert sorted(LedgerEntry.objects.values_list("charge__contract_id", "amount")) == sorted(
        [(contract["id"], 1500), (renewed["id"], 1800)])


def test_paying_a_contract(boss_api, customer, device):
    contract = sign(boss_api, customer, device, "1500.00")
    over = boss_api.post("/payments", {"contract": contract["id"], "amount": "1500.01",
                                       "method": "transfer"})
    both = boss_api.post("/payments", {"contract": contract["id"], "ticket": 1,
                                       "amount": "1.00", "method": "transfer"})
    neither = boss_api.post("/payments", {"amount": "1.00", "method": "transfer"})
    unknown = boss_api.post("/payments", {"contract": 999999, "amount": "1.00",
                                          "method": "transfer"})
    assert error_of(over) == (422, "exceeds_outstanding", "amount")
    assert error_of(both)[0] == error_of(neither)[0] == 422
    assert error_of(unknown) == (422, "invalid", "contract")
    assert LedgerEntry.objects.filter(kind="payment").count() == 0
    paid = boss_api.post("/payments", {"contract": contract["id"], "amount": "1500.00",
                                       "method": "transfer"})
    assert paid.status_code == 201
    assert (paid.json()["contract_number"], paid.json()["ticket"],
            paid.json()["outstanding"]) == (contract["number"], None, "0.00")
    assert boss_api.get(f"/customers/{customer.pk}").json()["outstanding"] == "0.00"
