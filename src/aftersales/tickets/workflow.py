"""The ticket state machine: ONE declarative table of which action may run in which status
and where it leads. Services consult it; nothing else changes `Ticket.status`."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import Ticket

S = Ticket.Status

#: Statuses in which the job is still open (SLA clocks may run, load counts).
OPEN = frozenset({S.NEW, S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.ON_SITE, S.DIAGNOSED,
                  S.AWAITING_APPROVAL, S.IN_REPAIR, S.ON_HOLD})
_WORKING = frozenset({S.NEW, S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.ON_SITE, S.DIAGNOSED,
                      S.AWAITING_APPROVAL, S.IN_REPAIR})

# Special targets, resolved by the service from the ticket's data.
SAME = "=same"  # status unchanged (the action records data only)
RESUME = "=resume"  # back to the status the ticket had before `hold`
BY_QUOTE = "=by_quote"  # awaiting_approval when the quote needs approval, else in_repair
BY_OUTCOME = "=by_outcome"  # depart: on_site -> in_repair (fixed) / assigned (revisit)
REOPENED = "=reopened"  # assigned when an engineer is set, else responded
ASSIGNED_IF_NEW = "=assigned_if_new"  # new/responded -> assigned; later statuses unchanged
RESPONDED_IF_NEW = "=responded_if_new"  # receive: a unit handed in answers a new request


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str


ALLOWED: dict[str, Rule] = {
    "respond": Rule(frozenset({S.NEW}), S.RESPONDED),
    "assign": Rule(frozenset({S.NEW, S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.DIAGNOSED,
                              S.AWAITING_APPROVAL, S.IN_REPAIR, S.ON_HOLD}), ASSIGNED_IF_NEW),
    "schedule_visit": Rule(frozenset({S.ASSIGNED, S.SCHEDULED, S.DIAGNOSED,
                                      S.AWAITING_APPROVAL, S.IN_REPAIR}), S.SCHEDULED),
    "approve_visit": Rule(_WORKING - {S.ON_SITE}, SAME),
    "arrive": Rule(frozenset({S.ASSIGNED, S.SCHEDULED, S.DIAGNOSED, S.IN_REPAIR}), S.ON_SITE),
    "depart": Rule(frozenset({S.ON_SITE, S.DIAGNOSED, S.AWAITING_APPROVAL, S.IN_REPAIR}),
                   BY_OUTCOME),
    "receive": Rule(frozenset({S.NEW, S.RESPONDED, S.ASSIGNED}), RESPONDED_IF_NEW),
    "ship_back": Rule(frozenset({S.RESOLVED, S.CLOSED, S.CANCELLED}), SAME),
    "diagnose": Rule(frozenset({S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.ON_SITE,
                                S.DIAGNOSED}), S.DIAGNOSED),
    "quote": Rule(frozenset({S.DIAGNOSED, S.AWAITING_APPROVAL, S.IN_REPAIR, S.ON_SITE}),
                  BY_QUOTE),
    "approve_quote": Rule(frozenset({S.AWAITING_APPROVAL}), S.IN_REPAIR),
    "reject_quote": Rule(frozenset({S.AWAITING_APPROVAL}), S.RESOLVED),
    "use_part": Rule(frozenset({S.ON_SITE, S.DIAGNOSED, S.IN_REPAIR}), SAME),
    "hold": Rule(_WORKING, S.ON_HOLD),
    "resume": Rule(frozenset({S.ON_HOLD}), RESUME),
    "escalate": Rule(OPEN, SAME),
    "resolve": Rule(frozenset({S.RESPONDED, S.ASSIGNED, S.SCHEDULED, S.ON_SITE, S.DIAGNOSED,
                               S.IN_REPAIR}), S.RESOLVED),
    "sign_off": Rule(frozenset({S.RESOLVED}), SAME),
    "refuse_payment": Rule(frozenset({S.RESOLVED, S.CLOSED}), SAME),
    "callback": Rule(frozenset({S.RESOLVED, S.CLOSED}), SAME),
    "close": Rule(frozenset({S.RESOLVED}), S.CLOSED),
    "cancel": Rule(OPEN, S.CANCELLED),
    "reopen": Rule(frozenset({S.RESOLVED, S.CLOSED, S.CANCELLED}), REOPENED),
    # issue 10: the promised contact, the field's duties, 三包 exchange and return
    "contact": Rule(OPEN, SAME),
    "notify_late": Rule(frozenset({S.ASSIGNED, S.SCHEDULED}), SAME),
    "take_away": Rule(frozenset({S.ON_SITE, S.DIAGNOSED}), SAME),
    "test": Rule(frozenset({S.ON_SITE, S.IN_REPAIR, S.RESOLVED}), SAME),
    "no_fault_found": Rule(frozenset({S.RESPONDED, S.ON_SITE, S.DIAGNOSED}), S.RESOLVED),
    "exchange": Rule(frozenset({S.DIAGNOSED, S.IN_REPAIR}), SAME),
    "return_unit": Rule(frozenset({S.DIAGNOSED, S.IN_REPAIR}), SAME),
    "mark_misdiagnosis": Rule(OPEN, SAME),
}

#: What each action is called on screens and in refusals.
ACTION_LABELS = {
    "respond": gettext_lazy("Respond"),
    "assign": gettext_lazy("Assign"),
    "schedule_visit": gettext_lazy("Schedule visit"),
    "approve_visit": gettext_lazy("Allow another visit"),
    "arrive": gettext_lazy("Arrive"),
    "depart": gettext_lazy("Depart"),
    "receive": gettext_lazy("Receive unit"),
    "ship_back": gettext_lazy("Ship back"),
    "diagnose": gettext_lazy("Diagnose"),
    "quote": gettext_lazy("Quote"),
    "approve_quote": gettext_lazy("Customer approves quote"),
    "reject_quote": gettext_lazy("Customer rejects quote"),
    "use_part": gettext_lazy("Use part"),
    "hold": gettext_lazy("Put on hold"),
    "resume": gettext_lazy("Resume"),
    "escalate": gettext_lazy("Escalate"),
    "resolve": gettext_lazy("Resolve"),
    "sign_off": gettext_lazy("Customer sign-off"),
    "refuse_payment": gettext_lazy("Payment refused"),
    "callback": gettext_lazy("Callback"),
    "close": gettext_lazy("Close"),
    "cancel": gettext_lazy("Cancel ticket"),
    "reopen": gettext_lazy("Reopen"),
    "contact": gettext_lazy("Customer contacted"),
    "notify_late": gettext_lazy("Tell the customer I will be late"),
    "take_away": gettext_lazy("Take the unit away"),
    "test": gettext_lazy("Tested after repair"),
    "no_fault_found": gettext_lazy("No fault found"),
    "exchange": gettext_lazy("Exchange (三包)"),
    "return_unit": gettext_lazy("Return and refund (三包)"),
    "mark_misdiagnosis": gettext_lazy("Trip caused by our misdiagnosis"),
}

ACTIONS = tuple(ALLOWED)


def can(ticket: Ticket, action: str) -> bool:
    rule = ALLOWED.get(action)
    return rule is not None and ticket.status in rule.sources


def available_actions(ticket: Ticket) -> list[str]:
    return [action for action in ACTIONS if can(ticket, action)]
