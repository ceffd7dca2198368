"""Dispatch from the board (drag a job onto an engineer's day, or the form): assign when
the engineer changes, then book the appointment, which must fall inside the service
point's working hours on a working day (statutory calendar). One transaction."""
from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.network.models import User

from . import clocks, services
from .models import Ticket

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


def check_working_time(*, ticket: Ticket, at: datetime) -> None:
    local = timezone.localtime(at)
    calendar = clocks.load_calendar(years=range(local.year, local.year + 1))
    hours = clocks.working_hours(service_point_id=ticket.service_point_id)
    inside = any(starts <= local.time() < ends for starts, ends in hours.windows)
    if not calendar.is_working_day(local.date()) or not inside:
        spans = ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in hours.windows)
        raise ValidationFailed(_("Appointments are booked on working days within the "
                                 "working hours (%(hours)s).") % {"hours": spans}, field="at")


@transaction.atomic
def dispatch_visit(*, actor: User, ticket: Ticket, engineer: User, at: datetime) -> Ticket:
    check_working_time(ticket=ticket, at=at)
    if ticket.engineer_id != engineer.pk:
        ticket = services.assign(actor=actor, ticket=ticket, engineer=engineer)
    return services.schedule_visit(actor=actor, ticket=ticket, at=at)
