"""Alerts reach people: GET /alerts?open=true gives the signed-in user's alerts, the bell
counts them, the alerts page names every kind in words and a person acknowledges each;
agents have the callbacks due today with the script and the result form."""
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from aftersales.notifications.models import Alert
from aftersales.tickets import services as tickets
from aftersales.tickets.models import FollowUp
from aftersales.tickets.sweeps import run_sweeps
from tests.conftest import ApiClient
from tests.factories import (
    CustomerFactory,
    FaultCodeFactory,
    PartFactory,
    ServicePointFactory,
    UserFactory,
)

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
def point(db):
    return ServicePointFactory(code="AL1", name="石家庄站")


@pytest.fixture
def customer(point):
    return CustomerFactory(name="华北电力", phone="13800000001", service_point=point)


@pytest.fixture
def boss(point):
    return UserFactory(username="al_boss", name="赵经理", role="manager", service_point=point)


@pytest.fixture
def desk(point):
    return UserFactory(username="al_agent", name="张客服", role="agent", service_point=point)


def at(when):
    return time_machine.travel(when, tick=False)


def open_ticket(customer, **fields):
    values = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "summary": "设备故障"}
    values.update(fields)
    return tickets.open_ticket(actor=None, customer=customer, **values)


def page(user, path="/alerts/"):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def overdue(customer, desk):
    with at(START):
        ticket = open_ticket(customer)
    with at(datetime(2026, 11, 23, 1, 3, tzinfo=UTC)):  # the promised call-back is kept
        ticket = tickets.contact(actor=desk, ticket=ticket)
    with at(datetime(2026, 11, 23, 1, 30, tzinfo=UTC)):
        run_sweeps()  # the first response (10 min) is what is overdue
    return ticket


def test_the_api_lists_the_signed_in_users_open_alerts(overdue, boss, desk):
    body = ApiClient(boss).get("/alerts", {"open": "true"}).json()
    assert [(i["kind"], i["ticket"]) for i in body["items"]] == [
        ("response_overdue", overdue.pk)]
    assert body["items"][0]["created_at"]
    # the manager's escalations are not the agent's list
    assert ApiClient(desk).get("/alerts", {"open": "true"}).json()["items"] == []


def test_the_bell_counts_and_the_page_names_the_kind_in_chinese(overdue, boss):
    client = page(boss)
    with translation.override("zh-hans"):
        html = client.get("/alerts/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="alert-count">1<' in html
    assert "响应超时" in html
    assert "response_overdue" not in html
    assert overdue.number in html


def test_a_person_acknowledges_an_alert(overdue, boss):
    client = page(boss)
    alert = Alert.objects.get()
    response = client.post(f"/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == boss and alert.acknowledged_at is not None
    html = client.get("/alerts/").content.decode()
    assert 'id="alert-count">0<' in html
    assert ApiClient(boss).get("/alerts", {"open": "true"}).json()["items"] == []


def test_another_points_manager_cannot_acknowledge(overdue):
    stranger = UserFactory(role="manager", service_point=ServicePointFactory(code="AL2"))
    alert = Alert.objects.get()
    assert page(stranger).post(f"/alerts/{alert.pk}/acknowledge/").status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


@pytest.fixture
def resolved(customer, desk):
    with at(START):
        ticket = open_ticket(customer, mode="remote", kind="consultation")
        tickets.respond(actor=desk, ticket=ticket)
        tickets.resolve(actor=desk, ticket=ticket, resolution="电话指导解决")
    return ticket


def test_the_agent_sees_todays_callbacks_with_the_script(resolved, desk):
    with at(datetime(2026, 11, 24, 2, 0, tzinfo=UTC)):
        run_sweeps()
        html = page(desk).get("/alerts/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "今日待回访" in html
    assert resolved.number in html
    assert 'name="satisfaction"' in html
    assert "满意" in html  # the script asks how satisfied the customer is


def test_the_callback_result_is_recorded_and_its_alert_done(resolved, desk):
    with at(datetime(2026, 11, 24, 2, 0, tzinfo=UTC)):
        run_sweeps()
        follow_up = FollowUp.objects.get(ticket=resolved)
        client = page(desk)
        refused = client.post(f"/alerts/callbacks/{follow_up.pk}/", {"satisfaction": ""})
        assert refused.status_code == 422
        follow_up.refresh_from_db()
        assert follow_up.done_at is None
        done = client.post(f"/alerts/callbacks/{follow_up.pk}/",
                           {"satisfaction": "4", "comment": "师傅很耐心"})
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.satisfaction, follow_up.comment, follow_up.done_by) == (4, "师傅很耐心", desk)
    alert = Alert.objects.get(kind="callback_due")
    assert alert.acknowledged_by == desk


def test_a_quote_the_customer_leaves_waiting_alerts_the_manager_once(point, customer, boss,
                                                                      admin_user):
    from aftersales.devices.models import Device
    from tests.factories import ProductModelFactory

    tech = UserFactory(username="al_tech", role="engineer", service_point=point)
    device = Device.objects.create(serial="ALX1", customer=customer,
                                   model=ProductModelFactory(code="ALM"))
    FaultCodeFactory(code="F-AL")
    PartFactory(sku="AL-P", price="100.00")
    with at(START):
        ticket = open_ticket(customer, device=device)
        tickets.respond(actor=boss, ticket=ticket)
        tickets.assign(actor=boss, ticket=ticket, engineer=tech)
        tickets.arrive(actor=tech, ticket=ticket)
        tickets.diagnose(actor=tech, ticket=ticket, fault_code=FaultCodeFactory(code="F-AL"))
        tickets.quote(actor=tech, ticket=ticket, lines=[{"kind": "labour",
                                                         "description": "检修",
                                                         "qty": 1, "rate": "STD"}])
    with at(datetime(2026, 11, 23, 23, 0, tzinfo=UTC)):
        assert run_sweeps()["quotes_waiting"] == 0  # 22 h
    with at(datetime(2026, 11, 24, 2, 0, tzinfo=UTC)):
        assert run_sweeps()["quotes_waiting"] == 1
        assert run_sweeps()["quotes_waiting"] == 0
    alert = Alert.objects.get(kind="quote_waiting")
    assert (alert.ticket_id, alert.for_role) == (ticket.pk, "manager")
