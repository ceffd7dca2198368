"""The network's rules the ticket workflow asks before a job moves (plain imports downward):

* a point whose cooperation agreement lapsed receives no new jobs (409 agreement_lapsed);
* an engineer takes a job of a product category that needs certification (a qualification
  requirement lists it) only with a valid certificate for it, or when a manager overrides
  with a reason (409 not_certified; the override is in the event);
* an on-site assignment at a point with a dispatch approval rule waits for the approver.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict
from aftersales.network import routing
from aftersales.network.errors import NetworkCode
from aftersales.network.models import User
from aftersales.network.selectors import (
    certification_required,
    certified_categories,
    check_agreement,
    dispatch_approver,
)

from .models import Ticket


def check_new_job(*, service_point_id: int | None) -> None:
    check_agreement(service_point_id=service_point_id, on=timezone.localdate())


def category_of(ticket: Ticket) -> str:
    return ticket.device.model.category if ticket.device_id else ""


def check_engineer(*, ticket: Ticket, engineer: User, override_reason: str = "",
                   may_override: bool) -> dict:
    """The certificate check of an assignment; answers the event data it adds."""
    category = category_of(ticket)
    verdict = routing.assignment_check(
        category=category, certified=certified_categories(engineer, timezone.localdate()),
        required=certification_required(), override_reason=override_reason, may_override=may_override)
    if verdict == routing.NOT_CERTIFIED:
        message = _("%(name)s holds no valid certificate for %(category)s.") % {
            "name": engineer.display_name, "category": category}
        if may_override:
            message += " " + _("A manager may override with a reason.")
        raise Conflict(NetworkCode.NOT_CERTIFIED, message, field="engineer")
    if verdict == routing.OVERRIDDEN:
        return {"certificate_override": override_reason.strip(), "category": category}
    return {}


def approver_for(ticket: Ticket) -> User | None:
    """The person an on-site assignment of this ticket waits for, or None."""
    if ticket.mode != Ticket.Mode.ONSITE:
        return None
    return dispatch_approver(service_point_id=ticket.service_point_id, ticket_kind=ticket.kind)
