"""Suppliers and purchase orders: the incoming inspection puts accepted units into stock
(receipt moves at the order's cost) and records rejected ones with a reason; a part that
failed under its supplier's warranty is claimed with the faulty part returned, and the
supplier's credit is recorded when it accepts."""
from decimal import Decimal

import pytest

from aftersales.billing import claims, selectors
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.inventory import services
from aftersales.inventory.models import (
    FaultyPartReturn,
    Inspection,
    PurchaseOrder,
    StockLevel,
    StockMove,
    Supplier,
)
from aftersales.inventory.services import purchasing
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, UserFactory

from .factories import make_ticket

D = Decimal
GOOD_ID = "91110000600037341L"


@pytest.fixture
def buyer(hq):
    return UserFactory(username="hq-buyer", role="manager", service_point=None)


@pytest.fixture
def supplier(buyer):
    return purchasing.create_supplier(actor=buyer, code="SUP1", name="深圳屏显科技",
                                      credit_code=GOOD_ID, warranty_days=180)


def on_hand(store, part):
    return StockLevel.objects.filter(warehouse=store, part=part).values_list(
        "on_hand", flat=True).first() or 0


def test_an_inspection_feeds_the_stock_ledger(buyer, supplier, hq_store, screen):
    api = ApiClient(buyer)
    order = api.post("/purchase-orders", {"supplier": supplier.pk, "warehouse": hq_store.pk,
                                          "lines": [{"sku": "SCR-X9", "qty": 10,
                                                     "unit_cost": "95.00"}]})
    assert order.status_code == 201, order.json()
    body = order.json()
    assert (body["status"], body["amount"]) == ("ordered", "950.00")
    # rejecting without a reason, or inspecting more than ordered: refused, nothing moves
    no_reason = api.post(f"/purchase-orders/{body['id']}/inspections",
                         {"lines": [{"sku": "SCR-X9", "accepted": 6, "rejected": 2}]})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["field"] == "lines.0.reason"
    too_many = api.post(f"/purchase-orders/{body['id']}/inspections",
                        {"lines": [{"sku": "SCR-X9", "accepted": 11}]})
    assert (too_many.status_code, too_many.json()["error"]["code"]) == (422, "exceeds_ordered")
    assert on_hand(hq_store, screen) == 0 and not Inspection.objects.exists()
    first = api.post(f"/purchase-orders/{body['id']}/inspections",
                     {"lines": [{"sku": "SCR-X9", "accepted": 6, "rejected": 2,
                                 "reason": "划痕"}]})
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "partly_received"
    assert first.json()["lines"] == [{"sku": "SCR-X9", "qty": 10, "unit_cost": "95.00",
                                      "accepted": 6, "rejected": 2}]
    assert on_hand(hq_store, screen) == 6
    move = StockMove.objects.get(kind="receipt")
    assert (move.qty, move.unit_cost, move.reference) == (6, D("95.00"), body["number"])
    last = api.post(f"/purchase-orders/{body['id']}/inspections",
                    {"lines": [{"sku": "SCR-X9", "accepted": 2}]})
    assert last.json()["status"] == "received"
    assert on_hand(hq_store, screen) == 8
    closed = api.post(f"/purchase-orders/{body['id']}/inspections",
                      {"lines": [{"sku": "SCR-X9", "accepted": 1}]})
    assert closed.status_code == 409


def test_a_supplier_with_a_bad_credit_code_is_refused(buyer):
    with pytest.raises(ValidationFailed) as bad:
        purchasing.create_supplier(actor=buyer, code="SUP2", name="某厂",
                                   credit_code="91110000600037341X")
    assert bad.value.field == "credit_code"
    assert not Supplier.objects.exists()


def test_a_part_failed_under_supplier_warranty_is_claimed_and_credited(
        buyer, supplier, hq, hq_store, branch, branch_store, branch_engineer, keeper, screen):
    order = purchasing.create_purchase_order(actor=buyer, supplier=supplier,
                                             warehouse=hq_store,
                                             lines=[{"sku": "SCR-X9", "qty": 5,
                                                     "unit_cost": "90.00"}])
    purchasing.inspect_delivery(actor=buyer, order=order,
                                lines=[{"sku": "SCR-X9", "accepted": 5}])
    services.transfer_stock(actor=buyer, from_warehouse=hq_store, to_warehouse=branch_store,
                            part=screen, qty=1)
    customer = CustomerFactory(service_point=branch, zone="city")
    ticket = make_ticket(number="T-SC1", service_point=branch, engineer=branch_engineer,
                         customer=customer, status="in_repair")
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    faulty = FaultyPartReturn.objects.get(ticket=ticket)
    # not yet back at HQ: refused
    with pytest.raises(Conflict) as early:
        purchasing.claim_from_supplier(actor=buyer, faulty=faulty, supplier=supplier)
    assert early.value.code == "faulty_part_not_returned"
    services.ship_faulty_part(actor=branch_engineer, faulty=faulty)
    services.receive_faulty_part(actor=keeper, faulty=faulty, analysis="屏幕背光失效")
    # the customer's job is at our cost: our claim, approved, prices it to zero
    our_claim = claims.open_claim(actor=branch_engineer, ticket=ticket,
                                  kind="supplier_warranty", description="屏幕在供应商保修期内失效",
                                  cost=D("90.00"))
    claims.approve_claim(actor=buyer, claim=our_claim)
    assert selectors.coverage_for(ticket=ticket).covered is True
    sc = ApiClient(buyer).post("/supplier-claims", {"faulty_part": faulty.pk,
                                                    "supplier": supplier.pk,
                                                    "claim": our_claim.pk})
    assert sc.status_code == 201, sc.json()
    assert (sc.json()["amount"], sc.json()["status"], sc.json()["qty"]) == ("90.00", "open", 1)
    twice = ApiClient(buyer).post("/supplier-claims", {"faulty_part": faulty.pk,
                                                       "supplier": supplier.pk})
    assert twice.status_code == 409
    over = ApiClient(buyer).post(f"/supplier-claims/{sc.json()['id']}/decide",
                                 {"accepted": True, "credit": "90.01"})
    assert over.status_code == 422 and over.json()["error"]["field"] == "credit"
    done = ApiClient(buyer).post(f"/supplier-claims/{sc.json()['id']}/decide",
                                 {"accepted": True, "reference": "CN-2026-77"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["credit"], done.json()["credit_reference"]) == (
        "accepted", "90.00", "CN-2026-77")


def test_a_part_never_delivered_by_that_supplier_is_refused(buyer, supplier, hq_store,
                                                            branch, branch_engineer, keeper,
                                                            branch_store, screen):
    services.receive_stock(actor=buyer, warehouse=branch_store, part=screen, qty=1)
    ticket = make_ticket(number="T-SC2", service_point=branch, engineer=branch_engineer,
                         customer=CustomerFactory(service_point=branch), status="in_repair")
    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    faulty = FaultyPartReturn.objects.get(ticket=ticket)
    services.ship_faulty_part(actor=branch_engineer, faulty=faulty)
    services.receive_faulty_part(actor=keeper, faulty=faulty)
    with pytest.raises(ValidationFailed) as refused:
        purchasing.claim_from_supplier(actor=buyer, faulty=faulty, supplier=supplier)
    assert (refused.value.code, refused.value.field) == ("not_supplied", "supplier")
    assert PurchaseOrder.objects.count() == 0
