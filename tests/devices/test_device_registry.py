"""Capability 2: the device registry."""
from datetime import date

from aftersales.devices.models import Device
from tests.factories import valid_imei


def _payload(customer, model, **extra):
    return {"serial": "xy2403000001", "imei": valid_imei(1), "model": model.code,
            "customer": customer.pk, **extra}


def test_register_a_device_and_read_it_back(agent_api, customer_factory,
                                            product_model_factory):
    customer, model = customer_factory(), product_model_factory(code="X9")
    response = agent_api.post("/devices", _payload(customer, model,
                                                   purchase_date="2026-03-15",
                                                   invoice_no="FP1", warranty_card_no="K1"))
    assert response.status_code == 201
    body = agent_api.get("/devices/XY2403000001").json()
    assert body["serial"] == "XY2403000001"
    assert (body["customer"], body["model"]) == (customer.pk, "X9")
    assert body["warranty_ends"] == "2027-03-15"


def test_imei_with_a_wrong_check_digit_is_422(agent_api, customer_factory,
                                               product_model_factory):
    imei = valid_imei(1)
    wrong = imei[:-1] + str((int(imei[-1]) + 1) % 10)
    response = agent_api.post("/devices", _payload(customer_factory(), product_model_factory(),
                                                   imei=wrong))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "imei"
    assert Device.objects.count() == 0


def test_imei_of_14_digits_is_422(agent_api, customer_factory, product_model_factory):
    response = agent_api.post("/devices", _payload(customer_factory(), product_model_factory(),
                                                   imei="86000000000000"))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "imei"


def test_duplicate_serial_is_409(agent_api, customer_factory, product_model_factory):
    customer, model = customer_factory(), product_model_factory()
    agent_api.post("/devices", _payload(customer, model))
    response = agent_api.post("/devices", _payload(customer, model, imei=valid_imei(2)))
    assert response.status_code == 409
    assert Device.objects.count() == 1


def test_unknown_model_is_422_on_model(agent_api, customer_factory):
    response = agent_api.post("/devices", {"serial": "S1", "model": "NOPE",
                                           "customer": customer_factory().pk})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "model"


def test_another_points_device_is_404(api_for, service_point_factory, user_factory,
                                      customer_factory, device_factory):
    mine, other = service_point_factory(), service_point_factory()
    device = device_factory(customer=customer_factory(service_point=other))
    api = api_for(user_factory(role="agent", service_point=mine))
    assert api.get(f"/devices/{device.serial}").status_code == 404


def test_warranty_counts_from_the_serial_date_without_proof(agent_api, customer_factory,
                                                           product_model_factory):
    model = product_model_factory(code="X9", serial_date_pattern=r"^XY(?P<year>\d{2})(?P<month>\d{2})")
    agent_api.post("/devices", _payload(customer_factory(), model, imei=None))
    assert agent_api.get("/devices/XY2403000001").json()["warranty_ends"] == "2025-03-01"


def test_device_list_costs_the_same_queries_for_1_and_200_rows(
        agent_api, device_factory, customer_factory, product_model_factory,
        django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer, model = customer_factory(), product_model_factory()
    device_factory(customer=customer, model=model, purchase_date=date(2026, 1, 1))
    with CaptureQueriesContext(connection) as one:
        assert len(agent_api.get("/devices", {"page_size": 200}).json()["items"]) == 1
    for _ in range(199):
        device_factory(customer=customer_factory(), model=product_model_factory(),
                       purchase_date=date(2026, 1, 1))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(agent_api.get("/devices", {"page_size": 200}).json()["items"]) == 200
