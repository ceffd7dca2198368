"""Constructors of the append-only ticket events: the stage timestamps and the audit."""
from __future__ import annotations

from datetime import datetime

from aftersales.notifications import webhooks

from .models import Ticket, TicketEvent


def record(*, ticket: Ticket, action: str, actor, at: datetime, from_status: str = "",
           to_status: str = "", data: dict | None = None) -> TicketEvent:
    event = TicketEvent.objects.create(ticket=ticket, action=action, actor=actor, at=at,
                                       from_status=from_status, to_status=to_status,
                                       data=data or {})
    # integrators hear of openings and status changes (posted after commit, signed)
    webhooks.ticket_event(ticket=ticket, action=action, from_status=from_status,
                          to_status=to_status, event_pk=event.pk, at=at)
    return event


def opened(*, ticket: Ticket, actor, at: datetime) -> TicketEvent:
    return record(ticket=ticket, action="open", actor=actor, at=at, to_status=ticket.status,
                  data={"channel": ticket.channel, "kind": ticket.kind, "mode": ticket.mode,
                        "priority": ticket.priority})


def transitioned(*, ticket: Ticket, action: str, actor, at: datetime, from_status: str,
                 data: dict | None = None) -> TicketEvent:
    return record(ticket=ticket, action=action, actor=actor, at=at, from_status=from_status,
                  to_status=ticket.status, data=data)


def sla_breached(*, ticket: Ticket, target: str, due: datetime, at: datetime) -> TicketEvent:
    """A clock's breach, recorded once per target: by the sweep as soon as it passes, or
    by the action that meets (or stops) it late, whichever comes first."""
    existing = TicketEvent.objects.filter(ticket=ticket, action="sla_breach",
                                          data__target=target).first()
    if existing is not None:
        return existing
    return record(ticket=ticket, action="sla_breach", actor=None, at=at,
                  from_status=ticket.status, to_status=ticket.status,
                  data={"target": target, "due": due.isoformat()})
