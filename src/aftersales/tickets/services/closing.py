"""Pausing, escalating and ending a job: hold, resume, escalate, resolve, the customer's
sign-off, refused payment, the callback, close, cancel and reopen."""
from __future__ import annotations

import base64
import binascii

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing import services as billing
from aftersales.core.errors import ValidationFailed
from aftersales.core.validation import clean_required
from aftersales.devices.services import record_repair
from aftersales.inventory import services as inventory
from aftersales.network.models import User

from .. import notifications
from ..models import Custody, FollowUp, Ticket, TicketEvent, TicketPause, Visit
from .flow import begin, finish
from .visits import settle_resolution

S = Ticket.Status
MAX_SIGNATURE_CHARS = 400_000  # base64 of a ~300 KB PNG: a drawn signature is far smaller


@transaction.atomic
def hold(*, actor: User | None, ticket: Ticket, reason: str, version: int | None = None
         ) -> Ticket:
    """Waiting for the customer or for parts: the SLA clocks stop."""
    ticket, before = begin(actor=actor, ticket=ticket, action="hold", version=version)
    if reason not in TicketPause.Reason.values:
        raise ValidationFailed(_("The reason is customer or parts."), field="reason")
    now = timezone.now()
    TicketPause.objects.create(ticket=ticket, reason=reason, started_at=now)
    ticket.status_before_hold, ticket.hold_reason = before, reason
    return finish(actor=actor, ticket=ticket, action="hold", from_status=before, now=now,
                  fields={"status_before_hold", "hold_reason"}, data={"reason": reason})


@transaction.atomic
def resume(*, actor: User | None, ticket: Ticket, reason: str = "",
           version: int | None = None) -> Ticket:
    """The clocks run again; their due times move by the business time the pause took."""
    ticket, before = begin(actor=actor, ticket=ticket, action="resume", version=version)
    now = timezone.now()
    pause = TicketPause.objects.filter(ticket=ticket, ended_at__isnull=True).first()
    paused_minutes = 0
    if pause is not None:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
        paused_minutes = int((now - pause.started_at).total_seconds() // 60)
    ticket.status = ticket.status_before_hold or S.RESPONDED
    ticket.status_before_hold, ticket.hold_reason = "", ""
    return finish(actor=actor, ticket=ticket, action="resume", from_status=before, now=now,
                  fields={"status_before_hold", "hold_reason"},
                  data={"reason": pause.reason if pause else "",
                        "paused_minutes": paused_minutes})


@transaction.atomic
def escalate(*, actor: User | None, ticket: Ticket, reason: str = "",
             version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="escalate", version=version)
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
    return finish(actor=actor, ticket=ticket, action="escalate", from_status=before, now=now,
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
    ticket, before = begin(actor=actor, ticket=ticket, action="resolve", version=version)
    billing.require_approved(ticket=ticket)
    now = timezone.now()
    charge = billing.post_charges(actor=actor, ticket=ticket)
    if ticket.device_id and ticket.kind == Ticket.Kind.REPAIR:
        record_repair(device=ticket.device, repaired_on=timezone.localdate(now),
                      fault_code=ticket.fault_code.code if ticket.fault_code_id else "",
                      part_sku=_last_part_sku(ticket), reference=ticket.number)
    ticket.resolution = resolution or ""
    fields = settle_resolution(ticket, now) | {"resolution"}
    if ticket.mode == Ticket.Mode.SEND_IN and Custody.objects.filter(ticket=ticket).exists():
        notifications.notify_send_in(ticket, "repaired")
    return finish(actor=actor, ticket=ticket, action="resolve", from_status=before, now=now,
                  fields=fields, data={"resolution": ticket.resolution,
                                       "charge": charge.pk if charge else None})


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
    ticket, before = begin(actor=actor, ticket=ticket, action="sign_off", version=version)
    signed_by = clean_required(signed_by, field="signed_by", max_length=60)
    satisfaction = _satisfaction(satisfaction)
    signature = _signature_png(signature)
    now = timezone.now()
    ticket.signed_by, ticket.signed_at, ticket.signature_png = signed_by, now, signature
    fields = {"signed_by", "signed_at", "signature_png"}
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
        fields.add("satisfaction")
    return finish(actor=actor, ticket=ticket, action="sign_off", from_status=before, now=now,
                  fields=fields, data={"signed_by": signed_by, "satisfaction": satisfaction,
                                       "signature": bool(signature)})


@transaction.atomic
def refuse_payment(*, actor: User | None, ticket: Ticket, note: str = "",
                   version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="refuse_payment",
                           version=version)
    billing.refuse_payment(actor=actor, ticket=ticket, note=note or "")
    ticket.payment_refused = True
    return finish(actor=actor, ticket=ticket, action="refuse_payment", from_status=before,
                  now=timezone.now(), fields={"payment_refused"}, data={"note": note or ""})


@transaction.atomic
def callback(*, actor: User | None, ticket: Ticket, satisfaction: int, comment: str = "",
             version: int | None = None) -> Ticket:
    """The follow-up call (回访): satisfaction 1-5 and the customer's comment."""
    ticket, before = begin(actor=actor, ticket=ticket, action="callback", version=version)
    satisfaction = _satisfaction(satisfaction)
    if satisfaction is None:
        raise ValidationFailed(_("Satisfaction is 1 to 5."), field="satisfaction")
    now = timezone.now()
    follow_up = (FollowUp.objects.select_for_update()
                 .filter(ticket=ticket, done_at__isnull=True).order_by("-due_at").first())
    follow_up.done_at, follow_up.done_by = now, actor
    follow_up.satisfaction, follow_up.comment = satisfaction, comment or ""
    follow_up.save(update_fields=["done_at", "done_by", "satisfaction", "comment"])
    ticket.satisfaction = satisfaction
    return finish(actor=actor, ticket=ticket, action="callback", from_status=before, now=now,
                  fields={"satisfaction"},
                  data={"satisfaction": satisfaction, "comment": comment or ""})


@transaction.atomic
def close(*, actor: User | None, ticket: Ticket, reason: str = "",
          version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="close", version=version)
    now = timezone.now()
    ticket.closed_at = now
    return finish(actor=actor, ticket=ticket, action="close", from_status=before, now=now,
                  fields={"closed_at"}, data={"reason": reason or ""})


@transaction.atomic
def cancel(*, actor: User | None, ticket: Ticket, reason: str = "",
           version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="cancel", version=version)
    now = timezone.now()
    TicketPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
    Visit.objects.filter(ticket=ticket, arrived_at__isnull=True).delete()
    returned = inventory.return_ticket_parts(actor=actor, ticket=ticket)
    ticket.closed_at = now
    ticket.status_before_hold, ticket.hold_reason = "", ""
    return finish(actor=actor, ticket=ticket, action="cancel", from_status=before, now=now,
                  fields={"closed_at", "status_before_hold", "hold_reason"},
                  data={"reason": reason or "", "parts_returned": len(returned)})


@transaction.atomic
def reopen(*, actor: User | None, ticket: Ticket, reason: str = "",
           version: int | None = None) -> Ticket:
    ticket, before = begin(actor=actor, ticket=ticket, action="reopen", version=version)
    now = timezone.now()
    returned = inventory.return_ticket_parts(actor=actor, ticket=ticket)
    ticket.status = S.ASSIGNED if ticket.engineer_id else S.RESPONDED
    ticket.resolved_at, ticket.closed_at = None, None
    ticket.resolve_due = None
    return finish(actor=actor, ticket=ticket, action="reopen", from_status=before, now=now,
                  fields={"resolved_at", "closed_at"},
                  data={"reason": reason or "", "parts_returned": len(returned)})

