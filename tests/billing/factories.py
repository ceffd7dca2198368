"""Billing test data: tickets through the real intake service, visits as the arrive/depart
actions would leave them, and a ticket brought to "resolved"."""
from datetime import timedelta

from django.utils import timezone

from aftersales.billing import services
from aftersales.tickets.models import Ticket, Visit
from tests.tickets.factories import open_test_ticket


def add_visits(ticket: Ticket, *hours: float | int, start=None) -> list[Visit]:
    """Trips of `hours` each (whole or fractional hours as strings/ints), checked out."""
    start = start or timezone.now() - timedelta(days=2)
    visits = []
    for trip_no, length in enumerate(hours, start=ticket.visits.count() + 1):
        arrived = start + timedelta(hours=trip_no * 24)
        visits.append(Visit.objects.create(
            ticket=ticket, engineer=ticket.engineer, trip_no=trip_no, arrived_at=arrived,
            departed_at=arrived + timedelta(minutes=int(60 * float(length))),
            outcome="revisit"))
    return visits


def diagnosed(ticket: Ticket, *, covered: bool | None, basis: str = "") -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(warranty_covered=covered, warranty_basis=basis,
                                               status=Ticket.Status.DIAGNOSED)
    ticket.refresh_from_db()
    return ticket


def mark_resolved(ticket: Ticket, *, at=None) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED,
                                               resolved_at=at or timezone.now())
    ticket.refresh_from_db()
    return ticket


def charged_ticket(*, actor, customer, device=None, visits=(2,), lines=None, transport=0,
                   covered=False, approve=True, resolved_at=None) -> Ticket:
    """A ticket quoted, approved and resolved: its charges have fallen due."""
    ticket = open_test_ticket(actor=actor, customer=customer, device=device)
    add_visits(ticket, *visits)
    diagnosed(ticket, covered=covered)
    quote = services.quote_ticket(actor=actor, ticket=ticket, lines=lines or [],
                                  transport=transport)
    if quote.status == "pending" and approve:
        services.approve_quote(actor=actor, ticket=ticket)
    mark_resolved(ticket, at=resolved_at)
    services.post_charges(actor=actor, ticket=ticket)
    return ticket


def assigned(ticket: Ticket, engineer) -> Ticket:
    """The ticket as the engineer's own job (an engineer takes money only on their own)."""
    Ticket.objects.filter(pk=ticket.pk).update(engineer=engineer)
    ticket.engineer = engineer
    return ticket
