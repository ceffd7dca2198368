"""Fee disputes (PRODUCT.md "The organisation around the service"): a disputed charge is
a case of its own; a manager upholds it, reduces it with a reason, or waives it. The
ledger shows the reduction as an adjustment; the charge itself is never edited."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import require_role
from aftersales.network.models import User

from . import liability, selectors
from .amounts import parse_amount
from .field_errors import FieldMoneyCode
from .models import Charge, FeeDispute, LedgerEntry
from .services import _update_block

OPENERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT, User.Role.FINANCE,
           User.Role.ENGINEER)
DECIDERS = (User.Role.ADMIN, User.Role.MANAGER)
DECISIONS = ("upheld", "reduced", "waived")


def _charged(charge: Charge):
    return to_money(sum((e.amount for e in charge.entries.all()
                         if e.kind in selectors.CHARGED_KINDS), ZERO))


@transaction.atomic
def open_dispute(*, actor: User, charge: Charge, complaint: str) -> FeeDispute:
    require_role(actor, *OPENERS)
    complaint = (complaint or "").strip()
    if not complaint:
        raise ValidationFailed(_("Say what the customer disputes."), field="complaint")
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if _charged(charge) <= 0:
        raise Conflict(FieldMoneyCode.NOTHING_CHARGED, _("Nothing is charged on this."), field="ticket")
    if FeeDispute.objects.filter(charge=charge, status=FeeDispute.Status.OPEN).exists():
        raise Conflict(FieldMoneyCode.DISPUTE_OPEN, _("This charge is disputed already."), field="ticket")
    try:
        with transaction.atomic():
            return FeeDispute.objects.create(charge=charge, customer_id=charge.customer_id,
                                             complaint=complaint[:500], created_by=actor)
    except IntegrityError:
        raise Conflict(FieldMoneyCode.DISPUTE_OPEN, _("This charge is disputed already."),
                       field="ticket") from None


@transaction.atomic
def decide_dispute(*, actor: User, dispute: FeeDispute, decision: str, amount=None,
                   reason: str = "") -> FeeDispute:
    """upheld: the charge stands; reduced: an adjustment of minus `amount` (at most what
    was charged), with a reason; waived: an adjustment of minus everything charged, with
    a reason. Money paid above the new total is the customer's credit (a refund)."""
    require_role(actor, *DECIDERS)
    if decision not in DECISIONS:
        raise ValidationFailed(_("Decide upheld, reduced or waived."), field="decision")
    reason = (reason or "").strip()
    if decision != "upheld" and not reason:
        raise ValidationFailed(_("Give the reason for the decision."), field="reason")
    charge = Charge.objects.select_for_update().get(pk=dispute.charge_id)
    dispute = FeeDispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != FeeDispute.Status.OPEN:
        raise Conflict(FieldMoneyCode.DISPUTE_DECIDED, _("This dispute is decided already."))
    charged = _charged(charge)
    if decision == "reduced":
        if amount is None:
            raise ValidationFailed(_("This field is required."), field="amount")
        reduction = parse_amount(amount, field="amount")
        if reduction > charged:
            raise ValidationFailed(
                _("The reduction is more than the %(charged)s charged.")
                % {"charged": f"{charged:.2f}"}, field="amount", code=FieldMoneyCode.EXCEEDS_CHARGED)
    elif decision == "waived":
        reduction = charged
    else:
        reduction = ZERO
    dispute.status = decision
    dispute.reason = reason[:200]
    dispute.decided_at = timezone.now()
    dispute.decided_by = actor
    dispute.reduced_by = reduction
    if reduction > 0:
        dispute.adjustment = LedgerEntry.objects.create(
            charge=charge, customer_id=charge.customer_id, kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=-reduction, created_by=actor,
            note=(_("Fee dispute: %(reason)s") % {"reason": reason})[:200])
    dispute.save()
    if reduction > 0:
        liability.clear_paid_liabilities(actor=actor, charge=charge)
        _update_block(actor=actor, customer_id=charge.customer_id)
    return dispute
