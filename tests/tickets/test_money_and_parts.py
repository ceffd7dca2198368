"""End to end with the billing and inventory apps: quote, approval, parts, resolution and
its charges, refusal to pay, cancel returning parts, intake refused for debts."""
from datetime import UTC, date, datetime

import pytest
import time_machine

from aftersales.customers.models import Customer
from aftersales.devices.models import RepairRecord
from aftersales.inventory import services as inventory_services
from aftersales.inventory.models import StockLevel
from aftersales.tickets.models import FollowUp, Ticket, TicketEvent
from tests.factories import FaultCodeFactory, PartFactory, ServicePointFactory
from tests.inventory.factories import WarehouseFactory

from .conftest import act, error_code

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def screen(db):
    return PartFactory(sku="SCR-X9", name="屏幕总成", price="300.00", cost="100.00")


@pytest.fixture
def store(point, screen, admin_user):
    hq_point = ServicePointFactory(code="HQ", kind="hq")
    WarehouseFactory(code="HQ-01", service_point=hq_point)
    warehouse = WarehouseFactory(code="SJZ-01", service_point=point)
    inventory_services.receive_stock(actor=admin_user, warehouse=warehouse, part=screen, qty=2)
    return warehouse


def on_hand(warehouse, part):
    level = StockLevel.objects.filter(warehouse=warehouse, part=part).first()
    return level.on_hand if level else 0


@pytest.fixture
def on_site(make_ticket, hotline_api, tech_api, tech):
    """An out-of-warranty repair (no proof of purchase), engineer on site, diagnosed."""
    FaultCodeFactory(code="F-SCR", name="屏幕故障")
    ticket = make_ticket()
    act(hotline_api, ticket, "respond")
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    act(tech_api, ticket, "arrive")
    diagnosed = act(tech_api, ticket, "diagnose", fault_code="F-SCR", findings="屏幕排线断裂",
                    cause="none")
    assert diagnosed.status_code == 200
    return ticket


def test_diagnose_keeps_the_warranty_decision(on_site, hotline_api):
    body = hotline_api.get(f"/tickets/{on_site.pk}").json()
    assert (body["status"], body["fault_code"], body["findings"]) == (
        "diagnosed", "F-SCR", "屏幕排线断裂")
    assert (body["warranty_covered"], body["warranty_basis"]) == (False, "none")
    assert body["warranty_reasons"] == ["no_proof", "needs_invoice_and_card"]
    assert body["events"][-1]["data"]["covered"] is False


def test_diagnose_in_warranty(make_ticket, device, hotline_api, tech_api, tech):
    # given a unit bought last month with invoice and card
    device.purchase_date, device.invoice_no, device.warranty_card_no = (
        date(2026, 10, 20), "FP1", "K1")
    device.save()
    FaultCodeFactory(code="F-SCR")
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    act(tech_api, ticket, "arrive")
    # when
    body = act(tech_api, ticket, "diagnose", fault_code="F-SCR").json()
    # then
    assert (body["warranty_covered"], body["warranty_basis"]) == (True, "invoice")
    assert body["warranty_options"] == ["free_repair"]


def test_quote_approval_parts_resolution_and_charges(on_site, store, screen, hotline_api,
                                                     tech_api, device):
    # when the engineer quotes the screen and the customer has not approved yet
    quoted = act(tech_api, on_site, "quote",
                 lines=[{"kind": "part", "sku": "SCR-X9", "qty": 1}])
    assert (quoted.status_code, quoted.json()["status"]) == (200, "awaiting_approval")
    assert quoted.json()["charges"]["total"] == "350.00"  # visit 50 + screen 300
    early = act(tech_api, on_site, "use_part", sku="SCR-X9", qty=1)
    # then no chargeable work before approval
    assert early.status_code == 409
    assert on_hand(store, screen) == 2
    # when approved, the part is issued and the job resolved
    approved = act(hotline_api, on_site, "approve_quote")
    used = act(tech_api, on_site, "use_part", sku="SCR-X9", qty=1)
    departed = act(tech_api, on_site, "depart", outcome="fixed")
    resolved = act(tech_api, on_site, "resolve", resolution="更换屏幕")
    # then
    assert approved.json()["status"] == "in_repair"
    assert approved.json()["repair_started_at"] == "2026-11-23T10:00:00+08:00"
    assert used.status_code == 200 and on_hand(store, screen) == 1
    assert departed.json()["status"] == "in_repair"
    body = resolved.json()
    assert (body["status"], body["resolved_at"]) == ("resolved", "2026-11-23T10:00:00+08:00")
    assert body["charges"] == {
        "lines": [{"kind": "visit", "description": body["charges"]["lines"][0]["description"],
                   "amount": "50.00"},
                  {"kind": "part", "description": "屏幕总成", "amount": "300.00"}],
        "total": "350.00", "paid": "0.00", "outstanding": "350.00", "due_on": "2026-11-23"}
    assert body["follow_ups"] == [{"due_at": "2026-11-24T10:00:00+08:00", "done_at": None,
                                   "satisfaction": None, "comment": ""}]
    repair = RepairRecord.objects.get(device=device)
    assert (repair.fault_code, repair.part_sku, repair.reference) == (
        "F-SCR", "SCR-X9", on_site.number)


def test_sign_off_callback_close(on_site, hotline_api, tech_api):
    # given a resolved job
    act(tech_api, on_site, "depart", outcome="fixed")
    assert act(tech_api, on_site, "resolve", resolution="重新插排线").status_code == 200
    assert act(tech_api, on_site, "test").status_code == 200  # tested before sign-off
    # when
    signed = act(tech_api, on_site, "sign_off", signed_by="刘先生", satisfaction=4)
    twice = act(tech_api, on_site, "sign_off", signed_by="刘先生")
    bad = act(hotline_api, on_site, "callback", satisfaction=6)
    called = act(hotline_api, on_site, "callback", satisfaction=5, comment="很满意")
    closed = act(hotline_api, on_site, "close")
    # then
    assert (signed.json()["signed_by"], signed.json()["satisfaction"]) == ("刘先生", 4)
    assert (twice.status_code, error_code(twice)) == (409, "already_signed")
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "satisfaction")
    assert called.json()["satisfaction"] == 5
    assert called.json()["follow_ups"][0]["done_at"] == "2026-11-23T10:00:00+08:00"
    assert called.json()["follow_ups"][0]["comment"] == "很满意"
    assert (closed.json()["status"], closed.json()["closed_at"]) == (
        "closed", "2026-11-23T10:00:00+08:00")
    assert FollowUp.objects.filter(ticket=on_site, done_at__isnull=True).count() == 0


def test_callback_without_a_due_callback(on_site, hotline_api, tech_api):
    act(tech_api, on_site, "resolve")
    assert act(hotline_api, on_site, "callback", satisfaction=3).status_code == 200
    again = act(hotline_api, on_site, "callback", satisfaction=3)
    assert (again.status_code, error_code(again)) == (409, "no_callback_due")


def test_reject_quote_ends_the_job_with_the_visit_charged(on_site, screen, hotline_api,
                                                          tech_api):
    # given a quote waiting
    act(tech_api, on_site, "quote", lines=[{"kind": "part", "sku": "SCR-X9", "qty": 1,
                                            "unit_price": "300.00"}])
    # when the customer declines
    response = act(hotline_api, on_site, "reject_quote")
    # then
    body = response.json()
    assert (body["status"], body["resolved_at"]) == ("resolved", "2026-11-23T10:00:00+08:00")
    assert [line["kind"] for line in body["charges"]["lines"]] == ["visit"]
    assert body["charges"]["outstanding"] == "50.00"
    assert len(body["follow_ups"]) == 1


def test_refuse_payment_blocks_after_two(make_ticket, on_site, hotline_api, tech_api, tech,
                                         customer):
    # given the first resolved job with 50.00 owed
    act(tech_api, on_site, "resolve")
    # when the customer refuses to pay it
    refused = act(hotline_api, on_site, "refuse_payment", note="不认可收费")
    again = act(hotline_api, on_site, "refuse_payment", note="不认可收费")
    # then
    assert (refused.status_code, refused.json()["payment_refused"]) == (200, True)
    assert (again.status_code, error_code(again)) == (409, "already_refused")
    unpaid_unit = hotline_api.post("/tickets", {"customer": customer.pk, "channel": "phone",
                                                "kind": "repair", "mode": "onsite",
                                                "summary": "又坏了", "device": "SN00000001"})
    assert (unpaid_unit.status_code, error_code(unpaid_unit)) == (409, "device_unpaid")
    # given a second refused repair
    second = make_ticket(device=None)
    act(hotline_api, second, "assign", engineer=tech.pk)
    act(tech_api, second, "arrive")
    act(tech_api, second, "resolve")
    act(hotline_api, second, "refuse_payment")
    # then the customer is blocked and a new repair is refused
    assert Customer.objects.get(pk=customer.pk).blocked is True
    count = Ticket.objects.count()
    blocked = hotline_api.post("/tickets", {"customer": customer.pk, "channel": "phone",
                                            "kind": "repair", "mode": "onsite",
                                            "summary": "又坏了"})
    consultation = hotline_api.post("/tickets", {"customer": customer.pk, "channel": "phone",
                                                 "kind": "consultation", "mode": "remote",
                                                 "summary": "咨询"})
    assert (blocked.status_code, error_code(blocked)) == (409, "customer_blocked")
    assert consultation.status_code == 201
    assert Ticket.objects.count() == count + 1


def test_insufficient_stock_changes_nothing(on_site, store, screen, tech_api):
    # given an approved quote and only 2 screens
    act(tech_api, on_site, "quote")
    act(tech_api, on_site, "approve_quote")
    before = (Ticket.objects.get(pk=on_site.pk).version,
              TicketEvent.objects.filter(ticket=on_site).count())
    # when
    response = act(tech_api, on_site, "use_part", sku="SCR-X9", qty=3)
    # then
    assert (response.status_code, error_code(response)) == (409, "insufficient_stock")
    assert on_hand(store, screen) == 2
    assert (Ticket.objects.get(pk=on_site.pk).version,
            TicketEvent.objects.filter(ticket=on_site).count()) == before


def test_cancel_and_reopen_return_unused_parts(on_site, store, screen, hotline_api, tech_api):
    # given a part issued to the job
    act(tech_api, on_site, "quote")
    act(tech_api, on_site, "approve_quote")
    assert act(tech_api, on_site, "use_part", sku="SCR-X9", qty=1).status_code == 200
    assert on_hand(store, screen) == 1
    # when the job is cancelled
    cancelled = act(hotline_api, on_site, "cancel", reason="客户自行修好")
    # then the part goes back
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["events"][-1]["data"] == {"reason": "客户自行修好",
                                                      "parts_returned": 1}
    assert on_hand(store, screen) == 2
    # when reopened, the job is the engineer's again
    reopened = act(hotline_api, on_site, "reopen", reason="又坏了")
    assert reopened.json()["status"] == "assigned"
    assert reopened.json()["closed_at"] is None


# a 1×1 transparent PNG, as the signature pad sends it
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42"
             "mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def test_the_drawn_signature_is_kept_with_the_sign_off(on_site, tech_api):
    # given a resolved job
    act(tech_api, on_site, "depart", outcome="fixed")
    act(tech_api, on_site, "resolve", resolution="重新插排线")
    act(tech_api, on_site, "test")
    # when
    signed = act(tech_api, on_site, "sign_off", signed_by="刘先生", signature=SIGNATURE)
    # then
    assert signed.json()["signature"] is True
    stored = Ticket.objects.get(pk=on_site.pk).signature_png
    assert stored == SIGNATURE.split(",", 1)[1]


@pytest.mark.parametrize("signature", [
    "data:image/jpeg;base64,/9j/4AAQSkZJRg==",  # not a PNG
    "data:image/png;base64,not base64!",
    "data:image/png;base64,aGVsbG8=",  # base64 of "hello", not a PNG
])
def test_a_signature_that_is_not_a_png_is_refused(on_site, tech_api, signature):
    act(tech_api, on_site, "depart", outcome="fixed")
    act(tech_api, on_site, "resolve", resolution="重新插排线")
    act(tech_api, on_site, "test")
    refused = act(tech_api, on_site, "sign_off", signed_by="刘先生", signature=signature)
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "signature")
    ticket = Ticket.objects.get(pk=on_site.pk)
    assert (ticket.signed_at, ticket.signature_png) == (None, "")
