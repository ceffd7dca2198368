"""Issue 11 "500s a client can cause": one edge refuses control characters and values
the database cannot hold with a 422 naming the field; every HTTP error under /api/ is in
the error shape; a refused request changes nothing."""
import pytest
from django.test import Client, override_settings

from aftersales.catalog.models import Part
from aftersales.customers.models import Customer
from aftersales.notifications.models import Outbox

HUGE = str(2 ** 64)


def _shape(response, status, code=None, field="__any__"):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"}
    if code is not None:
        assert error["code"] == code
    if field != "__any__":
        assert error["field"] == field
    return error


@pytest.mark.parametrize("text", ["王\x00", "a\x07b", "x\x1by", "del\x7f"])
def test_control_characters_in_json_are_422_naming_the_field(admin_api, text):
    response = admin_api.post("/customers", {"name": text, "kind": "person",
                                             "phone": "13800000001", "zone": "city"})
    _shape(response, 422, "invalid_characters", "name")
    assert not Customer.objects.exists()


def test_tabs_and_newlines_are_text(admin_api):
    response = admin_api.post("/customers", {"name": "王\t先生", "kind": "person",
                                             "phone": "13800000001", "zone": "city",
                                             "address": "一号\r\n二楼"})
    assert response.status_code == 201


def test_a_nul_in_the_login_and_the_anonymous_endpoints(anon_api):
    _shape(anon_api.post("/auth/token", {"username": "a\x00", "password": "x"}), 422,
           "invalid_characters", "username")
    _shape(anon_api.post("/public/bookings", {"name": "x", "phone": "13700000007",
                                               "summary": "坏\x00了"}),
           422, "invalid_characters", "summary")
    _shape(anon_api.get("/public/tickets/SR1", {"phone": "138\x00"}), 422,
           "invalid_characters", "phone")
    assert not Outbox.objects.exists()


def test_nested_json_fields_are_named_by_their_path(admin_api):
    response = admin_api.post("/requisitions", {"from_warehouse": 1, "to_warehouse": 2,
                                                "lines": [{"sku": "A\x00", "qty": 1}]})
    _shape(response, 422, "invalid_characters", "lines.0.sku")


def test_a_console_form_with_a_nul_is_refused_on_a_page(db):
    response = Client().post("/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 422
    assert "控制字符" in response.content.decode()


@pytest.mark.parametrize("path,params,field", [
    ("/customers", {"page": HUGE}, "page"),
    ("/customers", {"page_size": HUGE}, "page_size"),
    ("/tickets", {"customer": HUGE}, "customer"),
    ("/tickets", {"customer": "-" + HUGE}, "customer"),
])
def test_integers_beyond_64_bits_are_422(admin_api, path, params, field):
    _shape(admin_api.get(path, params), 422, "out_of_range", field)


def test_an_id_beyond_64_bits_in_the_path_is_never_a_500(admin_api):
    response = admin_api.get(f"/customers/{HUGE}")
    assert response.status_code in (404, 422)
    _shape(response, response.status_code)


@pytest.mark.parametrize("path,params,field", [
    ("/reports/sla", {"from": "0001-01-01", "to": "2026-01-01"}, "from"),
    ("/reports/sla", {"from": "2026-01-01", "to": "9999-12-31"}, "to"),
    ("/reports/fault-analysis", {"month": "9999-12"}, "month"),
    ("/finance/takings", {"date": "0001-01-01"}, "date"),
])
def test_extreme_dates_are_422(admin_api, path, params, field):
    _shape(admin_api.get(path, params), 422, "out_of_range", field)


def test_extreme_dates_on_console_pages_are_refused(admin_user):
    web = Client()
    web.force_login(admin_user)
    assert web.get("/tickets/dispatch/", {"from": "9999-12-31"}).status_code == 422
    assert web.get("/finance/", {"day": "0001-01-01"}).status_code == 422


def test_a_price_of_1e400_is_422(admin_api):
    response = admin_api.client.post("/api/v1/parts", b'{"sku":"P1","name":"x","price":1e400}',
                                     content_type="application/json", **admin_api.headers)
    _shape(response, 422, "out_of_range", "price")
    response = admin_api.post("/parts", {"sku": "P1", "name": "x", "price": "1e400"})
    _shape(response, 422, None, "price")
    assert not Part.objects.exists()


def test_json_integers_beyond_64_bits_are_422(admin_api):
    response = admin_api.client.post(
        "/api/v1/payments", f'{{"ticket": {HUGE}, "amount": "1.00", "method": "cash"}}'
        .encode(), content_type="application/json", **admin_api.headers)
    _shape(response, 422, "out_of_range", "ticket")


def test_http_errors_under_the_api_are_in_the_error_shape(admin_api):
    _shape(admin_api.get("/no-such-thing"), 404, "not_found")
    deleted = admin_api.client.delete("/api/v1/customers", **admin_api.headers)
    error = _shape(deleted, 405, "method_not_allowed")
    assert error["message"]
    assert "GET" in deleted["Allow"]
    big = admin_api.client.post("/api/v1/customers", b'{"name": "' + b"x" * 3_000_000 + b'"}',
                                content_type="application/json", **admin_api.headers)
    _shape(big, 413, "too_large")
    _shape(admin_api.get("/customers", {"q": "x" * 5000}), 414, "uri_too_long")
    bad_json = admin_api.client.post("/api/v1/customers", b"{not json",
                                     content_type="application/json", **admin_api.headers)
    assert bad_json.status_code in (400, 422)
    _shape(bad_json, bad_json.status_code)


@override_settings(ROOT_URLCONF="tests.core.boom_urls")
def test_a_500_under_the_api_is_in_the_error_shape(db):
    response = Client(raise_request_exception=False).get("/api/v1/boom")
    _shape(response, 500, "server_error", None)
