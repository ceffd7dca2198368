"""The workflow writes the customer's and supervisors' messages into the outbox in the
same transaction: intake, appointment, send-in progress, escalation."""
from datetime import UTC, datetime

import pytest
import time_machine

from aftersales.notifications.models import Outbox
from tests.factories import FaultCodeFactory

from .conftest import act

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def messages(ticket):
    return [(m.kind, m.channel, m.recipient) for m in
            Outbox.objects.filter(ticket=ticket).order_by("id")]


def test_intake_tells_the_caller_with_the_secret_link(make_ticket):
    ticket = make_ticket(contact_phone="13912345678")
    row = Outbox.objects.get(ticket=ticket)
    assert (row.kind, row.channel, row.recipient) == ("ticket_opened", "sms", "13912345678")
    assert ticket.tracking_secret in row.body


def test_appointment_is_notified(make_ticket, hotline_api, tech_api, tech):
    ticket = make_ticket()
    act(hotline_api, ticket, "assign", engineer=tech.pk)
    act(tech_api, ticket, "schedule_visit", at="2026-11-24T09:30:00+08:00")
    assert messages(ticket) == [("ticket_opened", "sms", "13800000001"),
                                ("appointment", "sms", "13800000001")]
    assert "2026-11-24 09:30" in Outbox.objects.get(ticket=ticket, kind="appointment").body


def test_send_in_progress_is_notified(make_ticket, hotline_api, boss_api):
    FaultCodeFactory(code="F-PWR")
    ticket = make_ticket(mode="send_in")
    act(hotline_api, ticket, "receive")
    act(boss_api, ticket, "diagnose", fault_code="F-PWR")
    act(boss_api, ticket, "quote")
    act(hotline_api, ticket, "approve_quote")
    act(boss_api, ticket, "resolve")
    act(hotline_api, ticket, "ship_back", carrier="顺丰", tracking_no="SF1")
    assert [kind for kind, _, _ in messages(ticket)] == [
        "ticket_opened", "send_in_received", "send_in_repaired", "send_in_shipped_back"]


def test_escalation_reaches_the_supervisor(make_ticket, hotline_api, boss):
    boss.email = "boss@example.com"
    boss.save()
    ticket = make_ticket(mode="remote")
    act(hotline_api, ticket, "escalate", reason="电话未解决")
    assert ("escalated", "email", "boss@example.com") in messages(ticket)


def test_a_refused_action_queues_nothing(make_ticket, hotline_api):
    ticket = make_ticket(mode="onsite")
    before = Outbox.objects.count()
    response = act(hotline_api, ticket, "receive")
    assert response.status_code == 409
    assert Outbox.objects.count() == before
