"""Capability 3: contract records and renewal."""
from datetime import date

from aftersales.contracts.models import Contract


def test_sign_an_annual_contract_with_its_defaults(agent_api, admin_api, device_factory):
    device = device_factory()
    response = admin_api.post("/contracts", {"customer": device.customer_id, "kind": "annual",
                                             "starts_on": "2026-01-01",
                                             "ends_on": "2026-12-31", "price": "6800.00",
                                             "devices": [device.serial]})
    assert response.status_code == 201
    body = response.json()
    assert body["devices"] == [device.serial]
    assert (body["backup_device"], body["preventive_visits_per_year"]) == (True, 4)
    assert body["price"] == "6800.00"


def test_per_visit_contracts_have_no_backup_device(admin_api, customer_factory):
    body = admin_api.post("/contracts", {"customer": customer_factory().pk,
                                         "kind": "per_visit", "starts_on": "2026-01-01",
                                         "ends_on": "2026-12-31"}).json()
    assert (body["backup_device"], body["covers_visits"]) == (False, False)


def test_ends_before_start_is_422(admin_api, customer_factory):
    response = admin_api.post("/contracts", {"customer": customer_factory().pk,
                                             "kind": "annual", "starts_on": "2026-02-01",
                                             "ends_on": "2026-01-01"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "ends_on"
    assert not Contract.objects.exists()


def test_another_customers_device_is_refused(admin_api, customer_factory, device_factory):
    response = admin_api.post("/contracts", {"customer": customer_factory().pk,
                                             "kind": "annual", "starts_on": "2026-01-01",
                                             "ends_on": "2026-12-31",
                                             "devices": [device_factory().serial]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "devices"


def test_renewal_starts_the_day_after_and_keeps_history(admin_api, device_factory):
    device = device_factory()
    first = admin_api.post("/contracts", {"customer": device.customer_id, "kind": "annual",
                                          "starts_on": "2026-01-01", "ends_on": "2026-12-31",
                                          "price": "6800", "devices": [device.serial]}).json()
    renewed = admin_api.post(f"/contracts/{first['id']}/renew", {"price": "7200"}).json()
    assert (renewed["starts_on"], renewed["ends_on"]) == ("2027-01-01", "2027-12-31")
    assert renewed["renewed_from"] == first["id"]
    assert renewed["devices"] == [device.serial]
    again = admin_api.post(f"/contracts/{first['id']}/renew", {})
    assert again.status_code == 409
    assert Contract.objects.count() == 2
    assert Contract.objects.get(pk=first["id"]).ends_on == date(2026, 12, 31)


def test_agents_cannot_sign_contracts(agent_api, customer_factory):
    response = agent_api.post("/contracts", {"customer": customer_factory().pk,
                                             "kind": "annual", "starts_on": "2026-01-01",
                                             "ends_on": "2026-12-31"})
    assert response.status_code == 403
