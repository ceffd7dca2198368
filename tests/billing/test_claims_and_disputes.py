"""Claims at our cost: each kind, approved by a manager, prices the job to zero for the
customer (what was charged is adjusted away; charges posted later are zero) and books
the cost to the claim. Fee disputes: a manager's reduction or waiver is a ledger
adjustment, never an edited charge."""
from decimal import Decimal

import pytest

from aftersales.billing import claims, disputes, selectors, services
from aftersales.billing.models import Charge, ChargeLine, Claim, FeeDispute, LedgerEntry
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import DeviceFactory, PartFactory
from tests.tickets.factories import open_test_ticket

from .conftest import error_of
from .factories import add_visits, charged_ticket, diagnosed, mark_resolved

D = Decimal
PART = [{"kind": "part", "description": "电源模块", "qty": 1, "unit_price": "200.00"}]


def ledger(ticket):
    return list(LedgerEntry.objects.filter(charge__ticket=ticket).order_by("id")
                .values_list("kind", "amount"))


@pytest.mark.parametrize("kind", ["customer_loss", "our_fault", "supplier_warranty"])
def test_a_claim_on_a_charged_job_makes_it_free_and_books_the_cost(kind, boss, tech, customer,
                                                                    device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=PART)
    assert selectors.ticket_money(ticket=ticket)["outstanding"] == D("250.00")
    claim = claims.open_claim(actor=tech, ticket=ticket, kind=kind,
                              description="我方提供的电源有缺陷", cost=D("120.00"))
    assert claim.status == "pending"
    assert selectors.ticket_money(ticket=ticket)["outstanding"] == D("250.00")  # not yet
    approved = claims.approve_claim(actor=boss, claim=claim, note="同意")
    assert (approved.status, approved.cost, approved.waived, approved.booked) == (
        "approved", D("120.00"), D("250.00"), D("370.00"))
    # the charge is untouched; the ledger shows an adjustment to zero
    assert ledger(ticket) == [("charge", D("250.00")), ("adjustment", D("-250.00"))]
    assert ChargeLine.objects.filter(charge__ticket=ticket).count() == 2
    money = selectors.ticket_money(ticket=ticket)
    assert (money["total"], money["outstanding"]) == (D("0.00"), D("0.00"))


def test_a_claim_approved_before_the_charge_falls_due_prices_it_to_zero(boss, tech, customer,
                                                                        device):
    ticket = open_test_ticket(actor=boss, customer=customer, device=device)
    add_visits(ticket, 2, 3)
    diagnosed(ticket, covered=False)
    claim = claims.open_claim(actor=tech, ticket=ticket, kind="our_fault",
                              description="上次维修指导错误", cost=D("60.00"))
    claims.approve_claim(actor=boss, claim=claim)
    # the engineer quotes the part at its catalogue price: the claim's zero is no price
    # change, so neither a manager nor the customer has anything to approve
    PartFactory(sku="PSU-1", name="电源模块", price="200.00")
    quote = services.quote_ticket(actor=tech, ticket=ticket,
                                  lines=[{"kind": "part", "sku": "PSU-1", "qty": 1}])
    assert (quote.status, quote.total, quote.price_change) == ("approved", D("0.00"), "")
    line = quote.lines.get(kind="part")
    assert (line.unit_price, line.list_price, line.amount) == (D("200.00"), D("200.00"),
                                                               D("0.00"))
    mark_resolved(ticket)
    assert services.post_charges(actor=boss, ticket=ticket) is None
    assert not Charge.objects.filter(ticket=ticket).exists()
    assert Claim.objects.get().booked == D("60.00")


def test_claim_refusals_change_nothing(boss, tech, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device)
    with pytest.raises(ValidationFailed) as bad_kind:
        claims.open_claim(actor=tech, ticket=ticket, kind="bribe", description="x")
    assert bad_kind.value.field == "kind"
    claim = claims.open_claim(actor=tech, ticket=ticket, kind="customer_loss",
                              description="备用机漏电损坏客户打印机", cost=D("800.00"))
    with pytest.raises(Conflict):
        claims.open_claim(actor=tech, ticket=ticket, kind="our_fault", description="再报")
    with pytest.raises(Forbidden):
        claims.approve_claim(actor=tech, claim=claim)
    claims.reject_claim(actor=boss, claim=claim, note="客户自行损坏")
    with pytest.raises(Conflict) as decided:
        claims.approve_claim(actor=boss, claim=claim)
    assert decided.value.code == "claim_decided"
    assert ledger(ticket) == [("charge", D("50.00"))]


def test_a_dispute_reduces_a_debt_through_an_adjustment(boss, hotline, customer, device,
                                                        boss_api, hotline_api):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=PART)
    opened = hotline_api.post("/disputes", {"ticket": ticket.pk,
                                            "complaint": "电源模块价格高于公示价"})
    assert opened.status_code == 201, opened.json()
    dispute_id = opened.json()["id"]
    # a reduction without a reason, or above what was charged, is refused: nothing changes
    assert error_of(boss_api.post(f"/disputes/{dispute_id}/decide",
                                  {"decision": "reduced", "amount": "40.00"})) == (
        422, "invalid", "reason")
    assert error_of(boss_api.post(f"/disputes/{dispute_id}/decide",
                                  {"decision": "reduced", "amount": "250.01",
                                   "reason": "按公示价"})) == (
        422, "exceeds_charged", "amount")
    assert error_of(hotline_api.post(f"/disputes/{dispute_id}/decide",
                                     {"decision": "waived", "reason": "x"}))[0] == 403
    assert ledger(ticket) == [("charge", D("250.00"))]
    assert FeeDispute.objects.get().status == "open"
    decided = boss_api.post(f"/disputes/{dispute_id}/decide",
                            {"decision": "reduced", "amount": "40.00", "reason": "按公示价"})
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert (body["status"], body["reduced_by"], body["outstanding"]) == (
        "reduced", "40.00", "210.00")
    entry = LedgerEntry.objects.get(pk=body["adjustment"])
    assert (entry.kind, entry.amount, entry.note) == ("adjustment", D("-40.00"),
                                                      "费用争议：按公示价")
    assert ledger(ticket) == [("charge", D("250.00")), ("adjustment", D("-40.00"))]
    assert list(ChargeLine.objects.filter(charge__ticket=ticket).values_list(
        "amount", flat=True)) == [D("50.00"), D("200.00")]  # the charge itself is unedited
    again = boss_api.post(f"/disputes/{dispute_id}/decide", {"decision": "upheld"})
    assert error_of(again)[:2] == (409, "dispute_decided")


def test_a_waiver_and_an_upheld_charge(boss, customer):
    waived_ticket = charged_ticket(actor=boss, customer=customer,
                                   device=DeviceFactory(customer=customer), lines=PART)
    upheld_ticket = charged_ticket(actor=boss, customer=customer,
                                   device=DeviceFactory(customer=customer))
    for ticket, decision in ((waived_ticket, "waived"), (upheld_ticket, "upheld")):
        dispute = disputes.open_dispute(actor=boss, charge=Charge.objects.get(ticket=ticket),
                                        complaint="不认可")
        disputes.decide_dispute(actor=boss, dispute=dispute, decision=decision,
                                reason="经理决定")
    assert ledger(waived_ticket) == [("charge", D("250.00")), ("adjustment", D("-250.00"))]
    assert ledger(upheld_ticket) == [("charge", D("50.00"))]
    assert selectors.customer_outstanding(customer_id=customer.pk) == D("50.00")
