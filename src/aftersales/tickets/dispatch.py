"""Dispatch from the board (drag a job onto an engineer's day, or the pick form): assign
when the engineer changes, then book the appointment, which must fall inside the service
point's working hours on a working day (statutory calendar; the rule is
tickets/appointments.py, the same for the schedule action). One transaction."""
from __future__ import annotations

from datetime import datetime, time

from django.db import transaction

from aftersales.network.models import User

from . import clocks, services
from .models import Ticket
from .services.visits import check_appointment

SLOT_MINUTES = 30


def working_slots(*, service_point_id: int | None) -> list[time]:
    """The appointment times offered: every half hour inside the working windows."""
    slots = []
    for starts, ends in clocks.working_hours(service_point_id=service_point_id).windows:
        minutes, last = starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute
        while minutes < last:
            slots.append(time(minutes // 60, minutes % 60))
            minutes += SLOT_MINUTES
    return slots


@transaction.atomic
def dispatch_visit(*, actor: User, ticket: Ticket, engineer: User, at: datetime) -> Ticket:
    """Assign (when the engineer changes) and book. The appointment is checked first (the
    same rule as the schedule action); when the point's dispatch approval rule makes the
    assignment wait for its approver, nothing is booked and the ticket comes back
    unassigned (the approver's decision assigns it; the visit is booked after that)."""
    check_appointment(ticket=ticket, at=at)
    if ticket.engineer_id != engineer.pk:
        ticket = services.assign(actor=actor, ticket=ticket, engineer=engineer)
        if ticket.engineer_id != engineer.pk:
            return ticket
    return services.schedule_visit(actor=actor, ticket=ticket, at=at)
