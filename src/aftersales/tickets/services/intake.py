"""Intake on any channel: the ticket is numbered, its clocks start, the customer is told."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.billing import services as billing
from aftersales.billing.services import check_intake
from aftersales.catalog.models import FaultCode
from aftersales.core.errors import Conflict, CoreCode, NotFound, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_phone, clean_required
from aftersales.customers.errors import CustomerCode
from aftersales.customers.models import Customer
from aftersales.customers.selectors import find_by_phone
from aftersales.customers.services import merge_provisional, verify_provisional
from aftersales.devices.models import Device
from aftersales.devices.selectors import find_device
from aftersales.network.models import User

from .. import clocks, dispatch_rules, events, notifications
from ..models import Complaint, Ticket

R = User.Role
INTAKE_ROLES = (R.ADMIN, R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER)


def _choice(value: str, choices, *, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(_("Unknown value."), field=field)
    return value


def _replayed(actor: User | None, existing: Ticket) -> Ticket:
    """The ticket a repeated Idempotency-Key made, only for an actor whose scope holds it
    (the same check_point as every write); anyone else learns nothing of it: 409."""
    if actor is not None:
        try:
            check_point(actor=actor, service_point_id=existing.service_point_id)
        except NotFound:
            raise Conflict(CoreCode.IDEMPOTENCY_MISMATCH,
                           _("This Idempotency-Key was used for a different request."),
                           field="idempotency_key") from None
    return existing


@transaction.atomic
def open_ticket(*, actor: User | None, customer: Customer, channel: str, kind: str,
                priority: str, mode: str, summary: str, device: Device | None = None,
                description: str = "", order_ref: str = "", fault_code: FaultCode | None = None,
                contact_name: str = "", contact_phone: str = "",
                idempotency_key: str | None = None) -> Ticket:
    """Intake on any channel. `actor=None` is the system (public booking, inbound e-mail).

    The same `idempotency_key` again returns the ticket it created, also when both requests
    arrive at once (the unique key decides; the loser reads the winner's ticket)."""
    if actor is not None:  # who may, before any look at the key (it tells nothing otherwise)
        require_role(actor, *INTAKE_ROLES)
        check_point(actor=actor, service_point_id=customer.service_point_id
                    or actor.service_point_id)
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if len(key) > 100:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": 100},
                                   field="idempotency_key")
        existing = Ticket.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replayed(actor, existing)
    _choice(channel, Ticket.Channel, field="channel")
    _choice(kind, Ticket.Kind, field="kind")
    _choice(priority, Ticket.Priority, field="priority")
    _choice(mode, Ticket.Mode, field="mode")
    summary = clean_required(summary, field="summary", max_length=200)
    if device is not None and device.customer_id != customer.pk:
        raise ValidationFailed(_("This device belongs to another customer."), field="device")
    contact_phone = clean_phone(contact_phone, field="contact_phone") if contact_phone else ""
    if len(order_ref or "") > 60:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 60}, field="order_ref")
    if len(contact_name or "") > 60:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 60},
                               field="contact_name")
    service_point_id = customer.service_point_id
    if service_point_id is None and actor is not None:
        service_point_id = actor.service_point_id
    if actor is not None:
        check_point(actor=actor, service_point_id=service_point_id)
    dispatch_rules.check_new_job(service_point_id=service_point_id)
    billing.check_intake(customer=customer, device=device, kind=kind)
    now = timezone.now()
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=f"~{secrets.token_hex(8)}",  # unique until the day's number, below
                kind=kind, mode=mode, priority=priority, channel=channel, customer=customer,
                device=device, service_point_id=service_point_id, fault_code=fault_code,
                summary=summary, description=description or "", order_ref=order_ref or "",
                contact_name=contact_name or "", contact_phone=contact_phone,
                idempotency_key=key, tracking_secret=secrets.token_urlsafe(32),
                created_by=actor)
    except IntegrityError:
        if key is None:
            raise
        existing = Ticket.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _replayed(actor, existing)
    fields = clocks.refresh(ticket, now=ticket.created_at, new=True)
    # The day's counter is one row that every intake of the day updates, and its lock is
    # held until commit: every intake waits for the one before it to commit. So it is taken
    # as late as it can be — after the ticket's insert (all its indexes) and its clocks
    # (the calendar reads), just before the writes that quote the number (its event and
    # webhooks, the customer's message). The number stays gapless.
    ticket.number = next_number(prefix="SR", period=timezone.localdate(now).strftime("%Y%m%d"),
                                width=4)
    ticket.save(update_fields=[*fields, "number"])
    opened = events.opened(ticket=ticket, actor=actor, at=ticket.created_at)
    complaint = (Complaint.objects.create(ticket=ticket)
                 if kind == Ticket.Kind.COMPLAINT else None)
    notifications.notify_ticket_opened(ticket)  # outbox row, sent after commit
    # what the caller may answer with, without reading the ticket again: a ticket just
    # opened has its opening event and, at most, its complaint record; nothing else yet
    ticket.opened_event = opened
    Ticket.custody.related.set_cached_value(ticket, None)
    Ticket.complaint.related.set_cached_value(ticket, complaint)
    return ticket



@transaction.atomic
def attach_verified_booking(*, ticket: Ticket, customer: Customer, device: Device | None = None,
                            refusal: str = "", actor: User | None = None) -> Ticket:
    """A web booking's phone confirmed its code (portal.services.confirm_booking): the ticket,
    opened for the booking's provisional customer record, belongs to `customer` from now on
    (the archive with that phone, or the provisional record itself, now verified). Run as
    the system, or as `actor`, the staff member who verified the phone by calling it back.
    `device` (that archive's unit the booking named by serial) is linked when
    the ticket has none; a ticket without a service point takes the customer's.

    `refusal`: intake's rule refuses this job to the archive (blocked for debt, a unit with
    an unpaid repair). Staff read it in the description (the caller is never told), and a
    ticket nobody has taken up yet is handled as a consultation, as intake takes such a
    web booking. The version goes up and a `verify_phone` event records the move."""
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if device is not None and device.customer_id != customer.pk:
        raise ValidationFailed(_("This device belongs to another customer."), field="device")
    now = timezone.now()
    before = {"customer": locked.customer.number, "kind": locked.kind}
    fields = ["customer", "version", "updated_at"]
    locked.customer = customer
    if device is not None and locked.device_id is None and not refusal:
        locked.device = device
        fields.append("device")
    clocks_change = False
    if locked.service_point_id is None and customer.service_point_id is not None:
        locked.service_point_id = customer.service_point_id
        fields.append("service_point")
        clocks_change = True
    if refusal:
        locked.description = "\n".join(filter(None, [locked.description, refusal]))
        fields.append("description")
        if locked.status == Ticket.Status.NEW and locked.kind != Ticket.Kind.CONSULTATION:
            locked.kind = Ticket.Kind.CONSULTATION
            fields.append("kind")
            clocks_change = True
    if clocks_change:
        fields += clocks.refresh(locked, now=now)
    locked.version += 1
    locked.save(update_fields=list(dict.fromkeys(fields)))
    events.record(ticket=locked, action="verify_phone", actor=actor, at=now,
                  from_status=locked.status, to_status=locked.status,
                  data={"customer": customer.number,
                        "moved_from": (before["customer"] if before["customer"]
                                       != customer.number else None),
                        "device": locked.device.serial if locked.device_id else None,
                        "kind": ([before["kind"], locked.kind]
                                 if before["kind"] != locked.kind else None)})
    return locked


@transaction.atomic
def join_verified_phone(*, ticket: Ticket, phone: str, serial: str = "",
                        actor: User | None = None) -> Ticket | None:
    """A web booking's phone is verified: by the code sent to it (portal.services.
    confirm_booking, as the system) or by staff who called it back (`actor`,
    verify_booking_customer). The archive with that phone takes the booking: the ticket
    (with the unit `serial` names, when that archive owns it) and every row of the
    provisional record move to it, and the record goes. Without an archive on that phone
    the record becomes one. A debt block (or a unit with an unpaid repair) is written on
    the ticket for staff. None: the ticket's customer is no provisional record (verified
    already), nothing was done. The ticket row is locked first, then the record."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    record = Customer.objects.select_for_update().get(pk=locked.customer_id)
    if not record.provisional:
        return None
    archive = find_by_phone(phone=phone)  # an archive, never another provisional record
    if archive is None:
        verify_provisional(customer=record, actor=actor)
        return attach_verified_booking(ticket=locked, customer=record, actor=actor)
    device = find_device(serial=serial) if serial else None
    if device is not None and device.customer_id != archive.pk:
        device = None
    refusal = ""
    with translation.override(settings.LANGUAGE_CODE):  # staff read it in the house language
        try:
            check_intake(customer=archive, device=device, kind=locked.kind)
        except Conflict as refused:
            refusal = _("Booked as a repair; intake refused it (%(reason)s): staff to contact "
                        "the customer.") % {"reason": refused.message}
    locked = attach_verified_booking(ticket=locked, customer=archive,
                                     device=None if refusal else device, refusal=refusal,
                                     actor=actor)
    merge_provisional(provisional=record, into=archive, actor=actor)
    return locked


#: who may verify a web booking's phone by calling it back: the hotline and managers
PHONE_VERIFIERS = (R.ADMIN, R.MANAGER, R.REGIONAL_MANAGER, R.AGENT)


@transaction.atomic
def verify_booking_customer(*, actor: User, customer: Customer) -> Customer:
    """Staff called a web booking's phone back and confirmed it is the customer's: what
    the SMS code would have done (join_verified_phone, the same function) is done for the
    record's booking ticket: it joins the archive with that phone, or the record becomes
    the archive. The customer gets the usual opening message with the tracking link
    (a code entered later changes nothing and sends nothing again). The `verify_phone`
    event names the staff member, and so does the record's history. Answers the
    customer the booking belongs to now. A record that is not provisional: 409
    `not_provisional`, nothing changes."""
    require_role(actor, *PHONE_VERIFIERS)
    check_point(actor=actor, service_point_id=customer.service_point_id)
    current = Customer.objects.filter(pk=customer.pk, provisional=True).first()
    booking = (Ticket.objects.filter(customer=current).order_by("pk").first()
               if current is not None else None)
    joined = (join_verified_phone(ticket=booking, phone=current.phone, actor=actor)
              if booking is not None else None)
    if joined is None and current is not None and booking is None:
        # a record without a ticket (none is opened without one; kept for completeness)
        record = Customer.objects.select_for_update().get(pk=current.pk)
        archive = find_by_phone(phone=record.phone)
        if archive is None:
            return verify_provisional(customer=record, actor=actor)
        merge_provisional(provisional=record, into=archive, actor=actor)
        return archive
    if joined is None:
        raise Conflict(CustomerCode.NOT_PROVISIONAL, _(
            "This customer's phone is verified already: only a web booking's record "
            "waiting for its phone can be verified."), field="customer")
    notifications.notify_ticket_opened(joined)  # the first message beyond the code
    return Customer.objects.get(pk=joined.customer_id)
