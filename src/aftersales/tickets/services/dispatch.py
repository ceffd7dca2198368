"""Dispatch approval: an on-site assignment at a point with the network's approval rule
waits for the department head. `assign` (services/visits.py) records the request here; the
approver's decision is `approve_dispatch` (which assigns) or `reject_dispatch`."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, Forbidden
from aftersales.network.models import User
from aftersales.notifications.models import Alert
from aftersales.notifications.services import raise_alert

from .. import events
from ..errors import TicketError as E
from ..models import DispatchApproval, Ticket


def request_approval(*, actor: User | None, ticket: Ticket, engineer: User, approver: User,
                     override_reason: str) -> DispatchApproval:
    """Record the waiting assignment, note it on the ticket and alert the approver."""
    if DispatchApproval.objects.filter(ticket=ticket,
                                       status=DispatchApproval.Status.PENDING).exists():
        raise Conflict(E.APPROVAL_PENDING,
                       _("An assignment of this ticket is already waiting for approval."))
    request = DispatchApproval.objects.create(ticket=ticket, engineer=engineer,
                                              approver=approver, requested_by=actor,
                                              override_reason=override_reason)
    events.record(ticket=ticket, action="dispatch_requested", actor=actor, at=timezone.now(),
                  from_status=ticket.status, to_status=ticket.status,
                  data={"engineer": engineer.pk, "approver": approver.pk,
                        "approval": request.pk})
    raise_alert(kind=Alert.Kind.DISPATCH_APPROVAL, ticket=ticket, for_role=Alert.Role.MANAGER,
                for_user=approver, key=str(request.pk),
                message=_("Ticket %(number)s: on-site assignment to %(engineer)s waits for "
                          "your approval.") % {"number": ticket.number,
                                               "engineer": engineer.display_name})
    return request


def decide(*, actor: User, approval: DispatchApproval, status: str,
           note: str) -> DispatchApproval:
    """Lock the request, check the approver, record the decision, close the alert."""
    locked = (DispatchApproval.objects.select_for_update().select_related("ticket", "engineer")
              .get(pk=approval.pk))
    if actor.pk != locked.approver_id and not actor.is_superuser:
        raise Forbidden(_("Only the approver decides this dispatch."),
                        code=E.NOT_THE_APPROVER)
    if locked.status != DispatchApproval.Status.PENDING:
        raise Conflict(E.ALREADY_DECIDED, _("This dispatch was already decided."))
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decision_note = (note or "")[:500]
    locked.save(update_fields=["status", "decided_at", "decision_note"])
    Alert.objects.filter(kind=Alert.Kind.DISPATCH_APPROVAL, ticket=locked.ticket_id,
                         key=str(locked.pk), acknowledged_at__isnull=True).update(
        acknowledged_at=locked.decided_at, acknowledged_by=actor)
    return locked


@transaction.atomic
def reject_dispatch(*, actor: User, approval: DispatchApproval, note: str = ""
                    ) -> DispatchApproval:
    """The approver refuses: nothing is assigned, the ticket notes the rejection."""
    locked = decide(actor=actor, approval=approval, status=DispatchApproval.Status.REJECTED,
                    note=note)
    events.record(ticket=locked.ticket, action="dispatch_rejected", actor=actor,
                  at=locked.decided_at, from_status=locked.ticket.status,
                  to_status=locked.ticket.status,
                  data={"engineer": locked.engineer_id, "note": locked.decision_note})
    return locked
