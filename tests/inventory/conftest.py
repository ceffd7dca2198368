"""Inventory fixtures: HQ with its central store, a branch with a store and a deposit,
staff of the roles that move stock."""
from decimal import Decimal

import pytest

from aftersales.inventory import services
from aftersales.network.models import Deposit
from tests.conftest import ApiClient
from tests.factories import PartFactory, ServicePointFactory, UserFactory

from .factories import WarehouseFactory


@pytest.fixture
def hq_store(hq):
    return WarehouseFactory(code="HQ-01", name="总部中心库", service_point=hq)


@pytest.fixture
def branch(db):
    point = ServicePointFactory(code="SJZ", kind="branch", tier="gold")
    Deposit.objects.create(service_point=point, amount=Decimal("5000.00"))
    return point


@pytest.fixture
def other_branch(db):
    return ServicePointFactory(code="BJ", kind="branch", tier="a")


@pytest.fixture
def branch_store(branch):
    return WarehouseFactory(code="SJZ-01", name="石家庄库", service_point=branch)


@pytest.fixture
def other_store(other_branch):
    return WarehouseFactory(code="BJ-01", name="北京库", service_point=other_branch)


@pytest.fixture
def keeper(hq):
    return UserFactory(username="hq-keeper", role="warehouse", service_point=hq)


@pytest.fixture
def branch_keeper(branch):
    return UserFactory(username="sjz-keeper", role="warehouse", service_point=branch)


@pytest.fixture
def branch_engineer(branch):
    return UserFactory(username="sjz-eng", role="engineer", service_point=branch)


@pytest.fixture
def screen(db):
    return PartFactory(sku="SCR-X9", name="屏幕总成", price="300.00", cost="100.00")


@pytest.fixture
def keeper_api(keeper):
    return ApiClient(keeper)


@pytest.fixture
def branch_keeper_api(branch_keeper):
    return ApiClient(branch_keeper)


@pytest.fixture
def stock(admin_user):
    """Put qty of a part into a warehouse through the receipt service."""
    def put(warehouse, part, qty):
        return services.receive_stock(actor=admin_user, warehouse=warehouse, part=part, qty=qty)
    return put
