"""Writes of the customer self-service: booking a repair (on the page by a phone the
browser confirmed; on the public API in two steps, the request then the code sent to the
phone) and rating a finished job.

The customer is not a staff user, so these run as the system (`actor=None`) with the
archive's own validation rules (core.validation, as customers.services uses them)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from datetime import date, timedelta
from io import BytesIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from aftersales.billing.models import Quote
from aftersales.billing.selectors import ticket_money
from aftersales.billing.services import record_provider_payment
from aftersales.catalog.models import ProductModel
from aftersales.core import idempotency
from aftersales.core.errors import Conflict, CoreCode, NotFound, ValidationFailed
from aftersales.core.validation import clean_phone, clean_required
from aftersales.customers.models import Customer, Zone
from aftersales.customers.selectors import find_by_phone
from aftersales.customers.services import (
    create_customer,
)
from aftersales.devices.selectors import find_device
from aftersales.network.models import ServicePoint
from aftersales.tickets import services as tickets
from aftersales.tickets.models import FollowUp, Ticket
from aftersales.tickets.notifications import notify_ticket_opened

from . import identity, payments, ratelimit, selectors, slots, zones
from . import photos as photo_rules
from .errors import PortalCode
from .models import (
    Booking,
    BookingPhoto,
    PaymentOrder,
    PendingBooking,
    PortalPolicy,
    QuoteDecision,
    Slot,
)

WEB_BOOKING_NOTE = "Created by a web booking; confirm the fee zone and address."


def _customer_for(*, name: str, phone: str, address: str = "", zone: str = Zone.CITY,
                  service_point_id: int | None = None, provisional: bool = False
                  ) -> Customer:
    """The archive's customer with this phone (oldest first), else a new person record
    with the booking's address, fee zone and serving point. `provisional` (the public
    API's booking before its code): always a new record, marked provisional."""
    found = None if provisional else find_by_phone(phone=phone)
    if found is not None:
        return found
    point = (ServicePoint.objects.get(pk=service_point_id)
             if service_point_id is not None else None)
    return create_customer(actor=None, name=name, kind=Customer.Kind.PERSON, phone=phone,
                           zone=zone or Zone.CITY, address=address[:200], service_point=point,
                           notes=WEB_BOOKING_NOTE, provisional=provisional)


def _address(*, required: bool, province: str, city: str, district: str, street: str
             ) -> dict[str, str]:
    """A visit booked on the portal needs the whole address; an address begun must be
    finished; otherwise it is optional (send-in: for the return post)."""
    parts = {"province": province, "city": city, "district": district, "street": street}
    limits = {"province": 30, "city": 30, "district": 30, "street": 120}
    if required or any((value or "").strip() for value in parts.values()):
        return {key: clean_required(value, field=key, max_length=limits[key])
                for key, value in parts.items()}
    out = {}
    for key, value in parts.items():
        text = (value or "").strip()
        if len(text) > limits[key]:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": limits[key]},
                                   field=key, code=CoreCode.TOO_LONG)
        out[key] = text
    return out


def _slot(*, required: bool, preferred_date: date | str | None, slot: str | None,
          service_point_id: int | None) -> tuple[date | None, str]:
    """The preferred half-day must be one the serving point offers (working day, hours)."""
    if not preferred_date and not slot:
        if required:
            raise ValidationFailed(_("Choose a preferred date and half-day."), field="slot",
                                   code=CoreCode.REQUIRED)
        return None, ""
    if isinstance(preferred_date, str):
        try:
            preferred_date = date.fromisoformat(preferred_date.strip())
        except ValueError:
            raise ValidationFailed(_("Choose a date from the list."), field="slot") from None
    if preferred_date is None or slot not in Slot.values:
        raise ValidationFailed(_("Choose a preferred date and half-day."), field="slot",
                               code=CoreCode.REQUIRED)
    policy = PortalPolicy.current()
    offered = {(h.day, h.slot) for h in slots.offered(service_point_id=service_point_id,
                                                      days=policy.booking_days_ahead)}
    if (preferred_date, slot) not in offered:
        raise ValidationFailed(_("This half-day cannot be booked; choose one from the list."),
                               field="slot", code=PortalCode.SLOT_NOT_OFFERED)
    return preferred_date, slot


def _description(*, booking: Booking, serial_note: str) -> str:
    lines = []
    if booking.address:
        lines.append(_("Visit address: %(address)s (fee zone: %(zone)s)") % {
            "address": booking.address, "zone": Zone(booking.zone).label})
    if booking.preferred_date:
        lines.append(_("Preferred time: %(date)s %(slot)s") % {
            "date": booking.preferred_date.isoformat(), "slot": Slot(booking.slot).label})
    if booking.product_model_id:
        lines.append(_("Model: %(model)s") % {"model": booking.product_model.name})
    if serial_note:
        lines.append(serial_note)
    return "\n".join(lines)


@transaction.atomic
def book_repair(*, name: str, phone: str, summary: str, mode: str = "onsite",
                serial: str | None = None, idempotency_key: str | None = None,
                province: str = "", city: str = "", district: str = "", street: str = "",
                preferred_date: date | str | None = None, slot: str | None = None,
                model: str | None = None, photos: list | None = None,
                visit_details_required: bool = False, provisional: bool = False) -> Ticket:
    """A web booking (portal page and POST /public/bookings): find or create the customer
    by phone and open a web ticket with the address and its fee zone, the preferred
    half-day, the unit (by serial, else by model; both optional) and the fault photos.

    With `visit_details_required` (the portal page) an on-site visit needs the address and
    a half-day; the API keeps them optional as API.md's booking had none. Whatever is
    given is checked: a complete address, a half-day the serving point offers. A serial
    that is not this customer's registered unit never refuses the booking (nor says whose
    it is): it is only written down for the dispatcher."""
    name = clean_required(name, field="name", max_length=60)
    phone = clean_phone(phone)
    summary = clean_required(summary, field="summary", max_length=200)
    if mode not in Ticket.Mode.values:
        raise ValidationFailed(_("Unknown value."), field="mode")
    key = (idempotency_key or "").strip() or None
    if key is not None:
        existing = Ticket.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    strict = visit_details_required and mode == Ticket.Mode.ONSITE
    address = _address(required=strict, province=province, city=city, district=district,
                       street=street)
    answer = zones.derive_zone(province=address["province"], city=address["city"],
                               district=address["district"], places=selectors.service_places())
    when, half = _slot(required=strict, preferred_date=preferred_date, slot=slot,
                       service_point_id=answer.point_id)
    product_model = None
    if model and model.strip():
        product_model = ProductModel.objects.filter(code=model.strip()).first()
        if product_model is None:
            raise ValidationFailed(_("Choose a model from the list."), field="model")
    uploads = photo_rules.check_photos(photos or [], policy=PortalPolicy.current())
    serial_text = (serial or "").strip()
    device = find_device(serial=serial_text) if serial_text and not provisional else None
    if device is not None and device.customer.phone != phone:
        device = None  # not said to the caller: the dispatcher reads the serial given
    full_address = "".join(address.values())
    customer = device.customer if device is not None else _customer_for(
        name=name, phone=phone, address=full_address,
        zone=answer.zone if full_address else Zone.CITY,
        service_point_id=answer.point_id if full_address else None, provisional=provisional)
    booking = Booking(province=address["province"], city=address["city"],
                      district=address["district"], street=address["street"],
                      zone=answer.zone if full_address else "",
                      zone_reason=answer.reason if full_address else "",
                      preferred_date=when, slot=half, product_model=product_model)
    with translation.override(settings.LANGUAGE_CODE):  # staff read it in the house language
        serial_note = (_("Serial given by the customer: %(serial)s") % {"serial": serial_text}
                       if serial_text and device is None else "")
        description = _description(booking=booking, serial_note=serial_note)
    opening = dict(actor=None, customer=customer, channel=Ticket.Channel.WEB,
                   priority=Ticket.Priority.NORMAL, mode=mode, summary=summary,
                   contact_name=name, contact_phone=phone, idempotency_key=key)
    try:
        with transaction.atomic():
            ticket = tickets.open_ticket(kind=Ticket.Kind.REPAIR, device=device,
                                         description=description, **opening)
    except Conflict as refusal:
        # A customer blocked for debt (or a unit with an unpaid repair) still reaches the
        # service desk, and the page says nothing of it: staff take it as a consultation.
        with translation.override(settings.LANGUAGE_CODE):
            description = "\n".join(filter(None, [description, _(
                "Booked as a repair; intake refused it (%(reason)s): staff to contact the "
                "customer.") % {"reason": refusal.message}]))
        ticket = tickets.open_ticket(kind=Ticket.Kind.CONSULTATION, device=None,
                                     description=description, **opening)
    if not Booking.objects.filter(ticket=ticket).exists():
        booking.ticket = ticket
        booking.save()
        for upload in uploads:
            BookingPhoto.objects.create(booking=booking, image=upload.file, name=upload.name,
                                        content_type=upload.content_type, size=upload.size)
    return ticket


# -- the public API's booking: a request, then the code sent to its phone ----------------

#: how long a booking waits for its code (a new code may be asked meanwhile)
PENDING_HOURS = 24


def _checked_booking(*, name: str, phone: str, summary: str, mode: str = "onsite",
                     serial: str | None = None, model: str | None = None, province: str = "",
                     city: str = "", district: str = "", street: str = "",
                     preferred_date: date | str | None = None, slot: str | None = None
                     ) -> dict:
    """Step one's checks (book_repair's own, run again when the code is confirmed); the
    cleaned values the pending booking holds."""
    values = {"name": clean_required(name, field="name", max_length=60),
              "phone": clean_phone(phone, mobile_only=True),
              "summary": clean_required(summary, field="summary", max_length=200),
              "mode": mode or "onsite", "serial": (serial or "").strip()[:40],
              "model": (model or "").strip()[:40]}
    if values["mode"] not in Ticket.Mode.values:
        raise ValidationFailed(_("Unknown value."), field="mode")
    address = _address(required=False, province=province, city=city, district=district,
                       street=street)
    answer = zones.derive_zone(province=address["province"], city=address["city"],
                               district=address["district"], places=selectors.service_places())
    when, half = _slot(required=False, preferred_date=preferred_date, slot=slot,
                       service_point_id=answer.point_id)
    if values["model"] and not ProductModel.objects.filter(code=values["model"]).exists():
        raise ValidationFailed(_("Choose a model from the list."), field="model")
    return {**values, **address, "preferred_date": when.isoformat() if when else "",
            "slot": half}


def _pending(booking_id: str, *, lock: bool = False) -> PendingBooking:
    """The live booking of an id (404 for an id never given or expired)."""
    token = (booking_id or "").strip()
    rows = PendingBooking.objects.select_related("ticket__booking")
    if lock:  # the row only (the ticket is an outer join PostgreSQL cannot lock)
        rows = rows.select_for_update(of=("self",))
    pending = rows.filter(token=token, expires_at__gt=timezone.now()).first() if token else None
    if pending is None:
        raise NotFound(_("No booking matches this link."))
    return pending


def _send_booking_code(*, phone: str) -> None:
    identity.send_code(phone=phone, purpose="booking")


def _replay(earlier: PendingBooking, digest: str) -> PendingBooking:
    if earlier.request_hash != digest:
        raise Conflict(CoreCode.IDEMPOTENCY_MISMATCH,
                       _("This Idempotency-Key was used for a different request."),
                       field="Idempotency-Key")
    return earlier


def _open_booking(values: dict) -> Ticket:
    """The web ticket of a checked request, for a new provisional customer record."""
    return book_repair(**{
        **values, "serial": values["serial"] or None, "model": values["model"] or None,
        "preferred_date": values["preferred_date"] or None, "slot": values["slot"] or None,
        "provisional": True})


def request_booking(*, idempotency_key: str | None = None, client_ip: str = "",
                    **fields) -> PendingBooking:
    """POST /public/bookings, step one: the web ticket is opened at once and its number
    answered, and a code is sent to the phone (text messages limited per phone and per
    client address). Whatever the phone, serial or customer, the answer is alike: the
    ticket belongs to a new provisional customer record (never an existing archive, so
    nothing is joined, linked or told before the code), the serial is only written down,
    and nobody but the phone gets a message (the code). The booking's id is an opaque
    token. The same Idempotency-Key with the same request answers the same booking (no
    second code, no second ticket) for the booking's day; with another request: 409."""
    values = _checked_booking(**fields)
    key = idempotency.clean_key(idempotency_key) or ""
    digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
    now = timezone.now()
    if key:
        earlier = (PendingBooking.objects.select_related("ticket__booking")
                   .filter(idempotency_key=key, expires_at__gt=now).first())
        if earlier is not None:
            return _replay(earlier, digest)
    # counted outside the transaction below: a refusal keeps its count
    ratelimit.check_sms(phone=values["phone"], client_ip=client_ip)
    try:
        with transaction.atomic():
            if key:  # a key whose booking's day is over is free again
                PendingBooking.objects.filter(idempotency_key=key, expires_at__lte=now).delete()
            pending = PendingBooking.objects.create(
                token=secrets.token_urlsafe(32), phone=values["phone"],
                request={"serial": values["serial"]} if values["serial"] else {},
                idempotency_key=key, request_hash=digest if key else "",
                expires_at=now + timedelta(hours=PENDING_HOURS))
            pending.ticket = _open_booking(values)
            pending.save(update_fields=["ticket"])
            _send_booking_code(phone=values["phone"])
    except IntegrityError:
        if not key:
            raise
        # the same key at the same moment: the first request's booking, opened once
        earlier = (PendingBooking.objects.select_related("ticket__booking")
                   .filter(idempotency_key=key).first())
        if earlier is None:
            raise
        return _replay(earlier, digest)
    return pending


def resend_booking_code(*, booking_id: str, client_ip: str = "") -> PendingBooking:
    """A new code for a booking not yet confirmed (the previous one stops working);
    SMS-limited."""
    pending = _pending(booking_id)
    if pending.confirmed_at is None:
        ratelimit.check_sms(phone=pending.phone, client_ip=client_ip)
        with transaction.atomic():
            _send_booking_code(phone=pending.phone)
    return pending


def confirm_booking(*, booking_id: str, code: str) -> PendingBooking:
    """Step two: the code from the SMS (portal.identity's booking code: expires, a few wrong
    tries, used once). Right: the ticket joins the archive with that phone (or its record
    becomes the archive), the customer gets the usual opening message with the tracking
    link, and the row keeps no request. The same id again answers the same booking; two
    confirmations at the same moment move the ticket once (the row is locked)."""
    pending = _pending(booking_id)
    if pending.confirmed_at is not None:
        return pending
    if not (code or "").strip():
        raise ValidationFailed(_("This field is required."), field="code",
                               code=CoreCode.REQUIRED)
    # its own transaction: a wrong try stays counted although the request is refused
    try:
        identity.confirm_code(phone=pending.phone, code=code, purpose="booking")
    except ValidationFailed:
        again = _pending(booking_id)  # the same code, just used by a confirmation of it
        if again.confirmed_at is not None:
            return again
        raise
    with transaction.atomic():
        pending = _pending(booking_id, lock=True)
        if pending.confirmed_at is not None:
            return pending
        ticket = pending.ticket
        if ticket is None:  # a request that waited from before step one opened tickets
            ticket = _open_booking(pending.request)
        # the same function staff use when they verify the phone by calling it back
        joined = tickets.join_verified_phone(ticket=ticket, phone=pending.phone,
                                             serial=pending.request.get("serial", ""))
        if joined is not None:  # staff verified it already: they sent the message then
            ticket = joined
            notify_ticket_opened(ticket)  # the first message beyond the code
        pending.ticket, pending.request, pending.confirmed_at = ticket, {}, timezone.now()
        pending.save(update_fields=["ticket", "request", "confirmed_at"])
    return _pending(booking_id)


def sweep_pending_bookings(*, now) -> int:
    """Expired booking rows go, with the phone and request they held; the ticket of one
    never confirmed stays with its provisional record, for staff to call back."""
    deleted, _rows = PendingBooking.objects.filter(expires_at__lte=now).delete()
    return deleted


@transaction.atomic
def rate_ticket(*, number: str, phone: str, satisfaction: int, comment: str = "") -> Ticket:
    """The customer rates a finished job: recorded as the ticket's callback (回访)."""
    return rate_job(ticket=selectors.track_by_number(number=number, phone=phone),
                    satisfaction=satisfaction, comment=comment)


@transaction.atomic
def rate_job(*, ticket: Ticket, satisfaction: int, comment: str = "") -> Ticket:
    """The rating of a ticket the customer reached (secret link or number + phone)."""
    if not FollowUp.objects.filter(ticket=ticket, done_at__isnull=True).exists():
        raise Conflict(PortalCode.NOTHING_TO_RATE, _("This request cannot be rated now."))
    return tickets.callback(actor=None, ticket=ticket, satisfaction=satisfaction,
                            comment=(comment or "")[:1000])


# -- the customer's decision on a quote ----------------------------------------------------

MAX_SIGNATURE_CHARS = 400_000


def _signature(value: str) -> str:
    """A drawn signature: a PNG (base64 or a data: URL) with ink on it."""
    text = (value or "").strip()
    if text.startswith("data:image/png;base64,"):
        text = text.split(",", 1)[1]
    if not text:
        raise ValidationFailed(_("Sign with your finger in the box first."), field="signature",
                               code=CoreCode.REQUIRED)
    if len(text) > MAX_SIGNATURE_CHARS:
        raise ValidationFailed(_("The signature image is too large."), field="signature")
    try:
        raw = base64.b64decode(text, validate=True)
        with Image.open(BytesIO(raw)) as image:
            if image.format != "PNG":
                raise ValueError("not a PNG")
            alpha = image.convert("RGBA").getchannel("A")
            inked = alpha.getbbox() is not None
    except (binascii.Error, ValueError, OSError, UnidentifiedImageError):
        raise ValidationFailed(_("The signature must be a PNG image."),
                               field="signature") from None
    if not inked:
        raise ValidationFailed(_("Sign with your finger in the box first."), field="signature",
                               code=CoreCode.REQUIRED)
    return text


@transaction.atomic
def decide_quote(*, ticket: Ticket, approve: bool, via: str, signed_by: str = "",
                 signature: str = "", reason: str = "", client_ip: str = "") -> QuoteDecision:
    """The customer approves the waiting quote with a drawn signature, or rejects it with a
    reason. The ticket moves exactly as the staff actions approve_quote / reject_quote move
    it (the same services, run as the system), the customer named in the event; the
    signature is kept with the decision."""
    quote = Quote.objects.select_for_update().filter(
        ticket=ticket, status=Quote.Status.PENDING).first()
    if quote is None:
        raise Conflict(PortalCode.NO_PENDING_QUOTE, _("No quote is waiting for your answer."))
    if approve:
        signed_by = clean_required(signed_by, field="signed_by", max_length=60)
        signature = _signature(signature)
        reason = ""
    else:
        reason = clean_required(reason, field="reason", max_length=300)
        signature = ""
    who = {"name": signed_by or ticket.contact_name or ticket.customer.name, "via": via,
           "portal": True}
    if approve:
        tickets.approve_quote(actor=None, ticket=ticket, customer=who)
    else:
        tickets.reject_quote(actor=None, ticket=ticket, reason=reason, customer=who)
    return QuoteDecision.objects.create(
        ticket=ticket, quote=quote,
        decision=QuoteDecision.Decision.APPROVED if approve else QuoteDecision.Decision.REJECTED,
        signed_by=signed_by if approve else "", signature_png=signature, reason=reason,
        total=quote.total, via=via[:20], client_ip=(client_ip or "")[:45])


# -- complaints ------------------------------------------------------------------------------


@transaction.atomic
def file_complaint(*, ticket: Ticket, text: str, name: str = "") -> Ticket:
    """The customer's complaint about a ticket becomes a complaint ticket with its complaint
    report (顾客抱怨处理报告), handled by staff as any other."""
    text = clean_required(text, field="text", max_length=1000)
    summary = _("Complaint about %(number)s") % {"number": ticket.number}
    return tickets.open_ticket(
        actor=None, customer=ticket.customer, channel=Ticket.Channel.WEB,
        kind=Ticket.Kind.COMPLAINT, priority=Ticket.Priority.HIGH, mode=Ticket.Mode.REMOTE,
        summary=summary, device=ticket.device, description=text, order_ref=ticket.number,
        contact_name=(name or ticket.contact_name)[:60],
        contact_phone=ticket.contact_phone or ticket.customer.phone)


# -- paying online ---------------------------------------------------------------------------


def start_payment(*, ticket: Ticket, provider: payments.PaymentProvider) -> PaymentOrder:
    """An order for what the ticket owes now, sent to the provider for its payment link.
    The order row is committed before the provider is asked (no lock is held meanwhile)."""
    outstanding = ticket_money(ticket=ticket)["outstanding"]
    if outstanding <= 0:
        raise Conflict(PortalCode.NOTHING_OUTSTANDING, _("Nothing is owed on this ticket."))
    order = PaymentOrder.objects.create(
        ticket=ticket, provider=provider.name, amount=outstanding,
        out_trade_no=f"AS{ticket.pk}T{secrets.token_hex(6).upper()}")
    try:
        link = provider.create_order(
            out_trade_no=order.out_trade_no, amount=order.amount,
            description=_("Service request %(number)s") % {"number": ticket.number},
            notify_url=f"{settings.PUBLIC_URL}/api/v1/public/payments/{provider.name}/notify")
    except payments.ProviderError:
        PaymentOrder.objects.filter(pk=order.pk).update(status=PaymentOrder.Status.FAILED)
        raise Conflict(PortalCode.PAYMENT_UNAVAILABLE,
                       _("Online payment is not available right now; please use another "
                         "way to pay.")) from None
    PaymentOrder.objects.filter(pk=order.pk).update(pay_url=link[:300])
    order.pay_url = link[:300]
    return order


@transaction.atomic
def book_notified_payment(*, provider_name: str, notice: payments.PaidNotice) -> PaymentOrder:
    """A verified provider notification: the order is locked, then paid once. The same
    notification again (providers repeat them) returns the order and books nothing."""
    order = (PaymentOrder.objects.select_for_update()
             .filter(out_trade_no=notice.out_trade_no, provider=provider_name).first())
    if order is None:
        raise NotFound(_("No such payment order."))
    if order.status == PaymentOrder.Status.PAID:
        if order.transaction_id != notice.transaction_id:
            raise Conflict(PortalCode.ALREADY_PAID, _("This order was paid by another transaction."))
        return order
    if not notice.succeeded:
        return order
    if notice.amount != order.amount:
        raise Conflict(PortalCode.AMOUNT_MISMATCH, _("The amount paid is not the order's amount."))
    entry = record_provider_payment(ticket=order.ticket, amount=notice.amount,
                                    method=payments.METHODS[provider_name],
                                    reference=f"{provider_name} {notice.transaction_id}")
    order.status, order.transaction_id = PaymentOrder.Status.PAID, notice.transaction_id
    order.ledger_entry, order.paid_at = entry, timezone.now()
    order.save(update_fields=["status", "transaction_id", "ledger_entry", "paid_at"])
    return order
