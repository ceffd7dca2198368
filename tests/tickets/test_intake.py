"""Intake: a request on any channel becomes a numbered ticket with its SLA clocks."""
from datetime import UTC, datetime

import time_machine

from aftersales.tickets.models import Ticket, TicketEvent


@time_machine.travel(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), tick=False)
def test_open_ticket_numbers_by_local_day_and_starts_the_clocks(make_ticket, hotline, point):
    # when
    first = make_ticket()
    second = make_ticket(priority="urgent")
    # then
    assert (first.number, second.number) == ("SR20261123-0001", "SR20261123-0002")
    assert first.status == "new" and first.version == 1
    assert first.service_point == point
    assert first.respond_due == datetime(2026, 11, 23, 2, 10, tzinfo=UTC)
    assert first.onsite_due == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    assert second.onsite_due == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    # the earliest clock is the engineer's promised call-back (5 min)
    assert first.contact_due == datetime(2026, 11, 23, 2, 5, tzinfo=UTC)
    assert first.sla_next_due == first.contact_due
    assert len(first.tracking_secret) >= 40 and first.tracking_secret != second.tracking_secret
    event = TicketEvent.objects.get(ticket=first)
    assert (event.action, event.actor, event.to_status) == ("open", hotline, "new")


def test_same_idempotency_key_returns_the_same_ticket(make_ticket):
    # given
    first = make_ticket(idempotency_key="call-42")
    # when
    again = make_ticket(idempotency_key="call-42", summary="another text")
    # then
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_system_intake_without_actor(customer):
    from aftersales.tickets.services import open_ticket
    ticket = open_ticket(actor=None, customer=customer, channel="web", kind="repair",
                         priority="normal", mode="send_in", summary="无法开机")
    assert ticket.created_by is None
    assert ticket.service_point == customer.service_point
