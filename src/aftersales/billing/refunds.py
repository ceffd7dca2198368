"""Refunds: a return within the return days (the charge is reversed by the amount and the
money paid back) or an overpayment (money paid above the charge, e.g. after a dispute
reduced it). Requested by staff, booked in the ledger only when finance approves, with
its method and reference; never above what the customer paid."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.network.models import User

from . import field_selectors, liability
from .amounts import parse_amount
from .errors import BillingCode
from .field_errors import FieldMoneyCode
from .models import Charge, FieldMoneyPolicy, LedgerEntry, PaymentMethod, Refund
from .services import FINANCE, _update_block

REQUESTERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.FINANCE, User.Role.AGENT)
#: Who refunds a 三包 return (the ticket's return action: a manager decides it on the spot).
RETURN_BOOKERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER,
                  User.Role.FINANCE)


def _check_room(*, charge: Charge, reason: str, amount, excluding: int | None = None) -> None:
    room = field_selectors.refund_room(charge_id=charge.pk, excluding=excluding)
    if amount > room["paid"]:
        raise ValidationFailed(
            _("The refund is more than the %(paid)s paid.")
            % {"paid": f"{max(room['paid'], 0):.2f}"},
            field="amount", code=FieldMoneyCode.EXCEEDS_PAID)
    if reason == Refund.Reason.OVERPAYMENT and amount > room["credit"]:
        raise ValidationFailed(
            _("The refund is more than the %(credit)s overpaid.")
            % {"credit": f"{max(room['credit'], 0):.2f}"}, field="amount",
            code=FieldMoneyCode.EXCEEDS_OVERPAYMENT)
    if reason == Refund.Reason.RETURN and amount > room["charged"]:
        raise ValidationFailed(
            _("The refund is more than the %(charged)s charged.")
            % {"charged": f"{max(room['charged'], 0):.2f}"}, field="amount",
            code=FieldMoneyCode.EXCEEDS_CHARGED)
    if reason == Refund.Reason.RETURN:
        days = FieldMoneyPolicy.current().return_refund_days
        if timezone.localdate() > charge.resolved_on + timedelta(days=days):
            raise ValidationFailed(
                _("A return is refunded within %(days)d days.") % {"days": days},
                field="reason", code=FieldMoneyCode.RETURN_PERIOD_OVER)


@transaction.atomic
def request_refund(*, actor: User, charge: Charge, reason: str, amount, method: str,
                   reference: str = "", note: str = "") -> Refund:
    require_role(actor, *REQUESTERS)
    if reason not in Refund.Reason.values:
        raise ValidationFailed(_("Choose return or overpayment."), field="reason")
    if method not in PaymentMethod.values:
        raise ValidationFailed(_("Unknown payment method."), field="method")
    amount = parse_amount(amount, field="amount")
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    _check_room(charge=charge, reason=reason, amount=amount)
    return Refund.objects.create(charge=charge, customer_id=charge.customer_id, reason=reason,
                                 amount=amount, method=method,
                                 reference=(reference or "").strip()[:60],
                                 note=(note or "").strip()[:200], created_by=actor)


@transaction.atomic
def approve_refund(*, actor: User, refund: Refund, reference: str = "") -> Refund:
    """Finance pays it: a refund entry (method, reference) and, for a return, the charge
    reversed by the same amount, so the balance stays what it was."""
    require_role(actor, *FINANCE)
    charge = Charge.objects.select_for_update().get(pk=refund.charge_id)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status != Refund.Status.PENDING:
        raise Conflict(FieldMoneyCode.REFUND_DECIDED, _("This refund is decided already."))
    reference = (reference or refund.reference or "").strip()
    if not reference:
        raise ValidationFailed(_("Give the reference of the money paid back."),
                               field="reference")
    _check_room(charge=charge, reason=refund.reason, amount=refund.amount,
                excluding=refund.pk)
    _book(actor=actor, refund=refund, charge=charge, reference=reference)
    refund.reference = reference[:60]
    refund.status = Refund.Status.APPROVED
    refund.decided_at = timezone.now()
    refund.decided_by = actor
    refund.save()
    liability.clear_paid_liabilities(actor=actor, charge=charge)
    _update_block(actor=actor, customer_id=charge.customer_id)
    return refund


def _book(*, actor: User, refund: Refund, charge: Charge, reference: str) -> None:
    """The ledger rows of an approved refund: for a return the charge reversed by the
    amount, then the money paid back (positive, with its method and reference)."""
    if refund.reason == Refund.Reason.RETURN:
        refund.reversal = LedgerEntry.objects.create(
            charge=charge, customer_id=charge.customer_id, kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=-refund.amount, created_by=actor, reference=reference[:60],
            note=_("Return"))
    refund.entry = LedgerEntry.objects.create(
        charge=charge, customer_id=charge.customer_id, kind=LedgerEntry.Kind.REFUND,
        amount=refund.amount, method=refund.method, reference=reference[:60],
        note=refund.get_reason_display(), created_by=actor)


@transaction.atomic
def refund_return(*, actor: User, ticket, amount, method: str, note: str = "") -> Refund:
    """退货 under 三包: the invoice price is refunded to the customer, booked as an approved
    return refund is (the charge reversed by the amount and a refund entry with how it was
    paid out), on the ticket's charge row (made if the job has none yet). Once per ticket;
    a refusal books nothing."""
    require_role(actor, *RETURN_BOOKERS)
    if method not in PaymentMethod.values:
        raise ValidationFailed(_("Unknown payment method."), field="method")
    amount = parse_amount(amount, field="amount")
    charge = Charge.objects.select_for_update().filter(ticket=ticket).first()
    if charge is None:
        today = timezone.localdate()
        charge = Charge.objects.create(ticket=ticket, customer_id=ticket.customer_id,
                                       device_id=ticket.device_id, resolved_on=today,
                                       due_on=today)
    elif Refund.objects.filter(charge=charge, reason=Refund.Reason.RETURN,
                               status=Refund.Status.APPROVED).exists():
        raise Conflict(BillingCode.ALREADY_REFUNDED, _("The return is already refunded."))
    now = timezone.now()
    refund = Refund(charge=charge, customer_id=charge.customer_id, reason=Refund.Reason.RETURN,
                    amount=amount, method=method, reference=ticket.number[:60],
                    note=(note or "").strip()[:200], status=Refund.Status.APPROVED,
                    created_by=actor, decided_at=now, decided_by=actor)
    _book(actor=actor, refund=refund, charge=charge, reference=refund.reference)
    refund.save()
    _update_block(actor=actor, customer_id=charge.customer_id)
    return refund


@transaction.atomic
def reject_refund(*, actor: User, refund: Refund, note: str = "") -> Refund:
    require_role(actor, *FINANCE)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.status != Refund.Status.PENDING:
        raise Conflict(FieldMoneyCode.REFUND_DECIDED, _("This refund is decided already."))
    refund.status = Refund.Status.REJECTED
    refund.note = ((note or "").strip() or refund.note)[:200]
    refund.decided_at = timezone.now()
    refund.decided_by = actor
    refund.save(update_fields=["status", "note", "decided_at", "decided_by"])
    return refund
