"""The money endpoints end to end through the API: every fee of the table, the second trip,
transport, the long city visit, in-warranty zero, approval before work, due dates,
payments and overpayment, both blocks and their lifting."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from aftersales.billing.models import LabourRate, LedgerEntry
from aftersales.customers.models import Customer
from tests.factories import CustomerFactory, DeviceFactory, FaultCodeFactory, PartFactory

from .conftest import act, error_of

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fault(db):
    return FaultCodeFactory(code="F-SCR", name="屏幕故障")


# Prices as published: the engineer quotes catalogue parts and labour rates.
SCREEN = {"kind": "part", "sku": "SCR-300", "qty": 1}


@pytest.fixture(autouse=True)
def price_list(db):
    PartFactory(sku="SCR-300", name="屏幕", price="300.00")
    LabourRate.objects.create(code="L-1950", name="人工", price="1950.00")


def open_repair(api, customer, serial=None, kind="repair"):
    body = {"customer": customer.pk, "channel": "phone", "kind": kind, "mode": "onsite",
            "summary": "屏幕不亮"}
    if serial:
        body["device"] = serial
    return api.post("/tickets", body)


def job(hotline_api, tech_api, tech, frozen, customer, serial, *, trips=1, hours=1):
    """An on-site job: `trips` visits (the last still on site), diagnosed."""
    ticket_id = open_repair(hotline_api, customer, serial).json()["id"]
    assert act(hotline_api, ticket_id, "assign", engineer=tech.pk).status_code == 200
    for trip in range(trips):
        assert act(tech_api, ticket_id, "arrive").status_code == 200
        frozen.shift(timedelta(hours=hours))
        if trip < trips - 1:
            assert act(tech_api, ticket_id, "depart", outcome="revisit").status_code == 200
    assert act(tech_api, ticket_id, "diagnose", fault_code="F-SCR").status_code == 200
    return ticket_id


def amounts(body):
    return [(line["kind"], line["amount"]) for line in body["charges"]["lines"]]


@pytest.mark.parametrize(("zone", "visit", "second", "transport", "total"), [
    ("city", "50.00", "0.00", "100.00", "150.00"),
    ("prefecture", "100.00", "50.00", "200.00", "350.00"),
    ("province", "300.00", "200.00", "500.00", "1000.00"),
])
def test_every_fee_of_the_table(hotline_api, tech_api, tech, frozen, point, zone, visit,
                                second, transport, total):
    # given a customer of the zone, two trips for the same fault, out of warranty
    customer = CustomerFactory(zone=zone, service_point=point)
    device = DeviceFactory(customer=customer)
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial, trips=2)
    # when the engineer quotes a large-unit transport
    response = act(tech_api, ticket_id, "quote", transport=1)
    # then
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "awaiting_approval")
    # the second trip adds only its surcharge on top of the first visit
    assert amounts(body) == [("visit", visit), ("revisit", second), ("transport", transport)]
    assert body["charges"]["total"] == total
    assert body["charges"]["outstanding"] == "0.00"  # nothing is due before resolve


def test_long_city_visit_counts_two(hotline_api, tech_api, tech, frozen, customer, device):
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial, hours=9)
    body = act(tech_api, ticket_id, "quote").json()
    assert amounts(body) == [("visit", "100.00")]


def test_in_warranty_costs_nothing_and_needs_no_approval(hotline_api, tech_api, tech, frozen,
                                                         customer, device):
    # given a unit bought last month with invoice and card
    device.purchase_date, device.invoice_no, device.warranty_card_no = (
        date(2026, 10, 20), "FP1", "K1")
    device.save()
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial)
    # when
    response = act(tech_api, ticket_id, "quote", transport=1, lines=[
        SCREEN])
    # then
    body = response.json()
    assert body["status"] == "in_repair"
    assert amounts(body) == [("visit", "0.00"), ("transport", "0.00"), ("part", "0.00")]
    assert body["charges"]["total"] == "0.00"
    resolved = act(tech_api, ticket_id, "resolve", resolution="更换屏幕").json()
    assert (resolved["charges"]["outstanding"], resolved["charges"]["due_on"]) == ("0.00",
                                                                                    None)


def test_approval_before_work_then_charges_due_in_15_days(hotline_api, tech_api, tech, frozen,
                                                          customer, device, boss_api):
    # given a quote above 2,000 waiting for the customer
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial)
    device.model.factory_price = "1950.01"  # the published factory-repair price
    device.model.save()
    act(tech_api, ticket_id, "quote", lines=[
        {"kind": "factory_repair", "description": "返厂维修", "qty": 1}])
    # then nothing chargeable may happen yet
    early = act(tech_api, ticket_id, "resolve", resolution="修好")
    assert early.status_code == 409
    assert hotline_api.get(f"/tickets/{ticket_id}").json()["status"] == "awaiting_approval"
    assert LedgerEntry.objects.count() == 0
    # when approved and resolved
    assert act(hotline_api, ticket_id, "approve_quote").json()["status"] == "in_repair"
    body = act(tech_api, ticket_id, "resolve", resolution="修好").json()
    # then 2,000.01 falls due 15 days later
    assert body["charges"]["total"] == "2000.01"
    assert body["charges"]["outstanding"] == "2000.01"
    assert body["charges"]["due_on"] == "2026-12-08"


def test_up_to_2000_due_the_same_day(hotline_api, tech_api, tech, frozen, customer, device):
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial)
    act(tech_api, ticket_id, "quote", lines=[
        {"kind": "labour", "rate": "L-1950", "qty": 1}])
    act(hotline_api, ticket_id, "approve_quote")
    body = act(tech_api, ticket_id, "resolve").json()
    assert (body["charges"]["total"], body["charges"]["due_on"]) == ("2000.00", "2026-11-23")


def test_payments_and_overpayment(hotline_api, tech_api, tech, frozen, customer, device,
                                  boss_api):
    # given 350.00 owed
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial)
    act(tech_api, ticket_id, "quote", lines=[
        SCREEN])
    act(hotline_api, ticket_id, "approve_quote")
    act(tech_api, ticket_id, "resolve")
    # when more than the outstanding amount is offered
    over = boss_api.post("/payments", {"ticket": ticket_id, "amount": "350.01",
                                       "method": "cash"})
    # then it is refused and nothing changes
    assert error_of(over) == (422, "exceeds_outstanding", "amount")
    assert LedgerEntry.objects.filter(kind="payment").count() == 0
    for bad, field in [({"amount": "1.005"}, "amount"), ({"method": "cheque"}, "method"),
                       ({"amount": "-1"}, "amount"), ({"ticket": 999999}, "ticket")]:
        response = boss_api.post("/payments", {"ticket": ticket_id, "amount": "1.00",
                                               "method": "cash", **bad})
        assert (response.status_code, response.json()["error"]["field"]) == (422, field)
    # when paid in two parts
    first = boss_api.post("/payments", {"ticket": ticket_id, "amount": "100.50",
                                        "method": "wechat"})
    second = boss_api.post("/payments", {"ticket": ticket_id, "amount": 249.5,
                                         "method": "alipay"})
    # then
    assert first.status_code == 201
    body = first.json()
    assert (body["ticket"], body["amount"], body["method"], body["outstanding"],
            body["received_by"]) == (ticket_id, "100.50", "wechat", "249.50", "boss_sjz")
    assert (second.status_code, second.json()["outstanding"]) == (201, "0.00")
    listed = hotline_api.get("/payments", {"ticket": ticket_id}).json()["items"]
    assert [(p["amount"], p["method"]) for p in listed] == [("100.50", "wechat"),
                                                            ("249.50", "alipay")]
    charges = hotline_api.get(f"/tickets/{ticket_id}").json()["charges"]
    assert (charges["paid"], charges["outstanding"]) == ("350.00", "0.00")
    assert hotline_api.get(f"/customers/{customer.pk}").json()["outstanding"] == "0.00"


def test_hotline_agent_cannot_take_money(hotline_api, tech_api, tech, frozen, customer,
                                         device):
    ticket_id = job(hotline_api, tech_api, tech, frozen, customer, device.serial)
    act(tech_api, ticket_id, "resolve")
    response = hotline_api.post("/payments", {"ticket": ticket_id, "amount": "50.00",
                                              "method": "cash"})
    assert response.status_code == 403
    assert LedgerEntry.objects.filter(kind="payment").count() == 0


def test_both_blocks_and_their_lifting(hotline_api, tech_api, tech, frozen, customer, device,
                                       boss_api):
    # given a resolved job whose payment is refused
    first = job(hotline_api, tech_api, tech, frozen, customer, device.serial)
    act(tech_api, first, "resolve")
    assert act(hotline_api, first, "refuse_payment", note="不认可收费").status_code == 200
    # then that unit gets no new repair, installation or maintenance
    for kind in ("repair", "installation", "maintenance"):
        assert error_of(open_repair(hotline_api, customer, device.serial, kind)) == (
            409, "device_unpaid", "device")
    # but a consultation and a complaint are taken
    for kind in ("consultation", "complaint"):
        assert open_repair(hotline_api, customer, device.serial, kind).status_code == 201
    # given a second refused repair on another unit
    other = DeviceFactory(customer=customer)
    second = job(hotline_api, tech_api, tech, frozen, customer, other.serial, trips=2)
    act(tech_api, second, "resolve")
    act(hotline_api, second, "refuse_payment", note="拒付")
    # then the customer is blocked
    shown = hotline_api.get(f"/customers/{customer.pk}").json()
    assert (shown["blocked"], shown["outstanding"]) == (True, "100.00")
    assert shown["blocked_reason"] == Customer.objects.get(pk=customer.pk).blocked_reason != ""
    third = DeviceFactory(customer=customer)
    assert error_of(open_repair(hotline_api, customer, third.serial)) == (
        409, "customer_blocked", "customer")
    assert open_repair(hotline_api, customer, third.serial, "consultation").status_code == 201
    # when the first debt is paid the block stays
    boss_api.post("/payments", {"ticket": first, "amount": "50.00", "method": "cash"})
    assert hotline_api.get(f"/customers/{customer.pk}").json()["blocked"] is True
    # when every old debt is paid the block is lifted at once
    boss_api.post("/payments", {"ticket": second, "amount": "50.00", "method": "transfer"})
    shown = hotline_api.get(f"/customers/{customer.pk}").json()
    assert (shown["blocked"], shown["blocked_reason"], shown["outstanding"]) == (False, "",
                                                                                 "0.00")
    assert open_repair(hotline_api, customer, device.serial).status_code == 201
