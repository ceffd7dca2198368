"""Writes of the customer self-service: booking a repair and rating a finished job.

The customer is not a staff user, so these run as the system (`actor=None`) with the
archive's own validation rules (core.validation, as customers.services uses them)."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.validation import clean_phone, clean_required
from aftersales.customers.models import Customer, Zone
from aftersales.customers.selectors import find_by_phone
from aftersales.customers.services import create_customer
from aftersales.devices.selectors import find_device
from aftersales.tickets import services as tickets
from aftersales.tickets.models import FollowUp, Ticket

from . import selectors
from .errors import PortalCode

WEB_BOOKING_NOTE = "Created by a web booking; confirm the fee zone and address."


def _customer_for(*, name: str, phone: str) -> Customer:
    """The archive's customer with this phone (oldest first), else a new person record."""
    found = find_by_phone(phone=phone)
    if found is not None:
        return found
    return create_customer(actor=None, name=name, kind=Customer.Kind.PERSON, phone=phone,
                           zone=Zone.CITY, notes=WEB_BOOKING_NOTE)


@transaction.atomic
def book_repair(*, name: str, phone: str, summary: str, mode: str = "onsite",
                serial: str | None = None, idempotency_key: str | None = None) -> Ticket:
    """POST /public/bookings: find or create the customer by phone, open a web ticket."""
    name = clean_required(name, field="name", max_length=60)
    phone = clean_phone(phone)
    summary = clean_required(summary, field="summary", max_length=200)
    if mode not in Ticket.Mode.values:
        raise ValidationFailed(_("Unknown value."), field="mode")
    device = None
    if serial and serial.strip():
        device = find_device(serial=serial.strip())
        if device is None or device.customer.phone != phone:
            raise ValidationFailed(_("No unit with this serial number is registered to this "
                                     "phone."), field="serial")
    customer = device.customer if device is not None else _customer_for(name=name, phone=phone)
    ticket = tickets.open_ticket(
        actor=None, customer=customer, channel=Ticket.Channel.WEB, kind=Ticket.Kind.REPAIR,
        priority=Ticket.Priority.NORMAL, mode=mode, summary=summary, device=device,
        contact_name=name, contact_phone=phone, idempotency_key=idempotency_key)
    return ticket


@transaction.atomic
def rate_ticket(*, number: str, phone: str, satisfaction: int, comment: str = "") -> Ticket:
    """The customer rates a finished job: recorded as the ticket's callback (回访)."""
    ticket = selectors.track_by_number(number=number, phone=phone)
    if not FollowUp.objects.filter(ticket=ticket, done_at__isnull=True).exists():
        raise Conflict(PortalCode.NOTHING_TO_RATE, _("This request cannot be rated now."))
    return tickets.callback(actor=None, ticket=ticket, satisfaction=satisfaction,
                            comment=(comment or "")[:1000])
