"""The loaner pool (备用机): units of the company's own per service point, lent to a ticket
(an annual contract's fault not fixed within 48 h, or a bench repair past its target) and
returned with their condition. A unit is lent once at a time: the loaner row is locked
and a partial unique key allows one open loan."""
from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_required
from aftersales.network.models import ServicePoint, User

from ..field_errors import LoanerPurchasingCode
from ..models import Loan, Loaner, LoanerPolicy

KEEPERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE)
LENDERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE, User.Role.ENGINEER)
#: Ticket statuses a loaner is no longer lent for.
ENDED = ("closed", "cancelled")


@transaction.atomic
def add_loaner(*, actor: User, service_point: ServicePoint, model: ProductModel, code: str,
               serial: str, condition: str = "", device=None) -> Loaner:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=service_point.pk)
    code = clean_required(code, field="code", max_length=30)
    serial = clean_required(serial, field="serial", max_length=40)
    if Loaner.objects.filter(code=code).exists():
        raise Conflict(LoanerPurchasingCode.DUPLICATE_CODE, _("A loaner with this code exists."), field="code")
    if device is not None and Loaner.objects.filter(device=device).exists():
        raise Conflict(LoanerPurchasingCode.DUPLICATE_DEVICE, _("This device is a loaner already."),
                       field="device")
    if Loaner.objects.filter(serial=serial).exists():
        raise Conflict(LoanerPurchasingCode.DUPLICATE_SERIAL, _("A loaner with this serial number exists."),
                       field="serial")
    try:
        with transaction.atomic():
            return Loaner.objects.create(code=code, serial=serial, model=model,
                                         service_point=service_point, device=device,
                                         condition=(condition or "").strip()[:200])
    except IntegrityError:
        raise Conflict(LoanerPurchasingCode.DUPLICATE_CODE, _("A loaner with this code exists."),
                       field="code") from None


@transaction.atomic
def lend_loaner(*, actor: User, loaner: Loaner, ticket, condition: str = "") -> Loan:
    """Lend the unit to the ticket's customer until the policy's loan days have passed."""
    require_role(actor, *LENDERS)
    locked = Loaner.objects.select_for_update().get(pk=loaner.pk)
    check_point(actor=actor, service_point_id=locked.service_point_id, field="loaner")
    if ticket.service_point_id != locked.service_point_id:
        raise ValidationFailed(_("The loaner belongs to another service point."),
                               field="ticket", code=LoanerPurchasingCode.OTHER_SERVICE_POINT)
    if ticket.status in ENDED:
        raise Conflict(LoanerPurchasingCode.TICKET_ENDED, _("The ticket is closed."), field="ticket")
    if locked.status != Loaner.Status.AVAILABLE:
        raise Conflict(LoanerPurchasingCode.LOANER_UNAVAILABLE,
                       _("This loaner is not available (%(status)s).")
                       % {"status": locked.get_status_display()}, field="loaner")
    now = timezone.now()
    days = LoanerPolicy.current().loan_days
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                loaner=locked, ticket=ticket, customer_id=ticket.customer_id, lent_at=now,
                due_on=timezone.localdate(now) + timedelta(days=days), lent_by=actor,
                condition_out=(condition or locked.condition or "").strip()[:200])
    except IntegrityError:  # lent by a concurrent request just now
        raise Conflict(LoanerPurchasingCode.LOANER_UNAVAILABLE, _("This loaner is lent out already."),
                       field="loaner") from None
    locked.status = Loaner.Status.LENT
    locked.save(update_fields=["status"])
    return loan


@transaction.atomic
def return_loaner(*, actor: User, loaner: Loaner, condition: str, note: str = "") -> Loan:
    """The unit is back; damaged or incomplete it goes to repair, else back to the pool."""
    require_role(actor, *LENDERS)
    if condition not in Loan.Condition.values:
        raise ValidationFailed(_("Choose the condition it came back in."), field="condition")
    locked = Loaner.objects.select_for_update().get(pk=loaner.pk)
    check_point(actor=actor, service_point_id=locked.service_point_id, field="loaner")
    loan = Loan.objects.filter(loaner=locked, returned_at__isnull=True).first()
    if loan is None:
        raise Conflict(LoanerPurchasingCode.LOANER_NOT_LENT, _("This loaner is not lent out."), field="loaner")
    loan.returned_at = timezone.now()
    loan.returned_by = actor
    loan.condition_in = condition
    loan.return_note = (note or "").strip()[:200]
    loan.save(update_fields=["returned_at", "returned_by", "condition_in", "return_note"])
    fine = condition in (Loan.Condition.GOOD, Loan.Condition.WORN)
    locked.status = Loaner.Status.AVAILABLE if fine else Loaner.Status.IN_REPAIR
    locked.condition = (loan.return_note or loan.get_condition_in_display())[:200]
    locked.save(update_fields=["status", "condition"])
    return loan


@transaction.atomic
def set_loaner_status(*, actor: User, loaner: Loaner, status: str) -> Loaner:
    """Back from repair (available), to repair, or retired; never while lent out."""
    require_role(actor, *KEEPERS)
    if status not in (Loaner.Status.AVAILABLE, Loaner.Status.IN_REPAIR,
                      Loaner.Status.RETIRED):
        raise ValidationFailed(_("Choose available, in repair or retired."), field="status")
    locked = Loaner.objects.select_for_update().get(pk=loaner.pk)
    check_point(actor=actor, service_point_id=locked.service_point_id, field="loaner")
    if locked.status == Loaner.Status.LENT:
        raise Conflict(LoanerPurchasingCode.LOANER_LENT, _("The loaner is lent out; record its return first."),
                       field="status")
    locked.status = status
    locked.save(update_fields=["status"])
    return locked
