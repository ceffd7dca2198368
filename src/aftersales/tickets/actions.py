"""One spec per ticket action: what it is called, who may run it, in which statuses and
service modes, where it leads and which input it takes. Everything else reads this table:
the services raise the guard's refusal, the API and the console list the actions the guard
lets through and parse their input into the same schema.

`refusal(ticket, action, actor)` is the guard. It answers from the ticket row and what the
detail read already holds (custody, visits, follow-ups), so a screen can ask it for every
action without a query per button, and the service asks the same function on the locked row.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import Field
from pydantic import ValidationError as PydanticError

from aftersales.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from aftersales.devices import warranty
from aftersales.network.models import User

from . import workflow
from .errors import TicketError as E
from .models import Custody, Ticket, TicketPolicy, Visit

S, M, R = Ticket.Status, Ticket.Mode, User.Role
ALL_MODES = frozenset(M.values)
VISIT_MODES = frozenset({M.ONSITE, M.REMOTE})
SEND_IN = frozenset({M.SEND_IN})
MANAGERS = (R.ADMIN, R.MANAGER, R.REGIONAL_MANAGER)


# -- the input of each action (the API body and the console form parse into these) ---------


class ActionIn(Schema):
    version: int | None = Field(None, description="the version the client saw; a stale one is "
                                                  "refused with 409 stale_version")


class NoteIn(ActionIn):
    note: str = Field("", max_length=500)


class ReasonIn(ActionIn):
    reason: str = Field("", max_length=500)


class AssignIn(ActionIn):
    engineer: int = Field(description="the engineer's user id")
    reason: str = Field("", max_length=500,
                        description="a manager's reason to assign an engineer without a valid "
                                    "certificate for the product category (else 409 "
                                    "not_certified); recorded in the event")


class ScheduleVisitIn(ActionIn):
    at: datetime = Field(description="the appointment, with its offset")


class DepartIn(ActionIn):
    outcome: Literal[tuple(v for v in Visit.Outcome.values if v)]  # type: ignore[valid-type]
    note: str = Field("", max_length=500)
    at: datetime | None = Field(None, description="customer_absent: the new appointment, "
                                                  "with its offset")


class ReceiveIn(ActionIn):
    condition: str = Field("", max_length=200)
    accessories: list[str] = Field(default_factory=list)
    location: str = Field("", max_length=60)


class ShipBackIn(ActionIn):
    carrier: str = Field("", max_length=40)
    tracking_no: str = Field("", max_length=60)


class DiagnoseIn(ActionIn):
    fault_code: str = Field(min_length=1, description="a fault code of the catalogue")
    findings: str = ""
    cause: Literal[warranty.CAUSES] = "none"  # type: ignore[valid-type]
    fault_kind: Literal["performance", "appearance", "accessory"] = "performance"
    part: str | None = Field(None, description="sku of the faulty part or accessory")
    evidence: dict[str, Any] | None = Field(
        None, description="the exchange evidence (as /warranty/check's `evidence`)")
    fault_reproduced: bool | None = Field(
        None, description="the fault was reproduced (an exchange or return needs it)")
    caused_by_repair: bool = Field(
        False, description="the engineer attributes the fault to our last repair")


class QuoteIn(ActionIn):
    lines: list[dict[str, Any]] | None = Field(None, description="kind, description, sku, qty, "
                                                                 "unit_price per line")
    transport: int = Field(0, ge=0, description="large-unit transports")


class UsePartIn(ActionIn):
    sku: str = Field(min_length=1)
    qty: int
    warehouse: int | None = None


class HoldIn(ActionIn):
    reason: str = Field(min_length=1, description="customer or parts")


class ResolveIn(ActionIn):
    resolution: str = ""


class SignOffIn(ActionIn):
    signed_by: str = Field(min_length=1, max_length=60)
    satisfaction: int | None = None
    signature: str = Field("", description="the customer's drawn signature: PNG as base64 "
                                           "or a data:image/png;base64 URL")


class CallbackIn(ActionIn):
    satisfaction: int
    comment: str = ""


class ContactIn(ActionIn):
    note: str = Field("", max_length=500, description="the reply given to the customer")
    answered: bool = Field(False, description="the customer's problem was answered")


class NotifyLateIn(ActionIn):
    minutes: int = Field(description="minutes the engineer will be late (told before the "
                                     "appointment)")


class TakeAwayIn(ActionIn):
    condition: str = Field("", max_length=200)
    accessories: list[str] = Field(default_factory=list)


class TestIn(ActionIn):
    passed: bool = Field(True, description="the unit passed its test after the repair")
    note: str = Field("", max_length=200)


class ExchangeIn(ActionIn):
    new_serial: str = Field("", max_length=40, description="the new unit's serial")
    new_imei: str | None = Field(None, max_length=20, description="the new unit's IMEI")
    accessory: str = Field("", max_length=40, description="the SKU of the one faulty "
                                                          "accessory instead of the unit")


class ReturnUnitIn(ActionIn):
    amount: str = Field(min_length=1, description="the invoice price refunded")
    method: str = Field(min_length=1, max_length=20, description="how it is refunded")
    note: str = Field("", max_length=500)


class MisdiagnosisIn(ActionIn):
    trip_no: int = Field(description="the trip caused by our misdiagnosis (not charged)")


# -- the spec --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: Promise
    roles: tuple[str, ...]  # besides admins and superusers; engineers only on their own jobs
    sources: frozenset[str]  # the statuses it may run in
    target: str  # a status or one of workflow's special targets
    schema: type[ActionIn] = ActionIn
    modes: frozenset[str] = ALL_MODES
    #: a fact of the ticket that must hold: returns the refusal or None
    fact: Callable[[Ticket, User | None], DomainError | None] | None = None


def _custody(ticket: Ticket) -> Custody | None:
    try:
        return ticket.custody
    except Custody.DoesNotExist:
        return None


def _visits(ticket: Ticket) -> list:
    return list(ticket.visits.all())


def is_manager(actor: User | None) -> bool:
    return actor is None or actor.is_superuser or actor.role in MANAGERS


def _not_received(ticket, actor):
    if ticket.mode == M.SEND_IN and _custody(ticket) is None:
        return Conflict(E.NOT_RECEIVED, _("Receive the unit before diagnosing it."))
    return None


def _already_received(ticket, actor):
    if _custody(ticket) is not None:
        return Conflict(E.ALREADY_RECEIVED, _("The unit is already in custody."))
    return None


def _not_taken(ticket, actor):
    if _custody(ticket) is not None:
        return Conflict(E.ALREADY_IN_CUSTODY, _("The unit is already in our custody."))
    return None


def _in_custody(ticket, actor):
    custody = _custody(ticket)
    if custody is None or custody.state != Custody.State.RECEIVED:
        return Conflict(E.NOT_IN_CUSTODY, _("The unit is not in our custody."))
    return None


def next_trip_no(ticket: Ticket) -> int:
    """The trip a schedule or a check-in would be: the planned visit's, else a new one."""
    visits = _visits(ticket)
    planned = [v for v in visits if v.arrived_at is None]
    if planned:
        return max(v.trip_no for v in planned)
    return len(visits) + 1


def _visit_limit(ticket, actor, *, schedule: bool = False):
    visits = _visits(ticket)
    if schedule and any(v.arrived_at is None for v in visits):
        return None  # moving the planned visit is not another trip
    trip_no = next_trip_no(ticket)
    allowed = TicketPolicy.current().max_visits + ticket.extra_visits_allowed
    if trip_no > allowed and not is_manager(actor):
        return Conflict(E.VISIT_LIMIT, _("Visit %(n)d for this ticket needs a manager's "
                                         "approval.") % {"n": trip_no})
    return None


def _beyond_visit_limit(ticket, actor):
    """Asking for another visit makes sense only when the next trip is past the limit."""
    allowed = TicketPolicy.current().max_visits + ticket.extra_visits_allowed
    if next_trip_no(ticket) <= allowed:
        return Conflict(E.VISIT_WITHIN_LIMIT, _("The next visit needs no approval."))
    return None


def _schedule_limit(ticket, actor):
    return _visit_limit(ticket, actor, schedule=True)


def _open_visit(ticket, actor):
    if not any(v.arrived_at is not None and v.departed_at is None for v in _visits(ticket)):
        return Conflict(E.NO_OPEN_VISIT, _("No visit is in progress."))
    return None


def _not_signed(ticket, actor):
    if ticket.signed_at is not None:
        return Conflict(E.ALREADY_SIGNED, _("The customer has already signed."))
    return None


def _callback_due(ticket, actor):
    if not any(f.done_at is None for f in ticket.follow_ups.all()):
        return Conflict(E.NO_CALLBACK_DUE, _("No callback is due on this ticket."))
    return None


def _reassign(ticket, actor):
    if ticket.engineer_id is not None and not is_manager(actor):
        return Forbidden(_("Only a manager may reassign a job."), code=E.REASSIGN_NEEDS_MANAGER)
    return None


#: Jobs whose unit is tested after the work, before the customer signs off.
TESTED_KINDS = (Ticket.Kind.REPAIR, Ticket.Kind.INSTALLATION, Ticket.Kind.MAINTENANCE)


def _tested(ticket, actor):
    if (ticket.tested_at is None and ticket.kind in TESTED_KINDS
            and not ticket.no_fault_found):
        return Conflict(E.NOT_TESTED, _("Test the unit after the repair before the customer "
                                        "signs."))
    return None


def _sign_off_facts(ticket, actor):
    return _not_signed(ticket, actor) or _tested(ticket, actor)


#: Facts read from the ticket row alone: asked even where the related rows are not loaded.
_ROW_FACTS = frozenset({_reassign, _not_signed, _sign_off_facts})


def _statuses(*names) -> frozenset[str]:
    return frozenset(names)


W = workflow
SPECS: dict[str, ActionSpec] = {spec.name: spec for spec in (
    ActionSpec("respond", gettext_lazy("Respond"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               _statuses(S.NEW), S.RESPONDED, NoteIn),
    ActionSpec("assign", gettext_lazy("Assign"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT),
               _statuses(S.NEW, S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.DIAGNOSED,
                         S.AWAITING_APPROVAL, S.IN_REPAIR, S.ON_HOLD),
               W.ASSIGNED_IF_NEW, AssignIn, fact=_reassign),
    ActionSpec("schedule_visit", gettext_lazy("Schedule visit"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               _statuses(S.ASSIGNED, S.SCHEDULED, S.DIAGNOSED, S.AWAITING_APPROVAL,
                         S.IN_REPAIR),
               S.SCHEDULED, ScheduleVisitIn, VISIT_MODES, fact=_schedule_limit),
    ActionSpec("request_visit", gettext_lazy("Ask for another visit"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               W.WORKING - {S.ON_SITE}, W.SAME, ReasonIn, VISIT_MODES, fact=_beyond_visit_limit),
    ActionSpec("approve_visit", gettext_lazy("Allow another visit"), MANAGERS,
               W.WORKING - {S.ON_SITE}, W.SAME, modes=VISIT_MODES),
    ActionSpec("arrive", gettext_lazy("Arrive"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.ASSIGNED, S.SCHEDULED, S.DIAGNOSED, S.IN_REPAIR), S.ON_SITE,
               modes=VISIT_MODES, fact=_visit_limit),
    ActionSpec("depart", gettext_lazy("Depart"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.ON_SITE, S.DIAGNOSED, S.AWAITING_APPROVAL, S.IN_REPAIR),
               W.BY_OUTCOME, DepartIn, VISIT_MODES, fact=_open_visit),
    ActionSpec("receive", gettext_lazy("Receive unit"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER, R.WAREHOUSE),
               _statuses(S.NEW, S.RESPONDED, S.ASSIGNED), W.RESPONDED_IF_NEW, ReceiveIn,
               SEND_IN, fact=_already_received),
    ActionSpec("ship_back", gettext_lazy("Ship back"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER, R.WAREHOUSE),
               W.FINAL, W.SAME, ShipBackIn, SEND_IN, fact=_in_custody),
    ActionSpec("diagnose", gettext_lazy("Diagnose"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.ON_SITE, S.DIAGNOSED),
               S.DIAGNOSED, DiagnoseIn, fact=_not_received),
    ActionSpec("quote", gettext_lazy("Quote"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               _statuses(S.DIAGNOSED, S.AWAITING_APPROVAL, S.IN_REPAIR, S.ON_SITE),
               W.BY_QUOTE, QuoteIn),
    ActionSpec("approve_quote", gettext_lazy("Customer approves quote"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER), _statuses(S.AWAITING_APPROVAL), S.IN_REPAIR),
    ActionSpec("reject_quote", gettext_lazy("Customer rejects quote"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER), _statuses(S.AWAITING_APPROVAL), S.RESOLVED),
    ActionSpec("use_part", gettext_lazy("Use part"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.ON_SITE, S.DIAGNOSED, S.IN_REPAIR), W.SAME, UsePartIn),
    ActionSpec("hold", gettext_lazy("Put on hold"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               W.WORKING, S.ON_HOLD, HoldIn),
    ActionSpec("resume", gettext_lazy("Resume"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               _statuses(S.ON_HOLD), W.RESUME, ReasonIn),
    ActionSpec("escalate", gettext_lazy("Escalate"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               W.OPEN, W.SAME, ReasonIn),
    ActionSpec("resolve", gettext_lazy("Resolve"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               _statuses(S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.ON_SITE, S.DIAGNOSED,
                         S.IN_REPAIR), S.RESOLVED, ResolveIn),
    ActionSpec("sign_off", gettext_lazy("Customer sign-off"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               _statuses(S.RESOLVED), W.SAME, SignOffIn, fact=_sign_off_facts),
    ActionSpec("refuse_payment", gettext_lazy("Payment refused"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.FINANCE), _statuses(S.RESOLVED, S.CLOSED), W.SAME, NoteIn),
    ActionSpec("callback", gettext_lazy("Callback"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT),
               _statuses(S.RESOLVED, S.CLOSED), W.SAME, CallbackIn, fact=_callback_due),
    ActionSpec("close", gettext_lazy("Close"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT), _statuses(S.RESOLVED),
               S.CLOSED, ReasonIn),
    ActionSpec("cancel", gettext_lazy("Cancel ticket"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT), W.OPEN,
               S.CANCELLED, ReasonIn),
    ActionSpec("reopen", gettext_lazy("Reopen"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT), W.FINAL, W.REOPENED,
               ReasonIn),
    # issue 10: the promised contact, the field's duties, 三包 exchange and return
    ActionSpec("contact", gettext_lazy("Customer contacted"), (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER),
               W.OPEN, W.SAME, ContactIn),
    ActionSpec("notify_late", gettext_lazy("Tell the customer I will be late"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.AGENT, R.ENGINEER), _statuses(S.ASSIGNED, S.SCHEDULED), W.SAME,
               NotifyLateIn, VISIT_MODES),
    ActionSpec("take_away", gettext_lazy("Take the unit away"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.ON_SITE, S.DIAGNOSED), W.SAME, TakeAwayIn, frozenset({M.ONSITE}),
               fact=_not_taken),
    ActionSpec("test", gettext_lazy("Tested after repair"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.ON_SITE, S.IN_REPAIR, S.RESOLVED), W.SAME, TestIn),
    ActionSpec("no_fault_found", gettext_lazy("No fault found"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.RESPONDED, S.ON_SITE, S.DIAGNOSED), S.RESOLVED, ResolveIn),
    ActionSpec("exchange", gettext_lazy("Exchange (三包)"), (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER),
               _statuses(S.DIAGNOSED, S.IN_REPAIR), W.SAME, ExchangeIn),
    ActionSpec("return_unit", gettext_lazy("Return and refund (三包)"), (R.MANAGER, R.REGIONAL_MANAGER),
               _statuses(S.DIAGNOSED, S.IN_REPAIR), W.SAME, ReturnUnitIn),
    ActionSpec("mark_misdiagnosis", gettext_lazy("Trip caused by our misdiagnosis"),
               (R.MANAGER, R.REGIONAL_MANAGER, R.ENGINEER), W.OPEN, W.SAME, MisdiagnosisIn),
)}

ACTIONS = tuple(SPECS)
LABELS = {name: spec.label for name, spec in SPECS.items()}


# -- the guard -------------------------------------------------------------------------------


def role_refusal(ticket: Ticket, action: str, actor: User | None) -> DomainError | None:
    """Who: the role may run the action, an engineer only on their own job."""
    if actor is None or actor.is_superuser or actor.role == R.ADMIN:
        return None
    if actor.role not in SPECS[action].roles:
        if actor.role == R.ENGINEER and action in ("assign", "cancel"):
            return Forbidden(_("An engineer may not decline or hand over a job."),
                             code=E.ENGINEER_CANNOT_DECLINE)
        return Forbidden(_("Your role may not do this."), code=E.FORBIDDEN)
    if actor.role == R.ENGINEER and ticket.engineer_id != actor.pk:
        return Forbidden(_("This is not your job."), code=E.NOT_YOUR_JOB)
    return None


def refusal(ticket: Ticket, action: str, actor: User | None, *,
            facts: bool = True) -> DomainError | None:
    """Why `actor` may not run `action` on `ticket` now, or None when the service will take
    it (the input may still be refused). `facts=False` leaves out the facts that need the
    ticket's custody, visits and follow-ups (a list row's cheap hint; the ticket page and the
    services ask in full)."""
    spec = SPECS.get(action)
    if spec is None:
        return ValidationFailed(_("Unknown action."), field="action")
    error = role_refusal(ticket, action, actor)
    if error is not None:
        return error
    if ticket.status not in spec.sources:
        return Conflict(E.INVALID_TRANSITION,
                        _("“%(action)s” is not allowed while the ticket is %(status)s.")
                        % {"action": spec.label, "status": ticket.get_status_display()})
    if ticket.mode not in spec.modes:
        return Conflict(E.WRONG_MODE, _("Not possible for a ticket of this service mode."))
    if spec.fact is None or (not facts and spec.fact not in _ROW_FACTS):
        return None
    return spec.fact(ticket, actor)


def _on_offer(ticket: Ticket, spec: ActionSpec, actor: User | None) -> bool:
    """The guard's first three questions (role, status, mode) without building the refusal
    and its translated message: a list of 50 tickets asks them 1,600 times."""
    if actor is not None and not actor.is_superuser and actor.role != R.ADMIN:
        if actor.role not in spec.roles:
            return False
        if actor.role == R.ENGINEER and ticket.engineer_id != actor.pk:
            return False
    return ticket.status in spec.sources and ticket.mode in spec.modes


def available(ticket: Ticket, actor: User | None, *, facts: bool = True) -> list[str]:
    """The actions `actor` can run on `ticket` now: exactly those the guard lets through
    (the plainly impossible ones are passed over before the guard is asked)."""
    return [name for name, spec in SPECS.items()
            if _on_offer(ticket, spec, actor)
            and refusal(ticket, name, actor, facts=facts) is None]


# -- input -----------------------------------------------------------------------------------


#: What a missing choice is called (a blank select): the person picks, they do not type.
_PICK = {"engineer": gettext_lazy("Pick an engineer."),
         "fault_code": gettext_lazy("Pick a fault code.")}


def _message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    field = str((error.get("loc") or ("",))[0])
    if kind in ("missing", "string_too_short"):
        return str(_PICK.get(field, _("This field is required.")))
    if kind.startswith("int_") or kind == "int_type":
        return _("Enter a whole number.")
    if kind.startswith(("datetime", "date_")):
        return _("Enter a date and time.")
    if kind == "string_too_long":
        return _("At most %(n)d characters.") % {"n": context.get("max_length", 0)}
    if kind.startswith(("decimal", "float")):
        return _("Enter an amount.")
    return _("Unknown value.")


def as_validation_failed(exc: PydanticError) -> ValidationFailed:
    """A schema's refusal as the house's error: the first field, a translated message."""
    first = exc.errors()[0] if exc.errors() else {}
    parts = [str(p) for p in first.get("loc", ())]
    return ValidationFailed(_message(first), field=".".join(parts) or None)


def parse(action: str, data: dict[str, Any]) -> ActionIn:
    """The action's input from a mapping (an API body or a form turned into one)."""
    spec = SPECS.get(action)
    if spec is None:
        raise ValidationFailed(_("Unknown action."), field="action")
    try:
        return spec.schema.model_validate(data)
    except PydanticError as exc:
        raise as_validation_failed(exc) from None
