"""Catalog: product models, parts, fault codes."""
from aftersales.catalog.models import ProductModel


def test_create_a_product_model_with_the_3_guarantee_defaults(admin_api):
    response = admin_api.post("/product-models", {"code": "X9", "name": "星耀 X9",
                                                  "category": "手机"})
    assert response.status_code == 201
    body = response.json()
    assert (body["warranty_months"], body["return_days"], body["exchange_days"]) == (12, 7, 15)


def test_a_serial_pattern_without_year_and_month_is_422(admin_api):
    response = admin_api.post("/product-models", {"code": "X9", "name": "x", "category": "手机",
                                                  "serial_date_pattern": r"^XY(\d{2})"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "serial_date_pattern"
    assert not ProductModel.objects.exists()


def test_parts_with_price_and_accessory_kind(admin_api):
    admin_api.post("/product-models", {"code": "X9", "name": "x", "category": "手机"})
    response = admin_api.post("/parts", {"sku": "BAT-X9", "name": "电池", "price": "129.00",
                                         "cost": "68", "accessory_kind": "battery",
                                         "models": ["X9"]})
    assert response.status_code == 201
    assert response.json()["price"] == "129.00"
    assert response.json()["cost"] == "68.00"


def test_a_negative_price_is_422(admin_api):
    response = admin_api.post("/parts", {"sku": "P", "name": "x", "price": "-1"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "price"


def test_fault_codes(admin_api):
    response = admin_api.post("/fault-codes", {"code": "F-SCR", "name": "花屏",
                                               "component": "屏幕"})
    assert response.status_code == 201
    assert admin_api.post("/fault-codes", {"code": "F-SCR", "name": "x"}).status_code == 409


def test_a_service_point_manager_cannot_edit_the_shared_catalog(api_for, user_factory,
                                                               service_point_factory):
    api = api_for(user_factory(role="manager", service_point=service_point_factory()))
    response = api.post("/fault-codes", {"code": "F1", "name": "x"})
    assert response.status_code == 403
