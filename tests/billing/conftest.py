"""Billing fixtures: a service point with its customer, unit and staff."""
import pytest

from tests.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)


@pytest.fixture
def point(db):
    return ServicePointFactory(code="SJZ", name="石家庄站", tier="gold")


@pytest.fixture
def other_point(db):
    return ServicePointFactory(code="BJ", name="北京站", tier="diamond")


@pytest.fixture
def customer(point):
    return CustomerFactory(name="华北电力", phone="13800000001", service_point=point,
                           zone="city")


@pytest.fixture
def device(customer):
    return DeviceFactory(serial="SN00000001", customer=customer,
                         model=ProductModelFactory(code="X9", category="手机"))


@pytest.fixture
def boss(point):
    return UserFactory(username="boss_sjz", role="manager", service_point=point)


@pytest.fixture
def cashier(db):
    return UserFactory(username="cashier", role="finance")


@pytest.fixture
def point_cashier(point):
    return UserFactory(username="cashier_sjz", role="finance", service_point=point)


@pytest.fixture
def finance_api(cashier):
    return ApiClient(cashier)


@pytest.fixture
def boss_api(boss):
    return ApiClient(boss)


@pytest.fixture
def hotline(point):
    return UserFactory(username="agent_sjz", role="agent", service_point=point)


@pytest.fixture
def tech(point):
    return UserFactory(username="tech_sjz", name="王工", role="engineer", service_point=point,
                       skills=["手机"])


@pytest.fixture
def hotline_api(hotline):
    return ApiClient(hotline)


@pytest.fixture
def tech_api(tech):
    return ApiClient(tech)


def act(api, ticket_id, action, **fields):
    """POST /tickets/{id}/actions/{action}; returns the response."""
    return api.post(f"/tickets/{ticket_id}/actions/{action}", fields)


def error_of(response):
    return response.status_code, response.json()["error"]["code"], \
        response.json()["error"]["field"]
