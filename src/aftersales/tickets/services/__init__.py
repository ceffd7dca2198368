"""Every write on tickets, by topic: intake, the trips (visits), the unit and the repair
(bench), pausing and ending a job (closing), complaint reports and feedback (followup).

Each workflow action locks the ticket row, runs the guard of `tickets.actions` (who, which
state, which mode, which facts), checks the version, does its work, appends an event and
bumps the version. `perform` runs any action from its parsed input: the API and the console
both call it, so an action is dispatched one way only."""
from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.catalog.selectors import get_fault_code, get_part
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.network.models import User
from aftersales.network.selectors import access_staff

from .. import actions
from ..models import Ticket
from .bench import (
    approve_quote,
    diagnose,
    exchange,
    no_fault_found,
    quote,
    receive,
    reject_quote,
    return_unit,
    ship_back,
    test,
    use_part,
)
from .closing import (
    callback,
    cancel,
    close,
    escalate,
    hold,
    refuse_payment,
    reopen,
    resolve,
    resume,
    sign_off,
)
from .dispatch import reject_dispatch
from .followup import send_product_feedback, update_complaint
from .intake import (
    INTAKE_ROLES,
    PHONE_VERIFIERS,
    attach_verified_booking,
    join_verified_phone,
    open_ticket,
    verify_booking_customer,
)
from .visits import (
    approve_dispatch,
    approve_visit,
    arrive,
    assign,
    contact,
    depart,
    mark_misdiagnosis,
    notify_late,
    request_visit,
    respond,
    schedule_visit,
    take_away,
)

ACTIONS = {
    "respond": respond, "assign": assign, "schedule_visit": schedule_visit,
    "request_visit": request_visit, "approve_visit": approve_visit, "arrive": arrive, "depart": depart, "receive": receive,
    "ship_back": ship_back, "diagnose": diagnose, "quote": quote,
    "approve_quote": approve_quote, "reject_quote": reject_quote, "use_part": use_part,
    "hold": hold, "resume": resume, "escalate": escalate, "resolve": resolve,
    "sign_off": sign_off, "refuse_payment": refuse_payment, "callback": callback,
    "close": close, "cancel": cancel, "reopen": reopen,
    "contact": contact, "notify_late": notify_late, "take_away": take_away, "test": test,
    "no_fault_found": no_fault_found, "exchange": exchange, "return_unit": return_unit,
    "mark_misdiagnosis": mark_misdiagnosis,
}
assert set(ACTIONS) == set(actions.SPECS), "every action of the spec has a service"


def _references(*, actor: User, action: str, data: actions.ActionIn) -> dict:
    """The schema's fields as the service's keyword arguments (ids and codes resolved)."""
    fields = data.model_dump(exclude={"version"})
    if action == "assign":
        try:
            fields["engineer"] = access_staff(actor=actor, user_id=data.engineer)
        except NotFound:
            raise ValidationFailed(_("Unknown value."), field="engineer") from None
        fields["override_reason"] = fields.pop("reason", "")
    elif action == "diagnose":
        fields["fault_code"] = get_fault_code(code=data.fault_code, field="fault_code")
        fields["part"] = get_part(sku=data.part, field="part") if data.part else None
    return fields


def perform(*, actor: User, ticket: Ticket, action: str, data: actions.ActionIn) -> Ticket:
    """Run `action` with its parsed input (see `actions.parse`)."""
    if action not in ACTIONS:
        raise ValidationFailed(_("Unknown action."), field="action")
    fields = _references(actor=actor, action=action, data=data)
    return ACTIONS[action](actor=actor, ticket=ticket, version=data.version, **fields)


__all__ = ["ACTIONS", "INTAKE_ROLES", "PHONE_VERIFIERS", "approve_dispatch", "approve_quote", "approve_visit",
           "arrive", "assign", "attach_verified_booking", "callback", "cancel", "close",
           "contact", "depart", "diagnose", "join_verified_phone", "verify_booking_customer",
           "escalate", "exchange", "hold", "mark_misdiagnosis", "no_fault_found", "notify_late",
           "open_ticket", "perform", "quote", "receive", "refuse_payment", "reject_dispatch",
           "request_visit",
           "reject_quote", "reopen", "resolve", "respond", "resume", "return_unit",
           "schedule_visit", "send_product_feedback", "ship_back", "sign_off", "take_away",
           "test", "update_complaint", "use_part"]
