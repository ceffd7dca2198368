"""Fixtures of the ticket tests: a customer with a phone at a service point, its staff."""
import pytest

from tests.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)

from .factories import open_test_ticket


@pytest.fixture
def point(db):
    return ServicePointFactory(code="SJZ", name="石家庄站")


@pytest.fixture
def other_point(db):
    return ServicePointFactory(code="BJ", name="北京站")


@pytest.fixture
def customer(point):
    return CustomerFactory(name="华北电力", phone="13800000001", service_point=point,
                           zone="city")


@pytest.fixture
def phone_model(db):
    return ProductModelFactory(code="X9", category="手机")


@pytest.fixture
def device(customer, phone_model):
    return DeviceFactory(serial="SN00000001", customer=customer, model=phone_model)


@pytest.fixture
def hotline(point):
    return UserFactory(username="agent_sjz", name="张客服", role="agent", service_point=point)


@pytest.fixture
def boss(point):
    return UserFactory(username="boss_sjz", name="赵经理", role="manager", service_point=point)


@pytest.fixture
def tech(point):
    return UserFactory(username="tech_sjz", name="王工", role="engineer", service_point=point,
                       skills=["手机"])


@pytest.fixture
def other_tech(point):
    return UserFactory(username="tech2_sjz", name="李工", role="engineer",
                       service_point=point, skills=["打印机"])


@pytest.fixture
def hotline_api(hotline):
    return ApiClient(hotline)


@pytest.fixture
def boss_api(boss):
    return ApiClient(boss)


@pytest.fixture
def tech_api(tech):
    return ApiClient(tech)


@pytest.fixture
def make_ticket(customer, device, hotline):
    def make(**overrides):
        overrides.setdefault("device", device)
        return open_test_ticket(actor=hotline, customer=customer, **overrides)
    return make


def act(api, ticket_or_id, action, **fields):
    """POST /tickets/{id}/actions/{action}; returns the response."""
    ticket_id = getattr(ticket_or_id, "pk", ticket_or_id)
    return api.post(f"/tickets/{ticket_id}/actions/{action}", fields)


def error_code(response):
    return response.json()["error"]["code"]
