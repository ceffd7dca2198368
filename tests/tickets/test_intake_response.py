"""Intake answers from what the service holds: the same ticket a second read would give,
with a fixed, small number of queries."""
from __future__ import annotations

import pytest

from tests.conftest import ApiClient
from tests.factories import CustomerFactory, DeviceFactory, ServicePointFactory, UserFactory

BODY = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "send_in",
        "summary": "屏幕不亮"}


@pytest.fixture
def desk(db):
    point = ServicePointFactory(code="SJZ")
    agent = UserFactory(role="agent", service_point=point)
    customer = CustomerFactory(phone="13800000001", service_point=point)
    DeviceFactory(serial="SN-RESP-1", customer=customer)
    return ApiClient(agent), customer


@pytest.mark.parametrize("extra", [{}, {"device": "SN-RESP-1"}, {"kind": "complaint",
                                                                 "mode": "remote"}])
def test_the_answer_is_what_a_second_read_gives(desk, extra):
    api, customer = desk
    created = api.post("/tickets", {**BODY, "customer": customer.pk, **extra})
    assert created.status_code == 201
    again = api.get(f"/tickets/{created.json()['id']}")
    assert created.json() == again.json()


def test_intake_costs_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    api, customer = desk
    api.post("/tickets", {**BODY, "customer": customer.pk})  # counters and rules exist now
    with django_assert_max_num_queries(26):  # was 37 with the second read
        assert api.post("/tickets", {**BODY, "customer": customer.pk}).status_code == 201
