"""Public reads: a ticket by number + phone or by its secret, a unit's warranty. Each
answers NotFound (404) alike for "no such ticket" and "wrong phone"."""
from __future__ import annotations

import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import NotFound
from aftersales.devices.selectors import find_device, warranty_ends
from aftersales.tickets.models import Custody, Ticket, TicketEvent
from aftersales.tickets.selectors import find_by_number, find_by_tracking_secret

#: Actions whose time the customer sees (the stage times of docs/rules.md), without data.
PUBLIC_STAGES = ("open", "respond", "assign", "schedule_visit", "arrive", "depart", "receive",
                 "diagnose", "quote", "approve_quote", "reject_quote", "hold", "resume",
                 "resolve", "ship_back", "sign_off", "callback", "close", "cancel", "reopen")


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _not_found():
    return NotFound(_("No ticket matches this number and phone."))


def track_by_number(*, number: str, phone: str) -> Ticket:
    ticket = find_by_number(number=number) if number and phone else None
    digits = _digits(phone)
    if ticket is None or not digits or digits not in {ticket.contact_phone,
                                                      ticket.customer.phone}:
        raise _not_found()
    return ticket


def track_by_secret(*, secret: str) -> Ticket:
    ticket = find_by_tracking_secret(secret=(secret or "").strip())
    # compare in constant time, so response timing tells nothing about near misses
    if ticket is None or not secrets.compare_digest(ticket.tracking_secret, secret.strip()):
        raise NotFound(_("No ticket matches this link."))
    return ticket


def public_view(ticket: Ticket) -> dict:
    """Status, stage times, the engineer's name, the appointment and the unit's custody
    state: nothing else (no phone, address, money or notes)."""
    events = (TicketEvent.objects.filter(ticket=ticket, action__in=PUBLIC_STAGES)
              .order_by("at", "id").values_list("action", "at", "to_status"))
    custody = Custody.objects.filter(ticket=ticket).first()
    visit = ticket.visits.filter(arrived_at__isnull=True, scheduled_at__isnull=False).order_by(
        "-trip_no").first()
    return {
        "number": ticket.number, "status": ticket.status, "kind": ticket.kind,
        "mode": ticket.mode, "received_at": ticket.created_at,
        "stages": [{"action": action, "at": at, "status": status}
                   for action, at, status in events],
        "engineer": ticket.engineer.display_name if ticket.engineer_id else None,
        "appointment": visit.scheduled_at if visit else None,
        "custody": ({"label": custody.label, "state": custody.state,
                     "location": custody.location, "carrier": custody.carrier,
                     "tracking_no": custody.tracking_no} if custody else None),
        "resolved_at": ticket.resolved_at,
    }


def public_warranty(*, serial: str) -> dict:
    device = find_device(serial=(serial or "").strip())
    if device is None:
        raise NotFound(_("No unit with this serial number or IMEI."))
    today = timezone.localdate()
    ends = warranty_ends(device, on=today)
    return {"model": device.model.code, "model_name": device.model.name,
            "warranty_ends": ends, "in_warranty": bool(ends and ends >= today)}
