"""Issue 11 "Scope": a point asks another point's store only for a request that waits for
that point's keeper; it never approves itself out of someone else's stock."""
from decimal import Decimal

from aftersales.inventory.models import Requisition, StockLevel
from aftersales.network.models import Deposit
from tests.conftest import ApiClient
from tests.factories import UserFactory


def test_a_bj_keeper_cannot_auto_approve_a_requisition_against_sjz(branch_store, other_store,
                                                                   other_branch, screen,
                                                                   stock):
    stock(branch_store, screen, 50)
    Deposit.objects.create(service_point=other_branch, amount=Decimal("5000.00"))
    bj_keeper = ApiClient(UserFactory(username="bj-keeper", role="warehouse",
                                      service_point=other_branch))
    # when: within the approver-free limits, but from SJZ's store into BJ's
    answer = bj_keeper.post("/requisitions", {
        "from_warehouse": branch_store.pk, "to_warehouse": other_store.pk,
        "lines": [{"sku": "SCR-X9", "qty": 2}]})
    # then: it waits for SJZ, and SJZ's stock has not moved
    assert answer.status_code == 201
    assert (answer.json()["status"], answer.json()["auto_approved"]) == ("pending", False)
    assert Requisition.objects.get().status == "pending"
    assert StockLevel.objects.get(warehouse=branch_store, part=screen).on_hand == 50
    # and BJ cannot approve it itself
    approve = bj_keeper.post(f"/requisitions/{answer.json()['id']}/approve")
    assert approve.status_code in (403, 404)
    assert Requisition.objects.get().status == "pending"


def test_from_hq_within_the_limits_is_still_approved_at_once(branch_keeper_api, hq_store,
                                                            branch_store, screen, stock):
    stock(hq_store, screen, 50)
    answer = branch_keeper_api.post("/requisitions", {
        "from_warehouse": hq_store.pk, "to_warehouse": branch_store.pk,
        "lines": [{"sku": "SCR-X9", "qty": 2}]})
    assert (answer.json()["status"], answer.json()["auto_approved"]) == ("approved", True)
