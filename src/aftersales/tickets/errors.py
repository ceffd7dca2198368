"""The codes a ticket refusal carries (the `code` of API.md's error shape). One enum, so a
code is written once and a client can rely on its spelling."""
from __future__ import annotations

from enum import StrEnum


class TicketError(StrEnum):
    # the action guard (tickets.actions.refusal): who, which state, which mode, which facts
    FORBIDDEN = "forbidden"
    NOT_YOUR_JOB = "not_your_job"
    ENGINEER_CANNOT_DECLINE = "engineer_cannot_decline"
    REASSIGN_NEEDS_MANAGER = "reassign_needs_manager"
    INVALID_TRANSITION = "invalid_transition"
    WRONG_MODE = "wrong_mode"
    NOT_RECEIVED = "not_received"
    ALREADY_RECEIVED = "already_received"
    NOT_IN_CUSTODY = "not_in_custody"
    NO_OPEN_VISIT = "no_open_visit"
    VISIT_LIMIT = "visit_limit"
    ALREADY_SIGNED = "already_signed"
    NO_CALLBACK_DUE = "no_callback_due"
    NOT_TESTED = "not_tested"
    VISIT_WITHIN_LIMIT = "visit_within_limit"
    # the rest: the request itself
    STALE_VERSION = "stale_version"
    ALREADY_ASSIGNED = "already_assigned"
    NOT_A_COMPLAINT = "not_a_complaint"
    # dispatch approval (network's rule): one request waits at a time, the approver decides
    APPROVAL_PENDING = "approval_pending"
    ALREADY_DECIDED = "already_decided"
    NOT_THE_APPROVER = "not_the_approver"
    INVALID = "invalid"
    # issue 10: the field's duties, 三包 exchange and return
    NO_APPOINTMENT = "no_appointment"
    APPOINTMENT_PASSED = "appointment_passed"
    ALREADY_IN_CUSTODY = "already_in_custody"
    FAULT_CONFIRMED = "fault_confirmed"
    FAULT_NOT_CONFIRMED = "fault_not_confirmed"
    NOT_ENTITLED = "not_entitled"
    NO_DEVICE = "no_device"
    ALREADY_MARKED = "already_marked"
    # attachments: a file over the configured size (TicketPolicy.attachment_max_mb)
    FILE_TOO_LARGE = "file_too_large"
    # an appointment (schedule_visit, the dispatch board): 422, field `at`
    APPOINTMENT_IN_PAST = "appointment_in_past"
    APPOINTMENT_TOO_FAR = "appointment_too_far"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"


#: The codes only the guard raises: a refusal the screen can know before anyone presses.
GUARD_CODES = frozenset({
    TicketError.FORBIDDEN, TicketError.NOT_YOUR_JOB, TicketError.ENGINEER_CANNOT_DECLINE,
    TicketError.REASSIGN_NEEDS_MANAGER, TicketError.INVALID_TRANSITION, TicketError.WRONG_MODE,
    TicketError.NOT_RECEIVED, TicketError.ALREADY_RECEIVED, TicketError.NOT_IN_CUSTODY,
    TicketError.NO_OPEN_VISIT, TicketError.VISIT_LIMIT, TicketError.ALREADY_SIGNED,
    TicketError.NO_CALLBACK_DUE, TicketError.NOT_TESTED, TicketError.ALREADY_IN_CUSTODY,
    TicketError.VISIT_WITHIN_LIMIT,
})
