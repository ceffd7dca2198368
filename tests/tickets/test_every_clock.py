"""PRODUCT.md "Response and resolution targets": every promised clock is a configured row
(by channel and kind); an open ticket past any due gets its breach event and one alert to
the manager at the next sweep, once; the SLA report counts it as soon as it is breached;
the hotline script, the SMS and the portal quote the configured call-back figure."""
from datetime import date

import pytest
import time_machine

from aftersales.notifications.models import Alert, Outbox
from aftersales.reports.selectors import sla_compliance
from aftersales.tickets import services as tickets
from aftersales.tickets.models import SLATarget, Ticket, TicketEvent
from aftersales.tickets.sweeps import run_sweeps
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory
from tests.portal.helpers import remember_phone

START = "2026-11-23 09:00 +0800"  # a Monday


@pytest.fixture
def point(db):
    return ServicePointFactory(code="CLK", name="石家庄站")


@pytest.fixture
def customer(point):
    return CustomerFactory(name="华北电力", phone="13800000001", service_point=point)


@pytest.fixture
def boss(point):
    return UserFactory(username="clk_boss", role="manager", service_point=point,
                       email="boss@example.cn")


@pytest.fixture
def desk(point):
    return UserFactory(username="clk_agent", role="agent", service_point=point)


@pytest.fixture
def tech(point):
    return UserFactory(username="clk_tech", role="engineer", service_point=point)


def open_at(when, customer, **fields):
    values = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "summary": "设备故障"}
    values.update(fields)
    with time_machine.travel(when, tick=False):
        return tickets.open_ticket(actor=None, customer=customer, **values)


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        return run_sweeps()


def breaches(ticket):
    return [e.data["target"] for e in
            TicketEvent.objects.filter(ticket=ticket, action="sla_breach").order_by("id")]


def alerts(ticket):
    return sorted((a.kind, a.key) for a in Alert.objects.filter(ticket=ticket))


def breached_in_report(boss, when):
    with time_machine.travel(when, tick=False):
        return sla_compliance(actor=boss, since=date(2026, 11, 23),
                              until=date(2026, 11, 23))["breached"]


def test_the_promised_call_back_breaches_at_5_minutes_once(customer, boss):
    ticket = open_at(START, customer)
    # before the sweep, the report already counts the ticket as breached
    assert breached_in_report(boss, "2026-11-23 09:04 +0800") == 0
    assert breached_in_report(boss, "2026-11-23 09:06 +0800") == 1
    # the sweeps: at the due instant nothing, then once
    assert sweep_at("2026-11-23 09:05 +0800")["clock_breaches"] == 0
    assert sweep_at("2026-11-23 09:06 +0800")["clock_breaches"] == 1
    assert sweep_at("2026-11-23 09:07 +0800")["clock_breaches"] == 0
    assert breaches(ticket) == ["contact"]
    assert alerts(ticket) == [("clock_overdue", "contact")]
    assert Ticket.objects.get(pk=ticket.pk).sla_breached is True
    mails = Outbox.objects.filter(kind="clock_overdue")
    assert [(m.recipient, m.ticket_id) for m in mails] == [("boss@example.cn", ticket.pk)]


def test_on_site_and_resolve_breach_while_the_ticket_is_open(customer, boss, desk, tech):
    # given an urgent on-site ticket answered at once: on site due 15:00
    ticket = open_at(START, customer, priority="urgent")
    with time_machine.travel("2026-11-23 09:01 +0800", tick=False):
        ticket = tickets.respond(actor=desk, ticket=ticket)
        ticket = tickets.assign(actor=desk, ticket=ticket, engineer=tech)
    # when the sweeps pass 2 h (severe problem not answered) and 6 h (not on site)
    sweep_at("2026-11-23 11:01 +0800")
    assert breaches(ticket) == ["answer"]
    sweep_at("2026-11-23 15:01 +0800")
    sweep_at("2026-11-23 15:30 +0800")
    assert breaches(ticket) == ["answer", "onsite"]
    # then the engineer arrives late: the resolve clock starts, 48 h
    with time_machine.travel("2026-11-23 16:00 +0800", tick=False):
        ticket = tickets.arrive(actor=tech, ticket=ticket)
    assert breaches(ticket) == ["answer", "onsite"]  # the late arrival adds no second event
    assert ticket.resolve_due.isoformat() == "2026-11-25T08:00:00+00:00"
    assert sweep_at("2026-11-25 16:00 +0800")["clock_breaches"] == 0
    assert sweep_at("2026-11-25 16:01 +0800")["clock_breaches"] == 1
    assert sweep_at("2026-11-25 17:00 +0800")["clock_breaches"] == 0
    assert breaches(ticket) == ["answer", "onsite", "resolve"]
    assert alerts(ticket) == [("clock_overdue", "answer"), ("clock_overdue", "onsite"),
                              ("clock_overdue", "resolve")]
    assert all(a.for_role == "manager" for a in Alert.objects.filter(ticket=ticket))


def test_the_engineers_first_reply_to_an_email_breaches_at_one_hour(customer, boss, desk):
    ticket = open_at(START, customer, channel="email", mode="remote", kind="consultation")
    with time_machine.travel("2026-11-23 09:02 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
    assert sweep_at("2026-11-23 10:00 +0800")["clock_breaches"] == 0
    assert sweep_at("2026-11-23 10:01 +0800")["clock_breaches"] == 1
    assert breaches(ticket) == ["reply"]
    assert alerts(ticket) == [("clock_overdue", "reply")]


@pytest.mark.parametrize("channel", ["chat", "fax"])
def test_chat_and_fax_are_answered_within_5_minutes(customer, boss, channel):
    ticket = open_at(START, customer, channel=channel)
    assert ticket.respond_due.isoformat() == "2026-11-23T01:05:00+00:00"
    done = sweep_at("2026-11-23 09:06 +0800")
    assert done["response_overdue"] == 1
    sweep_at("2026-11-23 09:30 +0800")
    assert breaches(ticket) == ["respond", "contact"]
    assert alerts(ticket) == [("clock_overdue", "contact"), ("response_overdue", "")]


def test_a_clock_met_in_time_raises_nothing(customer, boss, desk):
    ticket = open_at(START, customer)
    with time_machine.travel("2026-11-23 09:04 +0800", tick=False):
        tickets.respond(actor=desk, ticket=ticket)
    sweep_at("2026-11-23 12:00 +0800")
    assert breaches(ticket) == []
    assert alerts(ticket) == []
    assert breached_in_report(boss, "2026-11-23 12:00 +0800") == 0


# --------------------------------------------------------------------------
# The promised figure is the configured one
# --------------------------------------------------------------------------


def test_a_changed_target_is_quoted_by_the_script_the_sms_and_the_portal(
        customer, desk, client):
    # given the call-back target changed to 15 minutes
    SLATarget.objects.filter(name="contact", channel="").update(amount=15)
    # when a ticket is opened on the phone
    ticket = open_at(START, customer, contact_phone="13912345678")
    # then the SMS says 15
    sms = Outbox.objects.get(kind="ticket_opened", channel="sms")
    assert "工程师将在15分钟内与您联系" in sms.body
    assert "5分钟" not in sms.body.replace("15分钟", "")
    # and so does the hotline script the agent reads out
    client.force_login(desk)
    page = client.get(f"/tickets/{ticket.pk}/opened/").content.decode()
    assert f"您的工单号是 {ticket.number}。工程师将在15分钟内与您联系。" in page
    # and the portal's booking confirmation (a phone this browser confirmed by a code)
    client.logout()
    remember_phone(client, "13912345600")
    booked = client.post("/portal/book/", {"name": "张伟", "phone": "13912345600",
                                           "summary": "开不了机", "mode": "remote"})
    assert booked.status_code == 200
    assert "工程师将在15分钟内与您联系。" in booked.content.decode()


def test_a_channel_row_wins_for_its_channel(customer):
    SLATarget.objects.create(name="contact", channel="web", amount=30, unit="clock")
    web = open_at(START, customer, channel="web", contact_phone="13912345678")
    phone = open_at(START, customer, contact_phone="13912345679")
    assert "30分钟" in Outbox.objects.get(ticket=web, channel="sms").body
    assert "5分钟" in Outbox.objects.get(ticket=phone, channel="sms").body
    assert (web.contact_due - web.created_at).total_seconds() == 30 * 60
