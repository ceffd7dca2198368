"""Answering and dispatching a ticket and the engineer's trips: respond, assign, schedule,
allow another visit, check in and out."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.validation import clean_required
from aftersales.network.models import User
from aftersales.notifications.models import Alert
from aftersales.notifications.services import raise_alert

from .. import actions, appointments, clocks, dispatch_rules, notifications
from ..errors import TicketError as E
from ..models import Custody, DispatchApproval, FollowUp, Ticket, TicketPolicy, Visit
from .dispatch import decide, request_approval
from .flow import begin, finish

S, R = Ticket.Status, User.Role


@transaction.atomic
def respond(*, actor: User | None, ticket: Ticket, note: str = "",
            version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="respond", version=version)
    now = timezone.now()
    ticket.responded_at = now
    return finish(actor=actor, ticket=ticket, action="respond", from_status=before, now=now,
                  fields={"responded_at"}, data={"note": note or ""})


@transaction.atomic
def assign(*, actor: User | None, ticket: Ticket, engineer: User,
           version: int | None = None, override_reason: str = "",
           approval: DispatchApproval | None = None) -> Ticket:
    """Dispatch to an engineer. Handing a job from one engineer to another is a manager's.

    The network's rules apply (tickets/dispatch_rules.py): no new job for a point whose
    agreement lapsed; the engineer needs a valid certificate for the product category unless
    a manager overrides with a reason; at a point with a dispatch approval rule an on-site
    assignment waits: a pending DispatchApproval is recorded, its approver alerted, and the
    ticket is returned unassigned (services/dispatch.approve_dispatch assigns it)."""
    ticket, before = begin(actor=actor, ticket=ticket, action="assign", version=version)
    if engineer.role != R.ENGINEER or not engineer.is_active:
        raise ValidationFailed(_("Choose an active engineer."), field="engineer")
    if (ticket.service_point_id is not None and engineer.service_point_id is not None
            and engineer.service_point_id != ticket.service_point_id):
        raise ValidationFailed(_("The engineer works at another service point."),
                               field="engineer")
    if ticket.engineer_id == engineer.pk:
        raise Conflict(E.ALREADY_ASSIGNED, _("The job is already this engineer's."))
    dispatch_rules.check_new_job(service_point_id=ticket.service_point_id)
    if approval is not None:
        override_reason = approval.override_reason
    rule_data = dispatch_rules.check_engineer(
        ticket=ticket, engineer=engineer, override_reason=override_reason,
        may_override=actions.is_manager(actor) or approval is not None)
    approver = dispatch_rules.approver_for(ticket)
    if approver is not None and approval is None and (actor is None or actor.pk != approver.pk):
        request_approval(actor=actor, ticket=ticket, engineer=engineer, approver=approver,
                         override_reason=rule_data.get("certificate_override", ""))
        return ticket
    previous = ticket.engineer_id
    ticket.engineer = engineer
    fields = {"engineer"}
    if ticket.status in (S.NEW, S.RESPONDED):
        ticket.status = S.ASSIGNED
    elif ticket.status == S.ON_HOLD and ticket.status_before_hold in (S.NEW, S.RESPONDED):
        ticket.status_before_hold = S.ASSIGNED
        fields.add("status_before_hold")
    Visit.objects.filter(ticket=ticket, arrived_at__isnull=True).update(engineer=engineer)
    data = {"engineer": engineer.pk, "previous": previous, **rule_data}
    if approval is not None:
        data["approved_by"] = approval.approver_id
    return finish(actor=actor, ticket=ticket, action="assign", from_status=before,
                  now=timezone.now(), fields=fields, data=data)


def check_appointment(*, ticket: Ticket, at, now=None) -> None:
    """422 with the rule's code (tickets/appointments.py) when `at` cannot be booked: in
    the past, too far ahead, or outside the serving point's working days and hours."""
    local_year = timezone.localtime(at).year
    refused = appointments.refusal(
        at=at, now=now or timezone.now(),
        hours=clocks.working_hours(service_point_id=ticket.service_point_id),
        calendar=clocks.load_calendar(years=range(local_year, local_year + 1)))
    if refused is not None:
        code, message = refused
        raise ValidationFailed(message, field="at", code=code)


def _planned_visit(ticket: Ticket) -> Visit | None:
    return (Visit.objects.filter(ticket=ticket, arrived_at__isnull=True)
            .order_by("-trip_no").first())


@transaction.atomic
def schedule_visit(*, actor: User | None, ticket: Ticket, at, version: int | None = None
                   ) -> Ticket:
    """The appointment agreed with the customer (a planned visit; check-in starts it)."""
    ticket, before = begin(actor=actor, ticket=ticket, action="schedule_visit",
                           version=version)
    now = timezone.now()
    if at is None or at.tzinfo is None:
        raise ValidationFailed(_("Give the time with its offset."), field="at")
    check_appointment(ticket=ticket, at=at, now=now)
    visit = _planned_visit(ticket)
    if visit is None:
        visit = Visit.objects.create(ticket=ticket, trip_no=actions.next_trip_no(ticket),
                                     scheduled_at=at,
                                     engineer=ticket.engineer)
    else:
        visit.scheduled_at = at
        visit.save(update_fields=["scheduled_at"])
    notifications.notify_appointment(ticket, visit)
    return finish(actor=actor, ticket=ticket, action="schedule_visit", from_status=before,
                  now=now, fields=set(), data={"at": at.isoformat(), "trip_no": visit.trip_no})


@transaction.atomic
def request_visit(*, actor: User | None, ticket: Ticket, reason: str = "",
                  version: int | None = None) -> Ticket:
    """The engineer (or the desk) asks for a visit past the policy's limit: the reason goes
    on the ticket and the point's managers get one alert per trip, closed by approve_visit."""
    ticket, before = begin(actor=actor, ticket=ticket, action="request_visit",
                           version=version)
    reason = clean_required(reason, field="reason", max_length=500)
    trip = actions.next_trip_no(ticket)
    raise_alert(kind=Alert.Kind.VISIT_APPROVAL, ticket=ticket, for_role=Alert.Role.MANAGER,
                key=str(trip),
                message=_("Ticket %(number)s: visit %(n)d waits for a manager's approval "
                          "(%(reason)s).") % {"number": ticket.number, "n": trip,
                                              "reason": reason})
    return finish(actor=actor, ticket=ticket, action="request_visit", from_status=before,
                  now=timezone.now(), fields=set(), data={"trip_no": trip, "reason": reason})


@transaction.atomic
def approve_visit(*, actor: User | None, ticket: Ticket, version: int | None = None) -> Ticket:
    """A manager allows one more visit beyond the policy's limit (and the request's alert,
    if the engineer asked, is closed by it)."""
    ticket, before = begin(actor=actor, ticket=ticket, action="approve_visit",
                           version=version)
    ticket.extra_visits_allowed += 1
    Alert.objects.filter(kind=Alert.Kind.VISIT_APPROVAL, ticket=ticket,
                         acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor)
    return finish(actor=actor, ticket=ticket, action="approve_visit", from_status=before,
                  now=timezone.now(), fields={"extra_visits_allowed"},
                  data={"extra_visits_allowed": ticket.extra_visits_allowed})


@transaction.atomic
def arrive(*, actor: User | None, ticket: Ticket, version: int | None = None) -> Ticket:
    """Check-in on site: starts a visit (the planned one, else a new trip)."""
    ticket, before = begin(actor=actor, ticket=ticket, action="arrive", version=version)
    visit = _planned_visit(ticket)
    trip_no = visit.trip_no if visit else actions.next_trip_no(ticket)
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
    return finish(actor=actor, ticket=ticket, action="arrive", from_status=before, now=now,
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
    ticket, before = begin(actor=actor, ticket=ticket, action="depart", version=version)
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
    visit = _open_visit(ticket)  # the guard saw one; the lock keeps it
    visit.departed_at, visit.outcome, visit.note = now, outcome, (note or "")[:200]
    visit.save(update_fields=["departed_at", "outcome", "note"])
    data = {"trip_no": visit.trip_no, "outcome": outcome}
    if absent:
        planned = Visit.objects.create(ticket=ticket, trip_no=actions.next_trip_no(ticket),
                                       scheduled_at=at, engineer=ticket.engineer)
        notifications.notify_appointment(ticket, planned)
        ticket.status = S.SCHEDULED
        data["new_appointment"] = at.isoformat()
    elif ticket.status == S.ON_SITE:
        ticket.status = S.IN_REPAIR if outcome == Visit.Outcome.FIXED else S.ASSIGNED
    data["trips"] = (Visit.objects.filter(ticket=ticket, arrived_at__isnull=False)
                     .exclude(outcome=Visit.Outcome.CUSTOMER_ABSENT).count())
    return finish(actor=actor, ticket=ticket, action="depart", from_status=before, now=now,
                  fields=set(), data=data)


def settle_resolution(ticket: Ticket, now) -> set[str]:
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
def approve_dispatch(*, actor: User, approval: DispatchApproval, note: str = ""
                     ) -> DispatchApproval:
    """The approver lets the waiting on-site assignment go ahead: the ticket is assigned."""
    locked = decide(actor=actor, approval=approval, status=DispatchApproval.Status.APPROVED,
                    note=note)
    assign(actor=actor, ticket=locked.ticket, engineer=locked.engineer, approval=locked)
    return locked


# -- issue 10: the promised contact and the field's duties ----------------------------------


@transaction.atomic
def contact(*, actor: User | None, ticket: Ticket, note: str = "", answered: bool = False,
            version: int | None = None) -> Ticket:
    """The engineer's promised call-back (the "contacted" stage): the first contact meets
    the call-back clock; a contact with a reply (`note`) meets the engineer's-first-reply
    clock; `answered` says the customer's problem was answered (severe-problem clock)."""
    ticket, before = begin(actor=actor, ticket=ticket, action="contact", version=version)
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
    return finish(actor=actor, ticket=ticket, action="contact", from_status=before, now=now,
                  fields=fields, data={"note": note, "answered": answered})


@transaction.atomic
def notify_late(*, actor: User | None, ticket: Ticket, minutes: int,
                version: int | None = None) -> Ticket:
    """The engineer will be late: the customer is told before the appointment time."""
    ticket, before = begin(actor=actor, ticket=ticket, action="notify_late", version=version)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 600:
        raise ValidationFailed(_("Minutes late: a whole number from 1 to 600."),
                               field="minutes")
    visit = _planned_visit(ticket)
    if visit is None or visit.scheduled_at is None:
        raise Conflict(E.NO_APPOINTMENT, _("There is no appointment to be late for."))
    now = timezone.now()
    if now >= visit.scheduled_at:
        raise Conflict(E.APPOINTMENT_PASSED, _("The appointment time has passed: the "
                                               "customer must be told before it."))
    visit.late_notice_at = now
    visit.save(update_fields=["late_notice_at"])
    notifications.notify_late_engineer(ticket, visit, minutes=minutes)
    return finish(actor=actor, ticket=ticket, action="notify_late", from_status=before,
                  now=now, fields=set(), data={"trip_no": visit.trip_no, "minutes": minutes})


@transaction.atomic
def take_away(*, actor: User | None, ticket: Ticket, condition: str = "",
              accessories: list[str] | None = None, version: int | None = None) -> Ticket:
    """The on-site engineer takes the unit to the bench: its condition and accessories are
    recorded and it gets a custody label, as a send-in unit does."""
    ticket, before = begin(actor=actor, ticket=ticket, action="take_away", version=version)
    condition = clean_required(condition, field="condition", max_length=200)
    if accessories is None:
        accessories = []
    if not isinstance(accessories, list) or any(
            not isinstance(item, str) or not item.strip() or len(item) > 60
            for item in accessories) or len(accessories) > 30:
        raise ValidationFailed(_("Accessories: a list of short names."), field="accessories")
    now = timezone.now()
    items = [item.strip() for item in accessories]
    custody = Custody.objects.create(
        ticket=ticket, condition=condition, accessories=items, location="in_transit",
        received_at=now, received_by=actor, taken_on_site=True,
        label=next_number(prefix="CU", period=f"{timezone.localdate(now):%Y%m%d}", width=4))
    return finish(actor=actor, ticket=ticket, action="take_away", from_status=before, now=now,
                  fields=set(), data={"label": custody.label, "condition": condition,
                                      "accessories": items})


@transaction.atomic
def mark_misdiagnosis(*, actor: User | None, ticket: Ticket, trip_no: int,
                      version: int | None = None) -> Ticket:
    """A trip caused by our own misdiagnosis (误判由我方承担): the engineer or a manager marks
    it and the trip is not charged (its lines stay on the quote at 0.00)."""
    ticket, before = begin(actor=actor, ticket=ticket, action="mark_misdiagnosis",
                           version=version)
    if isinstance(trip_no, bool) or not isinstance(trip_no, int):
        raise ValidationFailed(_("Name the trip by its number."), field="trip_no")
    visit = Visit.objects.select_for_update().filter(ticket=ticket, trip_no=trip_no,
                                                     arrived_at__isnull=False).first()
    if visit is None:
        raise ValidationFailed(_("No such trip was made."), field="trip_no")
    if visit.misdiagnosis:
        raise Conflict(E.ALREADY_MARKED, _("This trip is already marked."))
    visit.misdiagnosis, visit.misdiagnosis_by = True, actor
    visit.save(update_fields=["misdiagnosis", "misdiagnosis_by"])
    return finish(actor=actor, ticket=ticket, action="mark_misdiagnosis", from_status=before,
                  now=timezone.now(), fields=set(), data={"trip_no": trip_no})
