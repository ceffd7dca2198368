"""Intake on any channel: the ticket is numbered, its clocks start, the customer is told."""
from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing import services as billing
from aftersales.catalog.models import FaultCode
from aftersales.core.errors import Conflict, CoreCode, NotFound, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_phone, clean_required
from aftersales.customers.models import Customer
from aftersales.devices.models import Device
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
                            refusal: str = "") -> Ticket:
    """A web booking's phone confirmed its code (portal.services.confirm_booking): the ticket,
    opened for the booking's provisional customer record, belongs to `customer` from now on
    (the archive with that phone, or the provisional record itself, now verified). Run as
    the system. `device` (that archive's unit the booking named by serial) is linked when
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
    events.record(ticket=locked, action="verify_phone", actor=None, at=now,
                  from_status=locked.status, to_status=locked.status,
                  data={"customer": customer.number,
                        "moved_from": (before["customer"] if before["customer"]
                                       != customer.number else None),
                        "device": locked.device.serial if locked.device_id else None,
                        "kind": ([before["kind"], locked.kind]
                                 if before["kind"] != locked.kind else None)})
    return locked
