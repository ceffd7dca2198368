"""Every write on tickets: intake, the workflow actions, follow-up, complaints, feedback.

Each action locks the ticket row (select_for_update), checks the version, the workflow
table and the role rules, does its work, appends an event and bumps the version."""
from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import FaultCode
from aftersales.core.errors import Conflict, Forbidden, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_phone, clean_required
from aftersales.customers.models import Customer
from aftersales.devices.evidence import parse_evidence
from aftersales.devices.models import Device
from aftersales.devices.services import exchange_unit
from aftersales.network.models import User

from . import clocks, events, notifications, workflow
from .models import (
    Complaint,
    Custody,
    FollowUp,
    ProductFeedback,
    Ticket,
    TicketEvent,
    TicketPause,
    TicketPolicy,
    Visit,
)

S = Ticket.Status

MAX_SIGNATURE_CHARS = 400_000  # base64 of a ~300 KB PNG: a drawn signature is far smaller
INTAKE_ROLES = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT, User.Role.ENGINEER)


def _choice(value: str, choices, *, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(_("Unknown value."), field=field)
    return value


def _billing():
    """The billing app's services, once they exist in the tree (contract in the brief)."""
    try:
        from aftersales.billing import services as billing_services
    except ImportError:
        return None
    return billing_services


@transaction.atomic
def open_ticket(*, actor: User | None, customer: Customer, channel: str, kind: str,
                priority: str, mode: str, summary: str, device: Device | None = None,
                description: str = "", order_ref: str = "", fault_code: FaultCode | None = None,
                contact_name: str = "", contact_phone: str = "",
                idempotency_key: str | None = None) -> Ticket:
    """Intake on any channel. `actor=None` is the system (public booking, inbound e-mail).

    The same `idempotency_key` again returns the ticket it created, also when both requests
    arrive at once (the unique key decides; the loser reads the winner's ticket)."""
    key = (idempotency_key or "").strip() or None
    if key is not None:
        if len(key) > 100:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": 100},
                                   field="idempotency_key")
        existing = Ticket.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    if actor is not None:
        require_role(actor, *INTAKE_ROLES)
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
    billing = _billing()
    if billing is not None and hasattr(billing, "check_intake"):
        billing.check_intake(customer=customer, device=device, kind=kind)
    now = timezone.now()
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=next_number(prefix="SR", period=timezone.localdate(now).strftime(
                    "%Y%m%d"), width=4),
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
        return existing
    events.opened(ticket=ticket, actor=actor, at=ticket.created_at)
    ticket.save(update_fields=clocks.refresh(ticket, now=ticket.created_at))
    if kind == Ticket.Kind.COMPLAINT:
        Complaint.objects.create(ticket=ticket)
    notifications.notify_ticket_opened(ticket)  # outbox row, sent after commit
    return ticket


# -- the workflow --------------------------------------------------------------------------

R = User.Role
#: Who may run each action (admins and superusers may run all). Engineers only on own jobs.
ROLES: dict[str, tuple[str, ...]] = {
    "respond": (R.MANAGER, R.AGENT, R.ENGINEER),
    "assign": (R.MANAGER, R.AGENT),
    "schedule_visit": (R.MANAGER, R.AGENT, R.ENGINEER),
    "approve_visit": (R.MANAGER,),
    "arrive": (R.MANAGER, R.ENGINEER),
    "depart": (R.MANAGER, R.ENGINEER),
    "receive": (R.MANAGER, R.AGENT, R.ENGINEER, R.WAREHOUSE),
    "ship_back": (R.MANAGER, R.AGENT, R.ENGINEER, R.WAREHOUSE),
    "diagnose": (R.MANAGER, R.ENGINEER),
    "quote": (R.MANAGER, R.AGENT, R.ENGINEER),
    "approve_quote": (R.MANAGER, R.AGENT, R.ENGINEER),
    "reject_quote": (R.MANAGER, R.AGENT, R.ENGINEER),
    "use_part": (R.MANAGER, R.ENGINEER),
    "hold": (R.MANAGER, R.AGENT, R.ENGINEER),
    "resume": (R.MANAGER, R.AGENT, R.ENGINEER),
    "escalate": (R.MANAGER, R.AGENT, R.ENGINEER),
    "resolve": (R.MANAGER, R.AGENT, R.ENGINEER),
    "sign_off": (R.MANAGER, R.AGENT, R.ENGINEER),
    "refuse_payment": (R.MANAGER, R.AGENT, R.FINANCE),
    "callback": (R.MANAGER, R.AGENT),
    "close": (R.MANAGER, R.AGENT),
    "cancel": (R.MANAGER, R.AGENT),
    "reopen": (R.MANAGER, R.AGENT),
    "contact": (R.MANAGER, R.AGENT, R.ENGINEER),
    "notify_late": (R.MANAGER, R.AGENT, R.ENGINEER),
    "take_away": (R.MANAGER, R.ENGINEER),
    "test": (R.MANAGER, R.ENGINEER),
    "no_fault_found": (R.MANAGER, R.ENGINEER),
    "exchange": (R.MANAGER, R.ENGINEER),
    "return_unit": (R.MANAGER,),
    "mark_misdiagnosis": (R.MANAGER, R.ENGINEER),
}
MANAGERS = (R.ADMIN, R.MANAGER)
#: Jobs whose unit is tested after the work, before the customer signs off.
TESTED_KINDS = (Ticket.Kind.REPAIR, Ticket.Kind.INSTALLATION, Ticket.Kind.MAINTENANCE)


def _is_manager(actor: User | None) -> bool:
    return actor is None or actor.is_superuser or actor.role in MANAGERS


def _check_role(actor: User | None, ticket: Ticket, action: str) -> None:
    if actor is None or actor.is_superuser or actor.role == R.ADMIN:
        return
    if actor.role not in ROLES[action]:
        if actor.role == R.ENGINEER and action in ("assign", "cancel"):
            raise Forbidden(_("An engineer may not decline or hand over a job."),
                            code="engineer_cannot_decline")
        raise Forbidden(_("Your role may not do this."))
    if actor.role == R.ENGINEER and ticket.engineer_id != actor.pk:
        raise Forbidden(_("This is not your job."), code="not_your_job")


def _begin(*, actor: User | None, ticket: Ticket, action: str,
           version: int | None) -> tuple[Ticket, str]:
    """Lock the row, then check who, which version, and whether the action is allowed now."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_role(actor, locked, action)
    if version is not None and version != locked.version:
        raise Conflict("stale_version",
                       _("The ticket was changed meanwhile (version %(v)d); reload it.")
                       % {"v": locked.version})
    if not workflow.can(locked, action):
        raise Conflict("invalid_transition",
                       _("“%(action)s” is not allowed while the ticket is %(status)s.")
                       % {"action": workflow.ACTION_LABELS.get(action, action),
                          "status": locked.get_status_display()})
    return locked, locked.status


def _finish(*, actor: User | None, ticket: Ticket, action: str, from_status: str, now,
            fields: set[str], data: dict | None = None) -> Ticket:
    target = workflow.ALLOWED[action].target
    if not target.startswith("="):
        ticket.status = target
    ticket.version += 1
    fields = set(fields) | {"status", "version", "updated_at"}
    met_before = {name: getattr(ticket, f"{name}_met_at") for name in clocks.TARGETS}
    fields.update(clocks.refresh(ticket, now=now))
    ticket.save(update_fields=sorted(fields))
    events.transitioned(ticket=ticket, action=action, actor=actor, at=now,
                        from_status=from_status, data=data)
    stopped = ticket.status in clocks.FINAL and from_status not in clocks.FINAL
    for name in clocks.TARGETS:
        due, met_at = getattr(ticket, f"{name}_due"), getattr(ticket, f"{name}_met_at")
        if due is None:
            continue
        if (met_at is not None and met_before[name] is None and met_at > due) or (
                met_at is None and stopped and now > due):
            events.sla_breached(ticket=ticket, target=name, due=due, at=now)
    return ticket


def _need(module, name: str):
    function = getattr(module, name, None) if module is not None else None
    if function is None:
        raise Conflict("unavailable", _("This function is not available yet."))
    return function


def _inventory():
    try:
        from aftersales.inventory import services as inventory_services
    except ImportError:
        return None
    return inventory_services


def _require_mode(ticket: Ticket, *modes: str) -> None:
    if ticket.mode not in modes:
        raise Conflict("wrong_mode", _("Not possible for a ticket of this service mode."))


@transaction.atomic
def respond(*, actor: User | None, ticket: Ticket, note: str = "",
            version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="respond", version=version)
    now = timezone.now()
    ticket.responded_at = now
    return _finish(actor=actor, ticket=ticket, action="respond", from_status=before, now=now,
                   fields={"responded_at"}, data={"note": note or ""})


@transaction.atomic
def assign(*, actor: User | None, ticket: Ticket, engineer: User,
           version: int | None = None) -> Ticket:
    """Dispatch to an engineer. Handing a job from one engineer to another is a manager's."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="assign", version=version)
    if engineer.role != R.ENGINEER or not engineer.is_active:
        raise ValidationFailed(_("Choose an active engineer."), field="engineer")
    if (ticket.service_point_id is not None and engineer.service_point_id is not None
            and engineer.service_point_id != ticket.service_point_id):
        raise ValidationFailed(_("The engineer works at another service point."),
                               field="engineer")
    if ticket.engineer_id == engineer.pk:
        raise Conflict("already_assigned", _("The job is already this engineer's."))
    if ticket.engineer_id is not None and not _is_manager(actor):
        raise Forbidden(_("Only a manager may reassign a job."), code="reassign_needs_manager")
    previous = ticket.engineer_id
    ticket.engineer = engineer
    fields = {"engineer"}
    if ticket.status in (S.NEW, S.RESPONDED):
        ticket.status = S.ASSIGNED
    elif ticket.status == S.ON_HOLD and ticket.status_before_hold in (S.NEW, S.RESPONDED):
        ticket.status_before_hold = S.ASSIGNED
        fields.add("status_before_hold")
    Visit.objects.filter(ticket=ticket, arrived_at__isnull=True).update(engineer=engineer)
    return _finish(actor=actor, ticket=ticket, action="assign", from_status=before,
                   now=timezone.now(), fields=fields,
                   data={"engineer": engineer.pk, "previous": previous})


def _visit_limit_check(*, actor: User | None, ticket: Ticket, trip_no: int) -> None:
    allowed = TicketPolicy.current().max_visits + ticket.extra_visits_allowed
    if trip_no > allowed and not _is_manager(actor):
        raise Conflict("visit_limit",
                       _("Visit %(n)d for this ticket needs a manager's approval.")
                       % {"n": trip_no})


def _planned_visit(ticket: Ticket) -> Visit | None:
    return (Visit.objects.filter(ticket=ticket, arrived_at__isnull=True)
            .order_by("-trip_no").first())


def _next_trip_no(ticket: Ticket) -> int:
    return Visit.objects.filter(ticket=ticket).count() + 1


@transaction.atomic
def schedule_visit(*, actor: User | None, ticket: Ticket, at, version: int | None = None
                   ) -> Ticket:
    """The appointment agreed with the customer (a planned visit; check-in starts it)."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="schedule_visit",
                            version=version)
    _require_mode(ticket, Ticket.Mode.ONSITE, Ticket.Mode.REMOTE)
    now = timezone.now()
    if at is None or at.tzinfo is None:
        raise ValidationFailed(_("Give the time with its offset."), field="at")
    if at < now:
        raise ValidationFailed(_("The appointment is in the past."), field="at")
    visit = _planned_visit(ticket)
    if visit is None:
        trip_no = _next_trip_no(ticket)
        _visit_limit_check(actor=actor, ticket=ticket, trip_no=trip_no)
        visit = Visit.objects.create(ticket=ticket, trip_no=trip_no, scheduled_at=at,
                                     engineer=ticket.engineer)
    else:
        visit.scheduled_at = at
        visit.save(update_fields=["scheduled_at"])
    notifications.notify_appointment(ticket, visit)
    return _finish(actor=actor, ticket=ticket, action="schedule_visit", from_status=before,
                   now=now, fields=set(), data={"at": at.isoformat(), "trip_no": visit.trip_no})


@transaction.atomic
def approve_visit(*, actor: User | None, ticket: Ticket, version: int | None = None) -> Ticket:
    """A manager allows one more visit beyond the policy's limit."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="approve_visit",
                            version=version)
    ticket.extra_visits_allowed += 1
    return _finish(actor=actor, ticket=ticket, action="approve_visit", from_status=before,
                   now=timezone.now(), fields={"extra_visits_allowed"},
                   data={"extra_visits_allowed": ticket.extra_visits_allowed})


@transaction.atomic
def arrive(*, actor: User | None, ticket: Ticket, version: int | None = None) -> Ticket:
    """Check-in on site: starts a visit (the planned one, else a new trip)."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="arrive", version=version)
    _require_mode(ticket, Ticket.Mode.ONSITE, Ticket.Mode.REMOTE)
    visit = _planned_visit(ticket)
    trip_no = visit.trip_no if visit else _next_trip_no(ticket)
    _visit_limit_check(actor=actor, ticket=ticket, trip_no=trip_no)
    now = timezone.now()
    engineer = actor if actor is not None and actor.role == R.ENGINEER else ticket.engineer
    if visit is None:
        visit = Visit.objects.create(ticket=ticket, trip_no=trip_no, engineer=engineer,
                                     arrived_at=now)
    else:
        visit.arrived_at, visit.engineer = now, engineer
        visit.save(update_fields=["arrived_at", "engineer"])
    data = {"trip_no": trip_no}
    if visit.scheduled_at is not None:
        # arrival compared with the appointment (negative: early), kept on the visit
        visit.minutes_late = int((now - visit.scheduled_at).total_seconds() // 60)
        visit.save(update_fields=["minutes_late"])
        data["minutes_late"] = visit.minutes_late
        if visit.minutes_late > 0 and visit.late_notice_at is None:
            data["late_without_notice"] = True
    fields = set()
    if ticket.onsite_started_at is None:
        ticket.onsite_started_at = now
        fields.add("onsite_started_at")
    return _finish(actor=actor, ticket=ticket, action="arrive", from_status=before, now=now,
                   fields=fields, data=data)


def _open_visit(ticket: Ticket) -> Visit | None:
    return (Visit.objects.select_for_update()
            .filter(ticket=ticket, arrived_at__isnull=False, departed_at__isnull=True)
            .order_by("-trip_no").first())


@transaction.atomic
def depart(*, actor: User | None, ticket: Ticket, outcome: str, note: str = "", at=None,
           version: int | None = None) -> Ticket:
    """Check-out. `revisit` means another trip for the same fault (the fees count trips).
    `customer_absent`: nobody was there — a new appointment `at` is made, and the trip is
    neither charged nor a second trip for the fee."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="depart", version=version)
    if outcome not in (Visit.Outcome.FIXED, Visit.Outcome.REVISIT,
                       Visit.Outcome.CUSTOMER_ABSENT):
        raise ValidationFailed(_("The outcome is fixed, revisit or customer_absent."),
                               field="outcome")
    now = timezone.now()
    absent = outcome == Visit.Outcome.CUSTOMER_ABSENT
    if absent:
        if at is None or at.tzinfo is None:
            raise ValidationFailed(_("Give the new appointment with its offset."), field="at")
        if at <= now:
            raise ValidationFailed(_("The appointment is in the past."), field="at")
    visit = _open_visit(ticket)
    if visit is None:
        raise Conflict("no_open_visit", _("No visit is in progress."))
    visit.departed_at, visit.outcome, visit.note = now, outcome, (note or "")[:200]
    visit.save(update_fields=["departed_at", "outcome", "note"])
    data = {"trip_no": visit.trip_no, "outcome": outcome}
    if absent:
        planned = Visit.objects.create(ticket=ticket, trip_no=_next_trip_no(ticket),
                                       scheduled_at=at, engineer=ticket.engineer)
        notifications.notify_appointment(ticket, planned)
        ticket.status = S.SCHEDULED
        data["new_appointment"] = at.isoformat()
    elif ticket.status == S.ON_SITE:
        ticket.status = S.IN_REPAIR if outcome == Visit.Outcome.FIXED else S.ASSIGNED
    data["trips"] = (Visit.objects.filter(ticket=ticket, arrived_at__isnull=False)
                     .exclude(outcome=Visit.Outcome.CUSTOMER_ABSENT).count())
    return _finish(actor=actor, ticket=ticket, action="depart", from_status=before, now=now,
                   fields=set(), data=data)


@transaction.atomic
def receive(*, actor: User | None, ticket: Ticket, condition: str = "",
            accessories: list[str] | None = None, location: str = "",
            version: int | None = None) -> Ticket:
    """A send-in unit arrives at the bench: it gets a unique custody label."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="receive", version=version)
    _require_mode(ticket, Ticket.Mode.SEND_IN)
    if Custody.objects.filter(ticket=ticket).exists():
        raise Conflict("already_received", _("The unit is already in custody."))
    if len(condition or "") > 200:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 200}, field="condition")
    items = [str(a).strip() for a in (accessories or []) if str(a).strip()]
    now = timezone.now()
    fields = set()
    if ticket.status == S.NEW:
        ticket.status, ticket.responded_at = S.RESPONDED, ticket.responded_at or now
        fields.add("responded_at")
    custody = Custody.objects.create(
        ticket=ticket, received_at=now, received_by=actor, condition=condition or "",
        accessories=items, location=(location or "bench")[:60],
        label=next_number(prefix="CU", period=timezone.localdate(now).strftime("%Y%m%d"),
                          width=4))
    notifications.notify_send_in(ticket, "received")
    return _finish(actor=actor, ticket=ticket, action="receive", from_status=before, now=now,
                   fields=fields, data={"label": custody.label, "condition": custody.condition,
                                       "accessories": items, "location": custody.location})


@transaction.atomic
def ship_back(*, actor: User | None, ticket: Ticket, carrier: str = "", tracking_no: str = "",
              version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="ship_back", version=version)
    _require_mode(ticket, Ticket.Mode.SEND_IN)
    custody = Custody.objects.select_for_update().filter(ticket=ticket).first()
    if custody is None or custody.state != Custody.State.RECEIVED:
        raise Conflict("not_in_custody", _("The unit is not in our custody."))
    now = timezone.now()
    custody.state, custody.shipped_at = Custody.State.SHIPPED, now
    custody.carrier, custody.tracking_no = (carrier or "")[:40], (tracking_no or "")[:60]
    custody.location = "shipped"
    custody.save(update_fields=["state", "shipped_at", "carrier", "tracking_no", "location"])
    notifications.notify_send_in(ticket, "shipped_back")
    return _finish(actor=actor, ticket=ticket, action="ship_back", from_status=before, now=now,
                   fields=set(), data={"label": custody.label, "carrier": custody.carrier,
                                       "tracking_no": custody.tracking_no})


@transaction.atomic
def diagnose(*, actor: User | None, ticket: Ticket, fault_code: FaultCode, findings: str = "",
             cause: str = "none", fault_kind: str = "performance", part=None,
             evidence: dict | None = None, fault_reproduced: bool | None = None,
             caused_by_repair: bool = False, version: int | None = None) -> Ticket:
    """Records the fault (reproduced or not: an exchange or return needs it confirmed) and
    takes the warranty decision (kept on the ticket). A fault the engineer attributes to
    our previous repair is free like the repair warranty."""
    from aftersales.contracts.selectors import warranty_covers
    from aftersales.devices import warranty
    from aftersales.devices.selectors import warranty_decision

    ticket, before = _begin(actor=actor, ticket=ticket, action="diagnose", version=version)
    if cause not in warranty.CAUSES:
        raise ValidationFailed(_("Unknown cause."), field="cause")
    if fault_kind not in ("performance", "appearance", "accessory"):
        raise ValidationFailed(_("Unknown fault kind."), field="fault_kind")
    if fault_kind == "accessory" and (part is None or not part.accessory_kind):
        raise ValidationFailed(_("An accessory fault names the accessory part."), field="part")
    if fault_reproduced is not None and not isinstance(fault_reproduced, bool):
        raise ValidationFailed(_("Must be true, false or absent."), field="fault_reproduced")
    if not isinstance(caused_by_repair, bool):
        raise ValidationFailed(_("Must be true or false."), field="caused_by_repair")
    if ticket.mode == Ticket.Mode.SEND_IN and not Custody.objects.filter(ticket=ticket).exists():
        raise Conflict("not_received", _("Receive the unit before diagnosing it."))
    now = timezone.now()
    ticket.fault_code, ticket.findings, ticket.cause = fault_code, findings or "", cause
    if ticket.device_id:
        device = Device.objects.select_related("model").get(pk=ticket.device_id)
        proof_obj = parse_evidence(evidence, base={
            "invoice": bool(device.invoice_no), "warranty_card": bool(device.warranty_card_no)})
        decision = warranty_decision(
            device=device, cause=cause, evidence=proof_obj, on=timezone.localdate(now),
            covers=warranty_covers(device_id=device.pk),
            fault=warranty.Fault(kind=fault_kind, part_sku=part.sku if part else None,
                                 accessory_kind=(part.accessory_kind or None) if part else None,
                                 code=fault_code.code, caused_by_repair=caused_by_repair))
        covered, basis = decision.covered, decision.basis
        options, reasons = list(decision.options), list(decision.reasons)
    else:
        covered, basis, options, reasons = False, "none", ["paid_repair"], ["no_device"]
    ticket.warranty_covered, ticket.warranty_basis = covered, basis
    ticket.warranty_options, ticket.warranty_reasons = options, reasons
    ticket.fault_reproduced = fault_reproduced
    return _finish(actor=actor, ticket=ticket, action="diagnose", from_status=before, now=now,
                   fields={"fault_code", "findings", "cause", "warranty_covered",
                           "warranty_basis", "warranty_options", "warranty_reasons",
                           "fault_reproduced"},
                   data={"fault_code": fault_code.code, "cause": cause, "covered": covered,
                         "basis": basis, "options": options, "reasons": reasons,
                         "fault_reproduced": fault_reproduced,
                         "caused_by_repair": caused_by_repair})


def _start_repair(ticket: Ticket, now) -> set[str]:
    if ticket.repair_started_at is None:
        ticket.repair_started_at = now
        return {"repair_started_at"}
    return set()


@transaction.atomic
def quote(*, actor: User | None, ticket: Ticket, lines: list[dict] | None = None,
          transport: int = 0, version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="quote", version=version)
    made = _need(_billing(), "quote_ticket")(actor=actor, ticket=ticket, lines=lines,
                                             transport=transport)
    now = timezone.now()
    fields: set[str] = set()
    if made.needs_approval:
        ticket.status = S.AWAITING_APPROVAL
    else:
        ticket.status = S.IN_REPAIR
        fields |= _start_repair(ticket, now)
    return _finish(actor=actor, ticket=ticket, action="quote", from_status=before, now=now,
                   fields=fields, data={"quote": made.pk, "total": f"{made.total:.2f}",
                                        "needs_approval": made.needs_approval})


@transaction.atomic
def approve_quote(*, actor: User | None, ticket: Ticket, version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="approve_quote",
                            version=version)
    made = _need(_billing(), "approve_quote")(actor=actor, ticket=ticket)
    now = timezone.now()
    fields = _start_repair(ticket, now)
    return _finish(actor=actor, ticket=ticket, action="approve_quote", from_status=before,
                   now=now, fields=fields, data={"quote": made.pk,
                                                 "total": f"{made.total:.2f}"})


def _settle_resolution(ticket: Ticket, now) -> set[str]:
    """Work ends: open visits close, the callback task is created."""
    Visit.objects.filter(ticket=ticket, arrived_at__isnull=False,
                         departed_at__isnull=True).update(departed_at=now,
                                                          outcome=Visit.Outcome.FIXED)
    Visit.objects.filter(ticket=ticket, arrived_at__isnull=True).delete()
    ticket.resolved_at = now
    FollowUp.objects.create(ticket=ticket, due_at=now + timedelta(
        hours=TicketPolicy.current().callback_after_hours))
    return {"resolved_at"}


@transaction.atomic
def reject_quote(*, actor: User | None, ticket: Ticket, version: int | None = None) -> Ticket:
    """The customer declines: the job ends with only the agreed visit charges."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="reject_quote",
                            version=version)
    made = _need(_billing(), "reject_quote")(actor=actor, ticket=ticket)
    now = timezone.now()
    ticket.resolution = _("The customer declined the quote.")
    fields = _settle_resolution(ticket, now) | {"resolution"}
    return _finish(actor=actor, ticket=ticket, action="reject_quote", from_status=before,
                   now=now, fields=fields, data={"quote": made.pk})


@transaction.atomic
def use_part(*, actor: User | None, ticket: Ticket, sku: str, qty: int, warehouse=None,
             version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="use_part", version=version)
    _need(_billing(), "require_approved")(ticket=ticket)
    move = _need(_inventory(), "issue_to_ticket")(actor=actor, ticket=ticket, sku=sku, qty=qty,
                                                  warehouse=warehouse)
    return _finish(actor=actor, ticket=ticket, action="use_part", from_status=before,
                   now=timezone.now(), fields=set(),
                   data={"sku": sku, "qty": qty, "move": getattr(move, "pk", None)})


@transaction.atomic
def hold(*, actor: User | None, ticket: Ticket, reason: str, version: int | None = None
         ) -> Ticket:
    """Waiting for the customer or for parts: the SLA clocks stop."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="hold", version=version)
    if reason not in TicketPause.Reason.values:
        raise ValidationFailed(_("The reason is customer or parts."), field="reason")
    now = timezone.now()
    TicketPause.objects.create(ticket=ticket, reason=reason, started_at=now)
    ticket.status_before_hold, ticket.hold_reason = before, reason
    return _finish(actor=actor, ticket=ticket, action="hold", from_status=before, now=now,
                   fields={"status_before_hold", "hold_reason"}, data={"reason": reason})


@transaction.atomic
def resume(*, actor: User | None, ticket: Ticket, reason: str = "",
           version: int | None = None) -> Ticket:
    """The clocks run again; their due times move by the business time the pause took."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="resume", version=version)
    now = timezone.now()
    pause = TicketPause.objects.filter(ticket=ticket, ended_at__isnull=True).first()
    paused_minutes = 0
    if pause is not None:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
        paused_minutes = int((now - pause.started_at).total_seconds() // 60)
    ticket.status = ticket.status_before_hold or S.RESPONDED
    ticket.status_before_hold, ticket.hold_reason = "", ""
    return _finish(actor=actor, ticket=ticket, action="resume", from_status=before, now=now,
                   fields={"status_before_hold", "hold_reason"},
                   data={"reason": pause.reason if pause else "",
                         "paused_minutes": paused_minutes})


@transaction.atomic
def escalate(*, actor: User | None, ticket: Ticket, reason: str = "",
             version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="escalate", version=version)
    now = timezone.now()
    fields = set()
    if ticket.escalated_at is None:
        ticket.escalated_at = now
        fields.add("escalated_at")
    notifications.notify_staff(
        notifications.supervisors_of(ticket), ticket=ticket, kind="escalated",
        key=now.strftime("%Y%m%d%H%M%S"),
        subject=_("Ticket %(number)s escalated") % {"number": ticket.number},
        body=_("Ticket %(number)s (%(summary)s) was escalated to you: %(reason)s") % {
            "number": ticket.number, "summary": ticket.summary, "reason": reason or "-"})
    return _finish(actor=actor, ticket=ticket, action="escalate", from_status=before, now=now,
                   fields=fields, data={"reason": reason or ""})


def _last_part_sku(ticket: Ticket) -> str:
    event = (TicketEvent.objects.filter(ticket=ticket, action="use_part")
             .order_by("-at", "-id").first())
    return (event.data or {}).get("sku", "") if event else ""


@transaction.atomic
def resolve(*, actor: User | None, ticket: Ticket, resolution: str = "",
            version: int | None = None) -> Ticket:
    """Work done: the charges fall due, the repair feeds the unit's history, a callback is
    due."""
    from aftersales.devices.services import record_repair

    ticket, before = _begin(actor=actor, ticket=ticket, action="resolve", version=version)
    billing = _billing()
    _need(billing, "require_approved")(ticket=ticket)
    now = timezone.now()
    charge = _need(billing, "post_charges")(actor=actor, ticket=ticket)
    if ticket.device_id and ticket.kind == Ticket.Kind.REPAIR:
        record_repair(device=ticket.device, repaired_on=timezone.localdate(now),
                      fault_code=ticket.fault_code.code if ticket.fault_code_id else "",
                      part_sku=_last_part_sku(ticket), reference=ticket.number)
    ticket.resolution = resolution or ""
    fields = _settle_resolution(ticket, now) | {"resolution"}
    if ticket.mode == Ticket.Mode.SEND_IN and Custody.objects.filter(ticket=ticket).exists():
        notifications.notify_send_in(ticket, "repaired")
    return _finish(actor=actor, ticket=ticket, action="resolve", from_status=before, now=now,
                   fields=fields, data={"resolution": ticket.resolution,
                                        "charge": getattr(charge, "pk", None)})


def _satisfaction(value, *, field: str = "satisfaction") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed(_("Satisfaction is 1 to 5."), field=field)
    return value


def _signature_png(value: str) -> str:
    """The signature drawn on the screen: a PNG as base64 (a data: URL is accepted)."""
    text = (value or "").strip()
    if not text:
        return ""
    if text.startswith("data:"):
        head, _comma, text = text.partition(",")
        if head != "data:image/png;base64":
            raise ValidationFailed(_("The signature must be a PNG image."), field="signature")
    if len(text) > MAX_SIGNATURE_CHARS:
        raise ValidationFailed(_("The signature image is too large."), field="signature")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("The signature is not valid base64."),
                               field="signature") from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationFailed(_("The signature must be a PNG image."), field="signature")
    return text


@transaction.atomic
def sign_off(*, actor: User | None, ticket: Ticket, signed_by: str,
             satisfaction: int | None = None, signature: str = "",
             version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="sign_off", version=version)
    signed_by = clean_required(signed_by, field="signed_by", max_length=60)
    satisfaction = _satisfaction(satisfaction)
    signature = _signature_png(signature)
    if ticket.signed_at is not None:
        raise Conflict("already_signed", _("The customer has already signed."))
    if ticket.tested_at is None and ticket.kind in TESTED_KINDS and not ticket.no_fault_found:
        raise Conflict("not_tested", _("Test the unit after the repair before the customer "
                                       "signs."))
    now = timezone.now()
    ticket.signed_by, ticket.signed_at, ticket.signature_png = signed_by, now, signature
    fields = {"signed_by", "signed_at", "signature_png"}
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
        fields.add("satisfaction")
    return _finish(actor=actor, ticket=ticket, action="sign_off", from_status=before, now=now,
                   fields=fields, data={"signed_by": signed_by, "satisfaction": satisfaction,
                                        "signature": bool(signature)})


@transaction.atomic
def refuse_payment(*, actor: User | None, ticket: Ticket, note: str = "",
                   version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="refuse_payment",
                            version=version)
    _need(_billing(), "refuse_payment")(actor=actor, ticket=ticket, note=note or "")
    ticket.payment_refused = True
    return _finish(actor=actor, ticket=ticket, action="refuse_payment", from_status=before,
                   now=timezone.now(), fields={"payment_refused"}, data={"note": note or ""})


@transaction.atomic
def callback(*, actor: User | None, ticket: Ticket, satisfaction: int, comment: str = "",
             version: int | None = None) -> Ticket:
    """The follow-up call (回访): satisfaction 1-5 and the customer's comment."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="callback", version=version)
    satisfaction = _satisfaction(satisfaction)
    if satisfaction is None:
        raise ValidationFailed(_("Satisfaction is 1 to 5."), field="satisfaction")
    now = timezone.now()
    follow_up = (FollowUp.objects.select_for_update()
                 .filter(ticket=ticket, done_at__isnull=True).order_by("-due_at").first())
    if follow_up is None:
        raise Conflict("no_callback_due", _("No callback is due on this ticket."))
    follow_up.done_at, follow_up.done_by = now, actor
    follow_up.satisfaction, follow_up.comment = satisfaction, comment or ""
    follow_up.save(update_fields=["done_at", "done_by", "satisfaction", "comment"])
    ticket.satisfaction = satisfaction
    return _finish(actor=actor, ticket=ticket, action="callback", from_status=before, now=now,
                   fields={"satisfaction"},
                   data={"satisfaction": satisfaction, "comment": comment or ""})


@transaction.atomic
def close(*, actor: User | None, ticket: Ticket, reason: str = "",
          version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="close", version=version)
    now = timezone.now()
    ticket.closed_at = now
    return _finish(actor=actor, ticket=ticket, action="close", from_status=before, now=now,
                   fields={"closed_at"}, data={"reason": reason or ""})


def _return_parts(*, actor: User | None, ticket: Ticket) -> list:
    inventory = _inventory()
    function = getattr(inventory, "return_ticket_parts", None) if inventory else None
    if function is None:
        return []
    return list(function(actor=actor, ticket=ticket) or [])


@transaction.atomic
def cancel(*, actor: User | None, ticket: Ticket, reason: str = "",
           version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="cancel", version=version)
    now = timezone.now()
    TicketPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
    Visit.objects.filter(ticket=ticket, arrived_at__isnull=True).delete()
    returned = _return_parts(actor=actor, ticket=ticket)
    ticket.closed_at = now
    ticket.status_before_hold, ticket.hold_reason = "", ""
    return _finish(actor=actor, ticket=ticket, action="cancel", from_status=before, now=now,
                   fields={"closed_at", "status_before_hold", "hold_reason"},
                   data={"reason": reason or "", "parts_returned": len(returned)})


@transaction.atomic
def reopen(*, actor: User | None, ticket: Ticket, reason: str = "",
           version: int | None = None) -> Ticket:
    ticket, before = _begin(actor=actor, ticket=ticket, action="reopen", version=version)
    now = timezone.now()
    returned = _return_parts(actor=actor, ticket=ticket)
    ticket.status = S.ASSIGNED if ticket.engineer_id else S.RESPONDED
    ticket.resolved_at, ticket.closed_at = None, None
    ticket.resolve_due = None
    return _finish(actor=actor, ticket=ticket, action="reopen", from_status=before, now=now,
                   fields={"resolved_at", "closed_at"},
                   data={"reason": reason or "", "parts_returned": len(returned)})


# -- issue 10: the promised contact, the field's duties, 三包 exchange and return ---------


@transaction.atomic
def contact(*, actor: User | None, ticket: Ticket, note: str = "", answered: bool = False,
            version: int | None = None) -> Ticket:
    """The engineer's promised call-back (the "contacted" stage): the first contact meets
    the call-back clock; a contact with a reply (`note`) meets the engineer's-first-reply
    clock; `answered` says the customer's problem was answered (severe-problem clock)."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="contact", version=version)
    if not isinstance(answered, bool):
        raise ValidationFailed(_("Must be true or false."), field="answered")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 500}, field="note")
    now = timezone.now()
    fields = set()
    for name, due in (("contacted_at", True), ("replied_at", bool(note)),
                      ("answered_at", answered)):
        if due and getattr(ticket, name) is None:
            setattr(ticket, name, now)
            fields.add(name)
    return _finish(actor=actor, ticket=ticket, action="contact", from_status=before, now=now,
                   fields=fields, data={"note": note, "answered": answered})


@transaction.atomic
def notify_late(*, actor: User | None, ticket: Ticket, minutes: int,
                version: int | None = None) -> Ticket:
    """The engineer will be late: the customer is told before the appointment time."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="notify_late", version=version)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 600:
        raise ValidationFailed(_("Minutes late: a whole number from 1 to 600."),
                               field="minutes")
    visit = _planned_visit(ticket)
    if visit is None or visit.scheduled_at is None:
        raise Conflict("no_appointment", _("There is no appointment to be late for."))
    now = timezone.now()
    if now >= visit.scheduled_at:
        raise Conflict("appointment_passed", _("The appointment time has passed: the "
                                               "customer must be told before it."))
    visit.late_notice_at = now
    visit.save(update_fields=["late_notice_at"])
    notifications.notify_late_engineer(ticket, visit, minutes=minutes)
    return _finish(actor=actor, ticket=ticket, action="notify_late", from_status=before,
                   now=now, fields=set(), data={"trip_no": visit.trip_no, "minutes": minutes})


@transaction.atomic
def take_away(*, actor: User | None, ticket: Ticket, condition: str = "",
              accessories: list[str] | None = None, version: int | None = None) -> Ticket:
    """The on-site engineer takes the unit to the bench: its condition and accessories are
    recorded and it gets a custody label, as a send-in unit does."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="take_away", version=version)
    _require_mode(ticket, Ticket.Mode.ONSITE)
    condition = clean_required(condition, field="condition", max_length=200)
    if accessories is None:
        accessories = []
    if not isinstance(accessories, list) or any(
            not isinstance(item, str) or not item.strip() or len(item) > 60
            for item in accessories) or len(accessories) > 30:
        raise ValidationFailed(_("Accessories: a list of short names."), field="accessories")
    if Custody.objects.filter(ticket=ticket).exists():
        raise Conflict("already_in_custody", _("The unit is already in our custody."))
    now = timezone.now()
    items = [item.strip() for item in accessories]
    custody = Custody.objects.create(
        ticket=ticket, condition=condition, accessories=items, location="in_transit",
        received_at=now, received_by=actor, taken_on_site=True,
        label=next_number(prefix="CU", period=f"{timezone.localdate(now):%Y%m%d}", width=4))
    return _finish(actor=actor, ticket=ticket, action="take_away", from_status=before, now=now,
                   fields=set(), data={"label": custody.label, "condition": condition,
                                       "accessories": items})


@transaction.atomic
def test(*, actor: User | None, ticket: Ticket, passed: bool = True, note: str = "",
         version: int | None = None) -> Ticket:
    """The unit is tested after the repair (a stage of its own, before sign-off). A failed
    test is recorded and leaves the stage open."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="test", version=version)
    if not isinstance(passed, bool):
        raise ValidationFailed(_("Must be true or false."), field="passed")
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 200}, field="note")
    if not passed and not note:
        raise ValidationFailed(_("Say what failed."), field="note")
    now = timezone.now()
    ticket.tested_at = now if passed else None
    ticket.test_note = note
    return _finish(actor=actor, ticket=ticket, action="test", from_status=before, now=now,
                   fields={"tested_at", "test_note"}, data={"passed": passed, "note": note})


@transaction.atomic
def no_fault_found(*, actor: User | None, ticket: Ticket, resolution: str = "",
                   version: int | None = None) -> Ticket:
    """The fault could not be reproduced: the job ends, nothing is exchanged or repaired,
    and a unit in our custody is sent back."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="no_fault_found",
                            version=version)
    if ticket.fault_reproduced:
        raise Conflict("fault_confirmed", _("The fault was reproduced at diagnosis."))
    now = timezone.now()
    billing = _billing()
    _need(billing, "require_approved")(ticket=ticket)
    charge = _need(billing, "post_charges")(actor=actor, ticket=ticket)
    ticket.no_fault_found = True
    ticket.resolution = resolution or _("No fault found; the unit is sent back.")
    fields = _settle_resolution(ticket, now) | {"no_fault_found", "resolution"}
    in_custody = Custody.objects.filter(ticket=ticket).exists()
    if in_custody:
        notifications.notify_send_in(ticket, "repaired")
    return _finish(actor=actor, ticket=ticket, action="no_fault_found", from_status=before,
                   now=now, fields=fields,
                   data={"resolution": ticket.resolution, "send_back": in_custody,
                         "charge": getattr(charge, "pk", None)})


def _require_confirmed(ticket: Ticket, option: str) -> None:
    if not ticket.fault_reproduced:
        raise Conflict("fault_not_confirmed", _("The fault must be reproduced at diagnosis "
                                                "first."))
    if option not in (ticket.warranty_options or []):
        raise Conflict("not_entitled", _("The warranty decision does not offer this."))


@transaction.atomic
def exchange(*, actor: User | None, ticket: Ticket, new_serial: str = "",
             new_imei: str | None = None, accessory: str = "",
             version: int | None = None) -> Ticket:
    """换货 of only the faulty item (the handset, or the one accessory): the fault must have
    been reproduced and the warranty decision must offer the exchange."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="exchange", version=version)
    if ticket.device_id is None:
        raise Conflict("no_device", _("The ticket has no unit."))
    _require_confirmed(ticket, "exchange")
    now = timezone.now()
    record = exchange_unit(actor=actor, device=Device.objects.get(pk=ticket.device_id),
                           on=timezone.localdate(now), new_serial=new_serial,
                           new_imei=new_imei, accessory_sku=(accessory or "").strip(),
                           reference=ticket.number)
    return _finish(actor=actor, ticket=ticket, action="exchange", from_status=before, now=now,
                   fields=set(), data={
                       "exchange": record.pk, "accessory": record.item_sku,
                       "new_serial": record.new_device.serial if record.new_device else "",
                       "new_imei": (record.new_device.imei or "") if record.new_device else "",
                       "periods_from": record.exchanged_on.isoformat()})


@transaction.atomic
def return_unit(*, actor: User | None, ticket: Ticket, amount, method: str, note: str = "",
                version: int | None = None) -> Ticket:
    """退货: the fault reproduced, the decision offers the return; the invoice price is
    refunded as a refund entry in the ledger."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="return_unit", version=version)
    _require_confirmed(ticket, "return")
    entry = _need(_billing(), "refund_return")(actor=actor, ticket=ticket, amount=amount,
                                                method=method, note=note)
    return _finish(actor=actor, ticket=ticket, action="return_unit", from_status=before,
                   now=timezone.now(), fields=set(),
                   data={"refund": entry.pk, "amount": f"{-entry.amount:.2f}",
                         "method": entry.method})


@transaction.atomic
def mark_misdiagnosis(*, actor: User | None, ticket: Ticket, trip_no: int,
                      version: int | None = None) -> Ticket:
    """A trip caused by our own misdiagnosis (误判由我方承担): the engineer or a manager marks
    it and the trip is not charged (its lines stay on the quote at 0.00)."""
    ticket, before = _begin(actor=actor, ticket=ticket, action="mark_misdiagnosis",
                            version=version)
    if isinstance(trip_no, bool) or not isinstance(trip_no, int):
        raise ValidationFailed(_("Name the trip by its number."), field="trip_no")
    visit = Visit.objects.select_for_update().filter(ticket=ticket, trip_no=trip_no,
                                                     arrived_at__isnull=False).first()
    if visit is None:
        raise ValidationFailed(_("No such trip was made."), field="trip_no")
    if visit.misdiagnosis:
        raise Conflict("already_marked", _("This trip is already marked."))
    visit.misdiagnosis, visit.misdiagnosis_by = True, actor
    visit.save(update_fields=["misdiagnosis", "misdiagnosis_by"])
    return _finish(actor=actor, ticket=ticket, action="mark_misdiagnosis", from_status=before,
                   now=timezone.now(), fields=set(), data={"trip_no": trip_no})


ACTIONS = {
    "respond": respond, "assign": assign, "schedule_visit": schedule_visit,
    "approve_visit": approve_visit, "arrive": arrive, "depart": depart, "receive": receive,
    "ship_back": ship_back, "diagnose": diagnose, "quote": quote,
    "approve_quote": approve_quote, "reject_quote": reject_quote, "use_part": use_part,
    "hold": hold, "resume": resume, "escalate": escalate, "resolve": resolve,
    "sign_off": sign_off, "refuse_payment": refuse_payment, "callback": callback,
    "close": close, "cancel": cancel, "reopen": reopen,
    "contact": contact, "notify_late": notify_late, "take_away": take_away, "test": test,
    "no_fault_found": no_fault_found, "exchange": exchange, "return_unit": return_unit,
    "mark_misdiagnosis": mark_misdiagnosis,
}
assert set(ACTIONS) == set(workflow.ALLOWED), "every workflow action has a service"


# -- complaints and product feedback ------------------------------------------------------


@transaction.atomic
def update_complaint(*, actor: User, ticket: Ticket, cause: str | None = None,
                     handling: str | None = None, result: str | None = None,
                     owner: User | None = None, version: int | None = None) -> Complaint:
    """Fill the 顾客抱怨处理报告 of a complaint ticket (cause, handling, result, owner)."""
    require_role(actor, R.ADMIN, R.MANAGER, R.AGENT)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if version is not None and version != locked.version:
        raise Conflict("stale_version", _("The ticket was changed meanwhile; reload it."))
    if locked.kind != Ticket.Kind.COMPLAINT:
        raise Conflict("not_a_complaint", _("This ticket is not a complaint."))
    complaint, _created = Complaint.objects.select_for_update().get_or_create(ticket=locked)
    changed = {}
    for name, value in (("cause", cause), ("handling", handling), ("result", result)):
        if value is not None:
            setattr(complaint, name, value)
            changed[name] = value
    if owner is not None:
        complaint.owner = owner
        changed["owner"] = owner.pk
    complaint.save()
    now = timezone.now()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    events.record(ticket=locked, action="complaint_report", actor=actor, at=now,
                  from_status=locked.status, to_status=locked.status, data=changed)
    return complaint


@transaction.atomic
def send_product_feedback(*, actor: User, ticket: Ticket | None, title: str,
                          description: str, suggestion: str = "") -> ProductFeedback:
    """产品信息反馈单: recorded and marked sent to R&D (the outbox carries the message)."""
    require_role(actor, R.ADMIN, R.MANAGER, R.AGENT, R.ENGINEER)
    title = clean_required(title, field="title", max_length=200)
    description = clean_required(description, field="description")
    now = timezone.now()
    feedback = ProductFeedback.objects.create(
        number=next_number(prefix="PF", period=timezone.localdate(now).strftime("%Y%m"),
                           width=4),
        ticket=ticket, title=title, description=description, suggestion=suggestion or "",
        product_model=ticket.device.model if ticket and ticket.device_id else None,
        fault_code=ticket.fault_code if ticket else None,
        status=ProductFeedback.Status.SENT, sent_at=now, created_by=actor)
    if ticket is not None:
        events.record(ticket=ticket, action="product_feedback", actor=actor, at=now,
                      from_status=ticket.status, to_status=ticket.status,
                      data={"feedback": feedback.number})
    return feedback
