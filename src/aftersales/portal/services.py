"""Writes of the customer self-service: booking a repair (two steps: a request, then the
code sent to the phone) and rating a finished job.

The customer is not a staff user, so these run as the system (`actor=None`) with the
archive's own validation rules (core.validation, as customers.services uses them)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, CoreCode, ValidationFailed
from aftersales.core.validation import clean_phone, clean_required
from aftersales.customers.models import Customer, Zone
from aftersales.customers.selectors import find_by_phone
from aftersales.customers.services import create_customer
from aftersales.devices.selectors import find_device
from aftersales.notifications.models import Outbox
from aftersales.notifications.services import queue_notification
from aftersales.tickets import services as tickets
from aftersales.tickets.models import FollowUp, Ticket
from aftersales.tickets.notifications import notify_ticket_opened

from . import ratelimit, selectors
from .errors import PortalCode
from .models import BookingRequest

WEB_BOOKING_NOTE = "Created by a web booking; confirm the fee zone and address."
CODE_DIGITS = 6


def _customer_for(*, name: str, phone: str) -> Customer:
    """The archive's customer with this phone (oldest first), else a new person record."""
    found = find_by_phone(phone=phone)
    if found is not None:
        return found
    return create_customer(actor=None, name=name, kind=Customer.Kind.PERSON, phone=phone,
                           zone=Zone.CITY, notes=WEB_BOOKING_NOTE)


def _code_hash(public_id: str, code: str) -> str:
    return hashlib.sha256(f"{public_id}:{code}".encode()).hexdigest()


def _clean_booking(*, name: str, phone: str, summary: str, mode: str,
                   serial: str | None) -> dict:
    values = {"name": clean_required(name, field="name", max_length=60),
              "phone": clean_phone(phone),
              "summary": clean_required(summary, field="summary", max_length=200),
              "serial": (serial or "").strip()[:40], "mode": mode or "onsite"}
    if values["mode"] not in Ticket.Mode.values:
        raise ValidationFailed(_("Unknown value."), field="mode")
    return values


def _send_code(booking: BookingRequest) -> None:
    """A fresh code for `booking`, sent to its phone through the outbox."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = settings.BOOKING_CODE_TTL_SECONDS
    booking.code_hash = _code_hash(booking.public_id, code)
    booking.code_expires_at = timezone.now() + timedelta(seconds=ttl)
    booking.attempts = 0
    booking.save(update_fields=["code_hash", "code_expires_at", "attempts"])
    queue_notification(
        channel=Outbox.Channel.SMS, recipient=booking.phone, kind="booking_code",
        body=_("Your repair booking code is %(code)s (valid %(minutes)d minutes). "
               "Do not share it.") % {"code": code, "minutes": max(1, ttl // 60)})


@transaction.atomic
def _create_booking_request(*, values: dict, idempotency_key: str | None) -> BookingRequest:
    try:
        with transaction.atomic():
            booking = BookingRequest.objects.create(
                public_id=secrets.token_urlsafe(18), idempotency_key=idempotency_key,
                code_hash="", code_expires_at=timezone.now(), **values)
    except IntegrityError:
        if idempotency_key is None:
            raise
        return BookingRequest.objects.get(idempotency_key=idempotency_key)
    _send_code(booking)
    return booking


def request_booking(*, name: str, phone: str, summary: str, mode: str = "onsite",
                    serial: str | None = None, idempotency_key: str | None = None,
                    client_ip: str = "") -> BookingRequest:
    """POST /public/bookings: step one of an anonymous booking. Whatever the phone, serial
    or customer, the answer is the same: a pending request and a code sent to the phone
    (SMS limited per phone and per client address). Nothing enters the archive yet.

    The SMS count is taken outside the write transaction on purpose, so a refused
    request still counts; the write itself is one transaction."""
    values = _clean_booking(name=name, phone=phone, summary=summary, mode=mode, serial=serial)
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if len(key) > 100:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": 100},
                                   field="idempotency_key")
        existing = BookingRequest.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    ratelimit.check_sms(phone=values["phone"], client_ip=client_ip)
    return _create_booking_request(values=values, idempotency_key=key)


def resend_booking_code(*, booking_id: str, client_ip: str = "") -> BookingRequest:
    """A new code for a pending request (the old one stops working); SMS-limited."""
    booking = selectors.pending_booking(booking_id=booking_id)
    ratelimit.check_sms(phone=booking.phone, client_ip=client_ip)
    with transaction.atomic():
        locked = BookingRequest.objects.select_for_update().get(pk=booking.pk)
        if locked.ticket_id is None:
            _send_code(locked)
    return locked


def _wrong_code() -> ValidationFailed:
    return ValidationFailed(_("The code is wrong."), field="code", code=PortalCode.WRONG_CODE)


def confirm_booking(*, booking_id: str, code: str) -> Ticket:
    """Step two: the code from the SMS. Right: the request becomes a web ticket in the
    phone's customer archive (found or created), answered again on a repeat. Each wrong
    try counts (BOOKING_CODE_ATTEMPTS, outside the refusal's rollback); an expired code
    or too many tries answer 409 `code_expired` (ask for a new code)."""
    booking = selectors.booking_request(booking_id=booking_id)
    if booking.ticket_id is not None:
        return booking.ticket
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(_("This field is required."), field="code",
                               code=CoreCode.REQUIRED)
    counted = (BookingRequest.objects
               .filter(pk=booking.pk, ticket__isnull=True,
                       attempts__lt=settings.BOOKING_CODE_ATTEMPTS,
                       code_expires_at__gt=timezone.now())
               .update(attempts=F("attempts") + 1))
    if not counted:
        booking.refresh_from_db()
        if booking.ticket_id is not None:
            return booking.ticket
        raise Conflict(PortalCode.CODE_EXPIRED, _("This code has expired. Ask for a new one."),
                       field="code")
    if not secrets.compare_digest(booking.code_hash, _code_hash(booking.public_id, code)):
        raise _wrong_code()
    return _book_confirmed(booking_pk=booking.pk)


@transaction.atomic
def _book_confirmed(*, booking_pk: int) -> Ticket:
    booking = BookingRequest.objects.select_for_update().get(pk=booking_pk)
    if booking.ticket_id is not None:  # a concurrent confirmation won
        return booking.ticket
    device = find_device(serial=booking.serial) if booking.serial else None
    if device is not None and device.customer.phone != booking.phone:
        device = None  # not this phone's unit: staff see the serial, the caller nothing
    customer = (device.customer if device is not None
                else _customer_for(name=booking.name, phone=booking.phone))
    description = ""
    if booking.serial and device is None:
        description = _("Serial given at booking: %(serial)s (not registered to this "
                        "phone).") % {"serial": booking.serial}
    opening = dict(actor=None, customer=customer, channel=Ticket.Channel.WEB,
                   priority=Ticket.Priority.NORMAL, mode=booking.mode, summary=booking.summary,
                   contact_name=booking.name, contact_phone=booking.phone,
                   idempotency_key=f"booking:{booking.public_id}")
    try:
        ticket = tickets.open_ticket(kind=Ticket.Kind.REPAIR, device=device,
                                     description=description, **opening)
    except Conflict as refusal:
        # A customer blocked for debt (or a unit with an unpaid repair) still reaches the
        # service desk: the booking is taken as a consultation for staff to handle.
        description = " ".join(filter(None, [description, _(
            "Booked as a repair; intake refused it (%(reason)s): staff to contact the "
            "customer.") % {"reason": refusal.message}]))
        ticket = tickets.open_ticket(kind=Ticket.Kind.CONSULTATION, device=None,
                                     description=description, **opening)
    booking.ticket, booking.confirmed_at = ticket, timezone.now()
    booking.save(update_fields=["ticket", "confirmed_at"])
    notify_ticket_opened(ticket)  # idempotent: once however often intake tells it
    return ticket


@transaction.atomic
def rate_ticket(*, number: str, phone: str, satisfaction: int, comment: str = "") -> Ticket:
    """The customer rates a finished job: recorded as the ticket's callback (回访)."""
    ticket = selectors.track_by_number(number=number, phone=phone)
    if not FollowUp.objects.filter(ticket=ticket, done_at__isnull=True).exists():
        raise Conflict(PortalCode.NOTHING_TO_RATE, _("This request cannot be rated now."))
    return tickets.callback(actor=None, ticket=ticket, satisfaction=satisfaction,
                            comment=(comment or "")[:1000])
