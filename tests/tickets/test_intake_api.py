"""POST /tickets: every channel, the Idempotency-Key (also two at once), refusals."""
from datetime import UTC, datetime

import pytest
import time_machine

from aftersales.tickets.models import Ticket, TicketEvent
from tests.concurrency import run_concurrently
from tests.conftest import ApiClient
from tests.factories import CustomerFactory, DeviceFactory

from .conftest import error_code

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def body(customer, **overrides):
    data = {"customer": customer.pk, "channel": "phone", "kind": "repair",
            "priority": "high", "mode": "onsite", "summary": "打印机卡纸",
            "description": "每打印十页卡一次", "order_ref": "SO-2026-0815",
            "contact_name": "刘先生", "contact_phone": "13912345678"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("channel", ["phone", "email", "fax", "web", "walk_in", "chat"])
def test_intake_on_every_channel(hotline_api, customer, device, channel):
    # when
    with time_machine.travel(NOW, tick=False):
        response = hotline_api.post("/tickets", body(customer, channel=channel,
                                                     device=device.serial))
    # then
    assert response.status_code == 201
    got = response.json()
    assert (got["number"], got["status"], got["version"], got["channel"]) == (
        "SR20261123-0001", "new", 1, channel)
    assert (got["device"], got["order_ref"], got["contact_name"], got["contact_phone"]) == (
        "SN00000001", "SO-2026-0815", "刘先生", "13912345678")
    # chat and fax are answered within 5 minutes, every other channel within 10
    assert got["sla"]["respond_by"] == ("2026-11-23T10:05:00+08:00" if channel in (
        "chat", "fax") else "2026-11-23T10:10:00+08:00")
    assert got["sla"]["onsite_by"] == "2026-11-24T10:00:00+08:00"
    assert got["sla"]["resolve_by"] is None
    assert [e["action"] for e in got["events"]] == ["open"]


def test_one_order_many_requests(hotline_api, customer):
    first = hotline_api.post("/tickets", body(customer)).json()
    second = hotline_api.post("/tickets", body(customer, summary="缺少电源线")).json()
    listed = hotline_api.get("/tickets", {"q": "SO-2026-0815"}).json()["items"]
    assert {t["id"] for t in listed} == {first["id"], second["id"]}


def test_idempotency_key_returns_the_same_ticket(hotline_api, customer):
    # given
    first = hotline_api.post("/tickets", body(customer), HTTP_IDEMPOTENCY_KEY="tel-20261123-7")
    # when the telephony system retries
    again = hotline_api.post("/tickets", body(customer), HTTP_IDEMPOTENCY_KEY="tel-20261123-7")
    # then
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_make_one_ticket(point):
    # given two clients sending the same request at the same moment
    from tests.factories import UserFactory
    agent = UserFactory(username="agent_race", role="agent", service_point=point)
    customer = CustomerFactory(service_point=point)
    clients = [ApiClient(agent) for _ in range(6)]
    # when
    results = run_concurrently(
        lambda i: clients[i].post("/tickets", body(customer), HTTP_IDEMPOTENCY_KEY="race-1"),
        len(clients))
    # then
    assert [r.status_code for r in results] == [201] * len(clients)
    assert len({r.json()["id"] for r in results}) == 1
    assert Ticket.objects.filter(idempotency_key="race-1").count() == 1
    assert Ticket.objects.count() == 1


def test_another_points_customer_is_not_found(hotline_api, other_point):
    stranger = CustomerFactory(service_point=other_point)
    response = hotline_api.post("/tickets", body(stranger))
    assert (response.status_code, error_code(response)) == (404, "not_found")
    assert Ticket.objects.count() == 0


def test_device_of_another_customer_is_refused(hotline_api, customer, point):
    foreign = DeviceFactory(serial="SN99999999", customer=CustomerFactory(service_point=point))
    response = hotline_api.post("/tickets", body(customer, device=foreign.serial))
    assert (response.status_code, response.json()["error"]["field"]) == (422, "device")
    assert Ticket.objects.count() == 0


def test_bad_input_names_the_field(hotline_api, customer):
    cases = {"channel": body(customer, channel="pigeon"),
             "summary": body(customer, summary="   "),
             "contact_phone": body(customer, contact_phone="12345"),
             "fault_code": body(customer, fault_code="NOPE"),
             "device": body(customer, device="NOPE")}
    for field, data in cases.items():
        response = hotline_api.post("/tickets", data)
        assert (response.status_code, response.json()["error"]["field"]) == (422, field), field
    assert Ticket.objects.count() == 0


def test_warehouse_and_finance_cannot_open_tickets(customer, point, user_factory):
    keeper = user_factory(username="keeper_sjz", role="warehouse", service_point=point)
    response = ApiClient(keeper).post("/tickets", body(customer))
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_tracking_secret_is_not_in_the_api(hotline_api, customer):
    got = hotline_api.post("/tickets", body(customer)).json()
    assert "tracking_secret" not in got
    assert len(Ticket.objects.get(pk=got["id"]).tracking_secret) >= 40
