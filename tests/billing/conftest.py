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
