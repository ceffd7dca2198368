"""DOA, returns and refurbishment (换机 / 翻新): a unit taken back is tested, then
refurbished into refurbished stock, sent to factory repair, or scrapped; the replacement
is linked to the original and takes over its warranty. And the faulty parts that go back
to HQ for analysis."""
from datetime import date

import pytest

from aftersales.devices.models import Device
from aftersales.inventory.models import FaultyPartReturn, ReturnedUnit

from .factories import make_ticket


@pytest.fixture
def phone(device_factory, branch, customer_factory, product_model_factory):
    customer = customer_factory(service_point=branch)
    return device_factory(serial="XY2603000001", customer=customer,
                          model=product_model_factory(code="X9"),
                          purchase_date=date(2026, 3, 15), invoice_no="FP1",
                          warranty_card_no="K1")


def take_back(api, phone, store, reason="doa"):
    return api.post("/returned-units", {"serial": phone.serial, "warehouse": store.pk,
                                        "reason": reason, "condition": "外观完好"})


def test_doa_unit_tested_then_refurbished(branch_keeper_api, phone, branch_store):
    # given
    unit = take_back(branch_keeper_api, phone, branch_store).json()
    # when
    tested = branch_keeper_api.post(f"/returned-units/{unit['id']}/test",
                                    {"passed": False, "findings": "主板不开机"})
    refurbished = branch_keeper_api.post(f"/returned-units/{unit['id']}/refurbish",
                                         {"note": "更换主板"})
    # then
    assert (unit["status"], unit["reason"], unit["serial"]) == ("received", "doa",
                                                                "XY2603000001")
    assert (tested.json()["status"], tested.json()["test_passed"],
            tested.json()["findings"]) == ("tested", False, "主板不开机")
    assert refurbished.json()["status"] == "refurbished"
    stock = branch_keeper_api.get("/returned-units", {"status": "refurbished"}).json()["items"]
    assert [u["serial"] for u in stock] == ["XY2603000001"]


def test_factory_repair_then_scrap(branch_keeper_api, phone, branch_store):
    # given
    unit = take_back(branch_keeper_api, phone, branch_store, reason="exchange").json()
    branch_keeper_api.post(f"/returned-units/{unit['id']}/test", {"passed": False})
    # when
    at_factory = branch_keeper_api.post(f"/returned-units/{unit['id']}/factory-repair")
    scrapped = branch_keeper_api.post(f"/returned-units/{unit['id']}/scrap",
                                      {"note": "无法修复"})
    # then
    assert at_factory.json()["status"] == "factory_repair"
    assert (scrapped.json()["status"], scrapped.json()["note"]) == ("scrapped", "无法修复")


def test_no_refurbishing_before_the_test(branch_keeper_api, phone, branch_store):
    # given
    unit = take_back(branch_keeper_api, phone, branch_store).json()
    # when
    answer = branch_keeper_api.post(f"/returned-units/{unit['id']}/refurbish")
    # then
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "invalid_transition"
    assert ReturnedUnit.objects.get(pk=unit["id"]).status == "received"


def test_a_unit_in_handling_cannot_be_taken_back_twice(branch_keeper_api, phone, branch_store):
    take_back(branch_keeper_api, phone, branch_store)
    again = take_back(branch_keeper_api, phone, branch_store)
    assert again.status_code == 409
    assert ReturnedUnit.objects.count() == 1


def test_bad_reason_and_unknown_serial(branch_keeper_api, phone, branch_store):
    bad = take_back(branch_keeper_api, phone, branch_store, reason="lost")
    unknown = branch_keeper_api.post("/returned-units", {"serial": "NOPE", "reason": "doa",
                                                         "warehouse": branch_store.pk})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "reason")
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "serial")
    assert ReturnedUnit.objects.count() == 0


def test_another_point_does_not_see_the_unit(branch_keeper_api, api_for, user_factory,
                                             other_branch, phone, branch_store):
    unit = take_back(branch_keeper_api, phone, branch_store).json()
    stranger = api_for(user_factory(username="bj-keeper", role="warehouse",
                                    service_point=other_branch))
    assert stranger.get(f"/returned-units/{unit['id']}").status_code == 404
    assert stranger.post(f"/returned-units/{unit['id']}/test",
                         {"passed": True}).status_code == 404


def test_the_replacement_takes_over_the_warranty(branch_keeper_api, agent_api, phone,
                                                 branch_store):
    # given
    unit = take_back(branch_keeper_api, phone, branch_store, reason="exchange").json()
    # when
    answer = branch_keeper_api.post("/replacements", {"original": phone.serial,
                                                      "serial": "XY2611000777",
                                                      "returned_unit": unit["id"]})
    # then
    assert answer.status_code == 201
    body = answer.json()
    assert (body["replaces"], body["purchase_date"], body["invoice_no"],
            body["warranty_ends"]) == ("XY2603000001", "2026-03-15", "FP1", "2027-03-15")
    replacement = Device.objects.get(serial="XY2611000777")
    assert (replacement.replaces, replacement.customer, replacement.model) == (
        phone, phone.customer, phone.model)
    assert ReturnedUnit.objects.get(pk=unit["id"]).replacement == replacement
    check = agent_api.post("/warranty/check", {"serial": "XY2611000777", "on": "2027-03-15",
                                               "evidence": {"invoice": True,
                                                            "warranty_card": True}}).json()
    assert (check["covered"], check["warranty_ends"]) == (True, "2027-03-15")


def test_a_unit_is_replaced_once(branch_keeper_api, phone):
    branch_keeper_api.post("/replacements", {"original": phone.serial, "serial": "R1"})
    again = branch_keeper_api.post("/replacements", {"original": phone.serial, "serial": "R2"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_replaced")
    assert not Device.objects.filter(serial="R2").exists()


def test_faulty_parts_through_the_api(api_for, keeper_api, branch, branch_engineer,
                                      branch_store, hq_store, screen, stock,
                                      fault_code_factory):
    # given
    ticket = make_ticket(number="SR20261123-0001", service_point=branch,
                         engineer=branch_engineer, fault_code=fault_code_factory(code="F-SCR"))
    stock(branch_store, screen, 1)
    from aftersales.inventory import services

    services.issue_to_ticket(actor=branch_engineer, ticket=ticket, sku="SCR-X9", qty=1)
    engineer_api = api_for(branch_engineer)
    listed = engineer_api.get("/faulty-parts").json()["items"]
    # when
    shipped = engineer_api.post(f"/faulty-parts/{listed[0]['id']}/ship")
    again = engineer_api.post(f"/faulty-parts/{listed[0]['id']}/ship")
    received = keeper_api.post(f"/faulty-parts/{listed[0]['id']}/receive",
                               {"analysis": "屏幕排线断裂"})
    # then
    assert [(f["ticket_number"], f["sku"], f["fault_code"], f["status"], f["to_warehouse"])
            for f in listed] == [("SR20261123-0001", "SCR-X9", "F-SCR", "pending",
                                  hq_store.pk)]
    assert shipped.json()["status"] == "shipped"
    assert again.status_code == 409
    assert (received.json()["status"], received.json()["analysis"]) == ("received",
                                                                        "屏幕排线断裂")
    assert FaultyPartReturn.objects.get().received_at is not None
