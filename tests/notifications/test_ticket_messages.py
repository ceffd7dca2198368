"""What customers are told: intake (an engineer calls within 5 minutes), appointments and
send-in progress, each with the secret tracking link."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.notifications.models import Outbox
from aftersales.tickets import services as tickets
from aftersales.tickets.models import Custody, Visit
from aftersales.tickets.notifications import (
    notify_appointment,
    notify_send_in,
    notify_staff,
    notify_ticket_opened,
    supervisors_of,
    tracking_link,
)

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def point(service_point_factory):
    return service_point_factory(code="SJZ", name="石家庄站")


@pytest.fixture
def customer(customer_factory, point):
    return customer_factory(name="王先生", phone="13800000001", email="wang@example.cn",
                            service_point=point)


@pytest.fixture
def ticket(customer, settings):
    settings.PUBLIC_URL = "https://service.example.cn"
    return tickets.open_ticket(actor=None, customer=customer, channel="phone", kind="repair",
                               priority="normal", mode="onsite", summary="屏幕不亮",
                               contact_name="小王", contact_phone="13900000002")


def rows(kind):
    return list(Outbox.objects.filter(kind=kind).order_by("channel")
                .values_list("channel", "recipient"))


def test_intake_tells_the_caller_an_engineer_calls_within_5_minutes(ticket):
    # when
    queued = notify_ticket_opened(ticket)
    # then: SMS to whoever called, e-mail to the archive's address
    assert rows("ticket_opened") == [("email", "wang@example.cn"), ("sms", "13900000002")]
    sms = next(r for r in queued if r.channel == "sms")
    link = f"https://service.example.cn/portal/t/{ticket.tracking_secret}"
    assert tracking_link(ticket) == link
    assert link in sms.body
    assert ticket.number in sms.body
    assert "5" in sms.body
    assert sms.ticket_id == ticket.pk


def test_intake_notification_is_queued_once(ticket):
    notify_ticket_opened(ticket)
    notify_ticket_opened(ticket)
    assert Outbox.objects.filter(kind="ticket_opened").count() == 2  # sms + email, once


def test_a_chat_request_is_also_answered_on_wechat(customer):
    ticket = tickets.open_ticket(actor=None, customer=customer, channel="chat", kind="repair",
                                 priority="normal", mode="onsite", summary="没信号")
    notify_ticket_opened(ticket)
    assert rows("ticket_opened") == [("email", "wang@example.cn"), ("sms", "13800000001"),
                                     ("wechat", "13800000001")]


def test_appointment_names_the_engineer_and_the_local_time(ticket, user_factory):
    # given
    engineer = user_factory(username="tech", name="王工", role="engineer")
    visit = Visit.objects.create(ticket=ticket, trip_no=1, engineer=engineer,
                                 scheduled_at=datetime(2026, 11, 24, 9, 30, tzinfo=SH))
    # when
    queued = notify_appointment(ticket, visit)
    # then
    sms = next(r for r in queued if r.channel == "sms")
    assert "王工" in sms.body
    assert "2026-11-24 09:30" in sms.body
    assert ticket.tracking_secret in sms.body


def test_a_moved_appointment_is_notified_again(ticket):
    visit = Visit.objects.create(ticket=ticket, trip_no=1,
                                 scheduled_at=datetime(2026, 11, 24, 9, 30, tzinfo=SH))
    notify_appointment(ticket, visit)
    notify_appointment(ticket, visit)
    visit.scheduled_at = datetime(2026, 11, 25, 14, 0, tzinfo=SH)
    notify_appointment(ticket, visit)
    assert Outbox.objects.filter(kind="appointment", channel="sms").count() == 2


def test_send_in_progress_carries_label_and_tracking_number(customer):
    # given
    ticket = tickets.open_ticket(actor=None, customer=customer, channel="web", kind="repair",
                                 priority="normal", mode="send_in", summary="寄修")
    Custody.objects.create(ticket=ticket, label="CU20261123-0001", received_at=ticket.created_at,
                           carrier="顺丰", tracking_no="SF123")
    ticket.refresh_from_db()
    # when
    received = notify_send_in(ticket, "received")
    shipped = notify_send_in(ticket, "shipped_back")
    # then
    assert "CU20261123-0001" in received[0].body
    assert "顺丰 SF123" in shipped[0].body
    assert all(ticket.tracking_secret in r.body for r in received + shipped)
    with pytest.raises(ValueError):
        notify_send_in(ticket, "lost")


def test_staff_are_told_by_email_else_sms_once(ticket, user_factory, point):
    # given
    user_factory(username="boss", role="manager", service_point=point,
                 email="boss@example.cn")
    user_factory(username="deputy", role="manager", service_point=point,
                 phone="13700000000")
    user_factory(username="hq_boss", role="manager", email="hq@example.cn")
    # when
    managers = supervisors_of(ticket)
    notify_staff(managers, ticket=ticket, kind="x", key="", subject="s", body="b")
    notify_staff(managers, ticket=ticket, kind="x", key="", subject="s", body="b")
    # then: the point's own managers, not HQ's, each once
    assert sorted(u.username for u in managers) == ["boss", "deputy"]
    assert rows("x") == [("email", "boss@example.cn"), ("sms", "13700000000")]


def test_without_own_managers_the_hq_managers_are_the_supervisors(ticket, user_factory):
    user_factory(username="hq_boss", role="manager", email="hq@example.cn")
    assert [u.username for u in supervisors_of(ticket)] == ["hq_boss"]
