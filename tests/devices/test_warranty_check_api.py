"""The warranty check: POST /warranty/check, with the unit's history and contracts."""
from datetime import date

import pytest

from aftersales.billing.services import bill_contract
from aftersales.contracts import services as contract_services
from aftersales.devices.services import record_repair

PROOF = {"invoice": True, "warranty_card": True}


@pytest.fixture
def phone(device_factory, customer_factory, product_model_factory):
    return device_factory(serial="XY2603000001", customer=customer_factory(),
                          model=product_model_factory(code="X9"),
                          purchase_date=date(2026, 3, 15), invoice_no="FP1",
                          warranty_card_no="K1")


def check(api, serial, **body):
    return api.post("/warranty/check", {"serial": serial, **body})


def test_within_7_days_every_option(agent_api, phone):
    body = check(agent_api, phone.serial, on="2026-03-22", evidence=PROOF).json()
    assert body == {"covered": True, "options": ["return", "exchange", "free_repair"],
                    "basis": "invoice", "warranty_ends": "2027-03-15", "reasons": []}


def test_day_8_exchange_or_repair(agent_api, phone):
    body = check(agent_api, phone.serial, on="2026-03-23", evidence=PROOF).json()
    assert body["options"] == ["exchange", "free_repair"]


def test_last_day_of_warranty_and_the_day_after(agent_api, phone):
    assert check(agent_api, phone.serial, on="2027-03-15",
                 evidence=PROOF).json()["options"] == ["free_repair"]
    after = check(agent_api, phone.serial, on="2027-03-16", evidence=PROOF).json()
    assert after["covered"] is False
    assert after["options"] == ["paid_repair"]
    assert after["reasons"] == ["expired"]


def test_misuse_is_never_covered(agent_api, phone):
    body = check(agent_api, phone.serial, on="2026-04-01", cause="misuse", evidence=PROOF).json()
    assert (body["covered"], body["reasons"]) == (False, ["misuse"])


def test_card_serial_mismatch(agent_api, phone):
    body = check(agent_api, phone.serial, on="2026-04-01",
                 evidence={**PROOF, "card_serial": "XY0000000000"}).json()
    assert body["covered"] is False
    assert "card_mismatch" in body["reasons"]


def test_accessory_period_comes_from_the_part(agent_api, phone, part_factory):
    part_factory(sku="EAR-1", accessory_kind="earphone")
    inside = check(agent_api, phone.serial, on="2026-06-15", evidence=PROOF,
                   fault={"kind": "accessory", "part": "EAR-1"}).json()
    outside = check(agent_api, phone.serial, on="2026-06-16", evidence=PROOF,
                    fault={"kind": "accessory", "part": "EAR-1"}).json()
    assert inside["covered"] is True
    assert (outside["covered"], outside["reasons"]) == (False, ["expired"])


def test_repeat_fault_from_the_units_repair_history(agent_api, phone, fault_code_factory):
    fault_code_factory(code="F-SCR")
    record_repair(device=phone, repaired_on=date(2026, 5, 2), fault_code="F-SCR")
    record_repair(device=phone, repaired_on=date(2026, 5, 20), fault_code="F-SCR")
    body = check(agent_api, phone.serial, on="2026-05-30", evidence=PROOF,
                 fault={"kind": "performance", "code": "F-SCR"}).json()
    assert body["basis"] == "repeat_fault"
    assert "exchange" in body["options"]


def test_repair_warranty_after_expiry(agent_api, phone, part_factory):
    part_factory(sku="SCR-X9")
    record_repair(device=phone, repaired_on=date(2027, 3, 1), part_sku="SCR-X9")
    body = check(agent_api, phone.serial, on="2027-05-30", evidence=PROOF,
                 fault={"kind": "performance", "part": "SCR-X9"}).json()
    assert (body["covered"], body["basis"]) == (True, "repair_warranty")
    late = check(agent_api, phone.serial, on="2027-05-31", evidence=PROOF,
                 fault={"kind": "performance", "part": "SCR-X9"}).json()
    assert late["covered"] is False


def test_an_active_annual_contract_makes_an_expired_unit_free(agent_api, phone, admin_user):
    contract_services.sign_contract(actor=admin_user, customer=phone.customer, kind="annual",
                                    starts_on=date(2027, 3, 1), ends_on=date(2028, 2, 29),
                                    price="3000", devices=[phone],
                                    bill=bill_contract)
    body = check(agent_api, phone.serial, on="2027-06-01", evidence=PROOF).json()
    assert (body["covered"], body["basis"]) == (True, "contract")
    assert body["warranty_ends"] == "2028-02-29"


def test_unknown_serial_is_404(agent_api, db):
    response = check(agent_api, "NOPE")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_part_is_422_on_fault_part(agent_api, phone):
    response = check(agent_api, phone.serial, fault={"kind": "performance", "part": "NOPE"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "fault.part"
