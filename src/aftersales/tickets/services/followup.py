"""Complaint reports (顾客抱怨处理报告) and product feedback to R&D (产品信息反馈单)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict
from aftersales.core.numbering import next_number
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_required
from aftersales.network.models import User

from .. import events
from ..errors import TicketError as E
from ..models import Complaint, ProductFeedback, Ticket

R = User.Role


@transaction.atomic
def update_complaint(*, actor: User, ticket: Ticket, cause: str | None = None,
                     handling: str | None = None, result: str | None = None,
                     owner: User | None = None, version: int | None = None) -> Complaint:
    """Fill the 顾客抱怨处理报告 of a complaint ticket (cause, handling, result, owner)."""
    require_role(actor, R.ADMIN, R.MANAGER, R.AGENT)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if version is not None and version != locked.version:
        raise Conflict(E.STALE_VERSION, _("The ticket was changed meanwhile; reload it."))
    if locked.kind != Ticket.Kind.COMPLAINT:
        raise Conflict(E.NOT_A_COMPLAINT, _("This ticket is not a complaint."))
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
