"""Claims at our cost (PRODUCT.md "In the field"; seed 000 §8.8, seed 002 5.10.2): a
customer's loss caused by our equipment, a fault caused by our defective supply or wrong
guidance, or a part that failed under its supplier's warranty. Once a manager approves,
the job is free for the customer (what was charged is adjusted away in the ledger, and
later charges price to zero) and the cost is booked to the claim."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.numbering import next_number
from aftersales.core.scoping import require_role
from aftersales.network.models import User

from . import liability, selectors
from .amounts import parse_amount
from .field_errors import FieldMoneyCode
from .models import Charge, Claim, LedgerEntry
from .services import _update_block

OPENERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.ENGINEER, User.Role.AGENT,
           User.Role.FINANCE, User.Role.WAREHOUSE)
DECIDERS = (User.Role.ADMIN, User.Role.MANAGER)


@transaction.atomic
def open_claim(*, actor: User, ticket, kind: str, description: str,
               cost=0) -> Claim:
    """Record the claim; it waits for a manager. One live claim per ticket."""
    require_role(actor, *OPENERS)
    if kind not in Claim.Kind.values:
        raise ValidationFailed(_("Unknown kind of claim."), field="kind")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(_("Describe what happened."), field="description")
    cost = parse_amount(cost, field="cost", positive=False)
    if cost < 0:
        raise ValidationFailed(_("The cost must not be negative."), field="cost")
    if Claim.objects.filter(ticket=ticket).exclude(status=Claim.Status.REJECTED).exists():
        raise Conflict(FieldMoneyCode.CLAIM_OPEN, _("This ticket has a claim already."), field="ticket")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            return Claim.objects.create(
                number=next_number(prefix="CL", period=f"{today:%Y%m}", width=4), kind=kind,
                ticket=ticket, customer_id=ticket.customer_id, description=description[:500],
                cost=cost, created_by=actor)
    except IntegrityError:
        raise Conflict(FieldMoneyCode.CLAIM_OPEN, _("This ticket has a claim already."),
                       field="ticket") from None


def _locked_pending(claim: Claim) -> Claim:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != Claim.Status.PENDING:
        raise Conflict(FieldMoneyCode.CLAIM_DECIDED, _("This claim is decided already."))
    return locked


@transaction.atomic
def approve_claim(*, actor: User, claim: Claim, cost=None, note: str = "") -> Claim:
    """The manager approves: what the ticket charged so far is adjusted away (the job is
    free) and booked to the claim with our cost; later charges of the ticket are zero."""
    require_role(actor, *DECIDERS)
    charge = Charge.objects.select_for_update().filter(ticket_id=claim.ticket_id).first()
    claim = _locked_pending(claim)
    if cost is not None:
        claim.cost = parse_amount(cost, field="cost", positive=False)
        if claim.cost < 0:
            raise ValidationFailed(_("The cost must not be negative."), field="cost")
    claim.status = Claim.Status.APPROVED
    claim.decided_at = timezone.now()
    claim.decided_by = actor
    claim.decision_note = (note or "")[:200]
    if charge is not None:
        charged = to_money(sum((e.amount for e in charge.entries.all()
                                if e.kind in selectors.CHARGED_KINDS), ZERO))
        if charged > 0:
            claim.adjustment = LedgerEntry.objects.create(
                charge=charge, customer_id=charge.customer_id,
                kind=LedgerEntry.Kind.ADJUSTMENT, amount=-charged, created_by=actor,
                note=(_("At our cost: claim %(number)s") % {"number": claim.number})[:200])
            claim.waived = charged
    claim.save()
    if charge is not None:
        liability.clear_paid_liabilities(actor=actor, charge=charge)
        _update_block(actor=actor, customer_id=charge.customer_id)
    return claim


@transaction.atomic
def reject_claim(*, actor: User, claim: Claim, note: str) -> Claim:
    require_role(actor, *DECIDERS)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Give the reason."), field="note")
    claim = _locked_pending(claim)
    claim.status = Claim.Status.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = actor
    claim.decision_note = note[:200]
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    return claim
