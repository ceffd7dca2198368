"""docs/api-conventions.md: tokens, the error shape, lists, OpenAPI."""
import pytest

from aftersales.customers.models import Customer


def test_token_from_username_and_password(anon_api, agent):
    # when
    response = anon_api.post("/auth/token", {"username": "hotline", "password": "pass12345"})
    # then
    assert response.status_code == 200
    assert len(response.json()["token"]) > 30


def test_wrong_credentials_are_401_in_the_error_shape(anon_api, agent):
    response = anon_api.post("/auth/token", {"username": "hotline", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "invalid_credentials",
                                         "message": "用户名或密码错误。",  # zh-hans by default
                                         "field": None}}
    english = anon_api.post("/auth/token", {"username": "hotline", "password": "nope"},
                            HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"] == "Wrong username or password."


def test_calls_without_a_token_are_401(anon_api):
    response = anon_api.get("/customers")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_bad_token_is_401(api_for, db):
    client = api_for()
    client.headers["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    assert client.get("/customers").status_code == 401


def test_schema_errors_name_the_field_and_change_nothing(agent_api):
    # when: zone is not one of the three
    response = agent_api.post("/customers", {"name": "张三", "kind": "person",
                                             "phone": "13812345678", "zone": "moon"})
    # then
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert body["field"] == "zone"
    assert Customer.objects.count() == 0


def test_malformed_json_is_a_client_error_not_a_500(agent_api):
    response = agent_api.client.post("/api/v1/customers", "{not json",
                                     content_type="application/json", **agent_api.headers)
    assert response.status_code in (400, 422)
    assert "error" in response.json()


def test_page_size_is_capped_at_200(agent_api):
    response = agent_api.get("/customers", {"page_size": 201})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "page_size"


def test_lists_have_items_and_next(agent_api, customer_factory):
    # given
    customer_factory.create_batch(3)
    # when
    first = agent_api.get("/customers", {"page_size": 2}).json()
    # then
    assert len(first["items"]) == 2
    assert "page=2" in first["next"]
    second = agent_api.client.get(first["next"], **agent_api.headers).json()
    assert len(second["items"]) == 1
    assert second["next"] is None


EXPECTED_PATHS = [
    ("post", "/api/v1/auth/token"), ("post", "/api/v1/service-points"),
    ("get", "/api/v1/service-points"), ("get", "/api/v1/service-points/{point_id}"),
    ("post", "/api/v1/service-points/{point_id}/deposits"), ("post", "/api/v1/staff"),
    ("post", "/api/v1/customers"), ("get", "/api/v1/customers"),
    ("get", "/api/v1/customers/{customer_id}"), ("post", "/api/v1/product-models"),
    ("post", "/api/v1/parts"), ("post", "/api/v1/fault-codes"), ("post", "/api/v1/devices"),
    ("get", "/api/v1/devices/{serial}"), ("post", "/api/v1/warranty/check"),
]


@pytest.fixture(scope="module")
def openapi_paths(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()["paths"]


@pytest.mark.parametrize(("method", "path"), EXPECTED_PATHS)
def test_every_endpoint_is_in_the_openapi_document(openapi_paths, method, path):
    assert method in openapi_paths[path]
