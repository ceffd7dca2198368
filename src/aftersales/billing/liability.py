"""Staff liability (PRODUCT.md "In the field", seed 000 §8.3, §8.7): a fee not collected
at completion, or work found done without an approved quote, is a receivable on the
engineer until the customer pays (cleared) or a manager writes it off with a reason; what
is open at month end is settled against the pay (the monthly statement)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.network.models import User

from . import selectors
from .amounts import parse_amount
from .field_errors import FieldMoneyCode
from .models import Charge, StaffLiability

BOOKERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.FINANCE)
WRITERS_OFF = (User.Role.ADMIN, User.Role.MANAGER)


def _create(*, actor: User | None, ticket, kind: str, amount: Decimal,
            charge: Charge | None, note: str) -> StaffLiability:
    if StaffLiability.objects.filter(ticket=ticket, kind=kind,
                                     status=StaffLiability.Status.OPEN).exists():
        raise Conflict(FieldMoneyCode.LIABILITY_OPEN, _("This liability is booked already."),
                       field="ticket")
    try:
        with transaction.atomic():
            return StaffLiability.objects.create(
                engineer_id=ticket.engineer_id, ticket=ticket, charge=charge, kind=kind,
                amount=amount, note=(note or "")[:200], created_by=actor)
    except IntegrityError:  # booked by a concurrent request just now
        raise Conflict(FieldMoneyCode.LIABILITY_OPEN, _("This liability is booked already."),
                       field="ticket") from None


@transaction.atomic
def book_liability(*, actor: User, ticket, kind: str, amount=None,
                   note: str = "") -> StaffLiability:
    """Book a receivable on the ticket's engineer. A fee not collected is the charge's
    outstanding amount; work without an approved quote is the amount the manager states
    (the work the customer is not charged for)."""
    require_role(actor, *BOOKERS)
    if kind not in StaffLiability.Kind.values:
        raise ValidationFailed(_("Unknown kind of liability."), field="kind")
    if ticket.engineer_id is None:
        raise Conflict(FieldMoneyCode.NO_ENGINEER, _("The ticket has no engineer."), field="ticket")
    charge = Charge.objects.select_for_update().filter(ticket=ticket).first()
    if kind == StaffLiability.Kind.UNCOLLECTED:
        outstanding = selectors.charge_outstanding(charge_id=charge.pk) if charge else None
        if not outstanding or outstanding <= 0:
            raise Conflict(FieldMoneyCode.NOTHING_OUTSTANDING, _("Nothing is owed on this ticket."),
                           field="ticket")
        return _create(actor=actor, ticket=ticket, kind=kind, amount=outstanding,
                       charge=charge, note=note)
    if amount is None:
        raise ValidationFailed(_("This field is required."), field="amount")
    value = parse_amount(amount, field="amount")
    return _create(actor=actor, ticket=ticket, kind=kind, amount=value, charge=charge,
                   note=note)


#: How far back the sweep looks for on-the-spot fees left unpaid. It runs every few minutes,
#: so a fee is seen the day after it fell due; looking back a month covers any outage of
#: the scheduler, and keeps each run to the recent charges' index range instead of summing
#: the ledger of every charge ever made (2.5 s a run at 333,000 charges, growing).
UNCOLLECTED_LOOKBACK_DAYS = 31


def book_uncollected_fees(*, today: date | None = None) -> int:
    """The sweep: a fee due on the spot (due on the completion day) and still unpaid after
    that day becomes the engineer's liability, once. Each in its own transaction."""
    today = today or timezone.localdate()
    due = (selectors.unpaid_charges()
           .filter(ticket__isnull=False, ticket__engineer__isnull=False,
                   due_on__lt=today,
                   due_on__gte=today - timedelta(days=UNCOLLECTED_LOOKBACK_DAYS))
           .exclude(staff_liabilities__kind=StaffLiability.Kind.UNCOLLECTED)
           .select_related("ticket"))
    booked = 0
    for charge in due:
        if charge.due_on != charge.resolved_on:
            continue  # above the on-the-spot limit: the customer has credit days
        with transaction.atomic():
            locked = Charge.objects.select_for_update().get(pk=charge.pk)
            if StaffLiability.objects.filter(charge=locked,
                                             kind=StaffLiability.Kind.UNCOLLECTED).exists():
                continue
            outstanding = selectors.charge_outstanding(charge_id=locked.pk)
            if outstanding <= 0:
                continue
            _create(actor=None, ticket=charge.ticket, kind=StaffLiability.Kind.UNCOLLECTED,
                    amount=outstanding, charge=locked,
                    note=_("Not collected at completion."))
            booked += 1
    return booked


def clear_paid_liabilities(*, actor: User | None, charge: Charge) -> int:
    """Called with the charge locked after money changes on it: once the customer owes
    nothing on the ticket, its open liabilities are cleared."""
    if charge.ticket_id is None or selectors.charge_outstanding(charge_id=charge.pk) > 0:
        return 0
    return StaffLiability.objects.filter(ticket_id=charge.ticket_id,
                                         status=StaffLiability.Status.OPEN).update(
        status=StaffLiability.Status.CLEARED, settled_at=timezone.now(), settled_by=actor)


@transaction.atomic
def write_off_liability(*, actor: User, liability: StaffLiability,
                        reason: str) -> StaffLiability:
    """A manager forgives the receivable; the reason is required and kept."""
    require_role(actor, *WRITERS_OFF)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the write-off."), field="reason")
    locked = StaffLiability.objects.select_for_update().get(pk=liability.pk)
    if locked.status != StaffLiability.Status.OPEN:
        raise Conflict(FieldMoneyCode.LIABILITY_SETTLED, _("This liability is settled already."))
    locked.status = StaffLiability.Status.WRITTEN_OFF
    locked.reason = reason[:200]
    locked.settled_at = timezone.now()
    locked.settled_by = actor
    locked.save(update_fields=["status", "reason", "settled_at", "settled_by"])
    return locked
