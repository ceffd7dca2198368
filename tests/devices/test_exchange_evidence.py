"""PRODUCT.md "Exchange and return evidence": each failing item of a 15-day exchange is a
reason of its own; a missing invoice or card is always among the reasons when it withholds
a return or exchange; a fault our repair caused is free; an exchange restarts the periods."""
from datetime import date

import pytest

from aftersales.core.errors import ValidationFailed
from aftersales.devices.evidence import parse_evidence
from aftersales.devices.models import WarrantyPolicy
from aftersales.devices.selectors import policy_for
from aftersales.devices.services import record_repair
from aftersales.devices.warranty import (
    Evidence,
    Fault,
    PastRepair,
    Policy,
    Unit,
    decide,
    exchange_start,
)

BOUGHT = date(2026, 3, 15)
PHONE = Unit(serial="XY2603000001", model_code="X9", purchase_date=BOUGHT,
             imei="490154203237518", dealer="石家庄通讯城")
PROOF = {"invoice": True, "warranty_card": True}
DAY_10 = date(2026, 3, 25)  # exchange window (15 days), past the 7-day return


def on_day_10(**evidence):
    return decide(unit=PHONE, fault=Fault(kind="performance"), cause="none",
                  evidence=Evidence(**{**PROOF, **evidence}), on=DAY_10)


def test_all_evidence_in_order_keeps_the_exchange():
    decision = on_day_10(invoice_date=BOUGHT, invoice_model="x9 ",
                         invoice_imei="490154203237518", invoice_seller="石家庄通讯城",
                         invoice_stamped=True, card_date=BOUGHT, network_label=True,
                         imei_label=True, casing_wear=False)
    assert (decision.options, decision.reasons) == (("exchange", "free_repair"), ())


@pytest.mark.parametrize(("evidence", "reason"), [
    ({"invoice_date": date(2026, 3, 16)}, "invoice_mismatch"),
    ({"invoice_model": "X8"}, "invoice_mismatch"),
    ({"invoice_imei": "356938035643809"}, "invoice_mismatch"),
    ({"invoice_seller": "别家商店"}, "invoice_mismatch"),
    ({"invoice_stamped": False}, "invoice_mismatch"),
    ({"card_date": date(2026, 3, 14)}, "dates_differ"),
    ({"network_label": False}, "label_missing"),
    ({"imei_label": False}, "label_missing"),
    ({"casing_wear": True}, "casing_wear"),
])
def test_each_failing_item_is_its_own_reason(evidence, reason):
    decision = on_day_10(**evidence)
    assert decision.covered is True
    assert decision.options == ("free_repair",)
    assert decision.reasons == (reason,)


def test_several_failing_items_each_listed():
    decision = on_day_10(invoice_model="X8", card_date=date(2026, 3, 1), imei_label=False,
                         casing_wear=True)
    assert decision.reasons == ("invoice_mismatch", "dates_differ", "label_missing",
                                "casing_wear")


def test_evidence_items_do_not_matter_after_the_exchange_window():
    decision = decide(unit=PHONE, fault=Fault(kind="performance"), cause="none",
                      evidence=Evidence(**PROOF, invoice_model="X8", network_label=False),
                      on=date(2026, 5, 1))
    assert (decision.options, decision.reasons) == (("free_repair",), ())


@pytest.mark.parametrize(("unit", "evidence", "covered", "basis"), [
    # the card missing inside the window (invoice dates the purchase)
    (PHONE, Evidence(invoice=True), True, "invoice"),
    # no invoice: dated from the manufacture date
    (Unit(serial="XY2603000001", model_code="X9", manufactured_on=date(2026, 3, 1)),
     Evidence(warranty_card=True), True, "manufacture_date"),
    # nothing dates the unit at all: not covered
    (Unit(serial="XY2603000001", model_code="X9"), Evidence(), False, "none"),
])
def test_missing_papers_are_always_named(unit, evidence, covered, basis):
    decision = decide(unit=unit, fault=Fault(kind="performance"), cause="none",
                      evidence=evidence, on=DAY_10)
    assert (decision.covered, decision.basis) == (covered, basis)
    assert "needs_invoice_and_card" in decision.reasons
    assert "return" not in decision.options and "exchange" not in decision.options


REPAIRED = date(2026, 9, 1)
OLD = Unit(serial="XY2401000001", model_code="X9", purchase_date=date(2024, 1, 10))


def test_a_fault_our_repair_caused_is_free_on_another_part():
    # given a repair of the screen 30 days ago, out of warranty; a new fault on the board
    repairs = [PastRepair(REPAIRED, part_sku="SCR-X9")]
    fault = Fault(kind="performance", part_sku="MB-X9", caused_by_repair=True)
    decision = decide(unit=OLD, fault=fault, cause="none", evidence=Evidence(**PROOF),
                      on=date(2026, 10, 1), repairs=repairs)
    assert (decision.covered, decision.basis, decision.options) == (
        True, "repair_caused", ("free_repair",))
    assert decision.warranty_ends == date(2026, 11, 30)
    # without the engineer's attribution the other part is paid
    plain = decide(unit=OLD, fault=Fault(kind="performance", part_sku="MB-X9"), cause="none",
                   evidence=Evidence(**PROOF), on=date(2026, 10, 1), repairs=repairs)
    assert (plain.covered, plain.reasons) == (False, ("expired",))


def test_a_repair_caused_fault_after_the_repair_warranty_is_paid():
    fault = Fault(kind="performance", caused_by_repair=True)
    decision = decide(unit=OLD, fault=fault, cause="none", evidence=Evidence(**PROOF),
                      on=date(2026, 12, 1), repairs=[PastRepair(REPAIRED, part_sku="SCR")])
    assert (decision.covered, decision.basis) == (False, "none")


def test_misuse_still_wins_over_a_repair_caused_fault():
    fault = Fault(kind="performance", caused_by_repair=True)
    decision = decide(unit=OLD, fault=fault, cause="misuse", evidence=Evidence(**PROOF),
                      on=date(2026, 10, 1), repairs=[PastRepair(REPAIRED)])
    assert (decision.covered, decision.reasons) == (False, ("misuse",))


def test_exchange_restarts_the_periods_by_default():
    assert exchange_start(exchanged_on=date(2026, 3, 25), purchase_date=BOUGHT) == date(
        2026, 3, 25)
    assert exchange_start(exchanged_on=date(2026, 3, 25), purchase_date=BOUGHT,
                          policy=Policy(exchange_restarts_periods=False)) == BOUGHT


def test_the_restart_is_a_policy_row(db, device_factory):
    device = device_factory()
    assert policy_for(device).exchange_restarts_periods is True
    policy = WarrantyPolicy.current()
    policy.exchange_restarts_periods = False
    policy.save()
    assert policy_for(device).exchange_restarts_periods is False


# --------------------------------------------------------------------------
# Reading the evidence from a request
# --------------------------------------------------------------------------


def test_parse_evidence_reads_every_item():
    evidence = parse_evidence({"invoice_date": "2026-03-15", "card_date": "2026-03-15",
                               "invoice_model": " X9 ", "network_label": False},
                              base={"invoice": True, "warranty_card": True})
    assert evidence == Evidence(invoice=True, warranty_card=True, invoice_date=BOUGHT,
                                card_date=BOUGHT, invoice_model="X9", network_label=False)


@pytest.mark.parametrize(("raw", "field"), [
    ({"invoice_date": "15/03/2026"}, "evidence.invoice_date"),
    ({"card_date": 20260315}, "evidence.card_date"),
    ({"network_label": "yes"}, "evidence.network_label"),
    ({"casing_wear": None}, "evidence.casing_wear"),
    ({"invoice_imei": "4" * 16}, "evidence.invoice_imei"),
    ({"invoice_seller": 7}, "evidence.invoice_seller"),
    ({"colour": "red"}, "evidence"),
    (["invoice"], "evidence"),
])
def test_parse_evidence_names_the_bad_field(raw, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_evidence(raw)
    assert caught.value.field == field


# --------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------


@pytest.fixture
def phone(device_factory, customer_factory, product_model_factory):
    return device_factory(serial="XY2603000001", imei="490154203237518",
                          customer=customer_factory(), dealer="石家庄通讯城",
                          model=product_model_factory(code="X9"), purchase_date=BOUGHT,
                          invoice_no="FP1", warranty_card_no="K1")


def test_api_names_each_reason(agent_api, phone):
    body = agent_api.post("/warranty/check", {
        "serial": phone.serial, "on": "2026-03-25",
        "evidence": {**PROOF, "invoice_date": "2026-03-15", "invoice_seller": "别家商店",
                     "card_date": "2026-03-20", "imei_label": False}}).json()
    assert body["options"] == ["free_repair"]
    assert body["reasons"] == ["invoice_mismatch", "dates_differ", "label_missing"]


def test_api_repair_caused(agent_api, phone):
    record_repair(device=phone, repaired_on=date(2027, 4, 1), part_sku="SCR-X9")
    body = agent_api.post("/warranty/check", {
        "serial": phone.serial, "on": "2027-05-01", "evidence": PROOF,
        "fault": {"kind": "performance", "caused_by_repair": True}}).json()
    assert (body["covered"], body["basis"]) == (True, "repair_caused")


def test_api_bad_evidence_date_is_a_422(agent_api, phone):
    response = agent_api.post("/warranty/check", {
        "serial": phone.serial, "evidence": {**PROOF, "card_date": "not a date"}})
    assert response.status_code == 422
    assert "card_date" in response.json()["error"]["field"]
