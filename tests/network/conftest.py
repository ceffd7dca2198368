"""A service point with staff, a phone customer and a phone; tickets through the intake."""
from datetime import UTC, datetime

import pytest
import time_machine

from aftersales.network.models import QualificationRequirement
from tests.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    DeviceFactory,
    ProductModelFactory,
    ServicePointFactory,
    UserFactory,
)
from tests.tickets.factories import open_test_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, 2026-11-23


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def site(db, frozen):
    point = ServicePointFactory(code="SJZ", name="石家庄站", kind="authorized")
    customer = CustomerFactory(name="华北电力", service_point=point)
    device = DeviceFactory(serial="SN-NET-1", customer=customer,
                           model=ProductModelFactory(code="X9", category="手机"))
    people = {
        "agent": UserFactory(username="net_agent", name="张客服", role="agent",
                             service_point=point),
        "boss": UserFactory(username="net_boss", name="赵经理", role="manager",
                            service_point=point),
        "head": UserFactory(username="net_head", name="钱部长", role="manager",
                            service_point=point),
        "tech": UserFactory(username="net_tech", name="王工", role="engineer",
                            service_point=point),
        "rookie": UserFactory(username="net_rookie", name="小李", role="engineer",
                              service_point=point),
        "root": UserFactory(username="net_root", role="admin", is_superuser=True),
    }
    QualificationRequirement.objects.create(category="手机", min_certified_engineers=1,
                                            equipment=["BGA返修台"])
    return {"point": point, "customer": customer, "device": device, **people}


@pytest.fixture
def new_ticket(site):
    def make(**overrides):
        return open_test_ticket(actor=site["agent"], customer=site["customer"],
                                device=site["device"], **overrides)
    return make


def api(user):
    return ApiClient(user)
