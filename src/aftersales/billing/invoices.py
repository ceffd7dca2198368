"""VAT invoices (发票): a customer asks for an invoice for a payment (title, taxpayer ID =
统一社会信用代码, ordinary or special); finance issues it in the tax system (no
integration: an Excel export to import there) and records its number and date."""
from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import require_role
from aftersales.core.validation import clean_credit_code
from aftersales.network.models import User

from .field_errors import FieldMoneyCode
from .models import InvoiceRequest, LedgerEntry
from .services import FINANCE


def _text(value, *, field: str, max_length: int, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise ValidationFailed(_("Must be text."), field=field)
    if required and not text:
        raise ValidationFailed(_("This field is required."), field=field, code=FieldMoneyCode.REQUIRED)
    if len(text) > max_length:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": max_length},
                               field=field, code=FieldMoneyCode.TOO_LONG)
    return text


@transaction.atomic
def request_invoice(*, actor: User | None, payment: LedgerEntry, kind: str, title: str,
                    taxpayer_id: str = "", address_phone: str = "",
                    bank_account: str = "") -> InvoiceRequest:
    """One live request per payment. A special invoice needs the taxpayer ID, address and
    phone, bank and account; an ordinary one for a person may leave the ID out, but an ID
    given must pass its check character."""
    if payment.kind != LedgerEntry.Kind.PAYMENT:
        raise ValidationFailed(_("Not a payment."), field="payment")
    if kind not in InvoiceRequest.Kind.values:
        raise ValidationFailed(_("Choose an ordinary or a special invoice."), field="kind")
    special = kind == InvoiceRequest.Kind.SPECIAL
    title = _text(title, field="title", max_length=100, required=True)
    taxpayer_id = _text(taxpayer_id, field="taxpayer_id", max_length=40, required=special)
    if taxpayer_id:
        taxpayer_id = clean_credit_code(taxpayer_id.upper(), field="taxpayer_id")
    address_phone = _text(address_phone, field="address_phone", max_length=200,
                          required=special)
    bank_account = _text(bank_account, field="bank_account", max_length=200,
                         required=special)
    LedgerEntry.objects.select_for_update().filter(pk=payment.pk).first()
    if InvoiceRequest.objects.filter(payment=payment).exclude(
            status=InvoiceRequest.Status.CANCELLED).exists():
        raise Conflict(FieldMoneyCode.INVOICE_REQUESTED, _("An invoice is requested for this payment "
                                              "already."), field="payment")
    try:
        with transaction.atomic():
            return InvoiceRequest.objects.create(
                payment=payment, customer_id=payment.customer_id, amount=-payment.amount,
                kind=kind, title=title, taxpayer_id=taxpayer_id, address_phone=address_phone,
                bank_account=bank_account, created_by=actor)
    except IntegrityError:
        raise Conflict(FieldMoneyCode.INVOICE_REQUESTED, _("An invoice is requested for this payment "
                                              "already."), field="payment") from None


@transaction.atomic
def record_invoice(*, actor: User, invoice: InvoiceRequest, number: str,
                   issued_on: date) -> InvoiceRequest:
    """Finance issued the invoice in the tax system: its number and date."""
    require_role(actor, *FINANCE)
    number = _text(number, field="number", max_length=30, required=True)
    if not isinstance(issued_on, date):
        raise ValidationFailed(_("A date is written YYYY-MM-DD."), field="issued_on")
    if issued_on > timezone.localdate():
        raise ValidationFailed(_("The date is in the future."), field="issued_on")
    locked = InvoiceRequest.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != InvoiceRequest.Status.REQUESTED:
        raise Conflict(FieldMoneyCode.INVOICE_NOT_REQUESTED, _("This invoice is not waiting to be "
                                                  "issued."))
    if InvoiceRequest.objects.filter(number=number).exists():
        raise Conflict(FieldMoneyCode.DUPLICATE_NUMBER, _("This invoice number is recorded already."),
                       field="number")
    locked.status = InvoiceRequest.Status.ISSUED
    locked.number = number
    locked.issued_on = issued_on
    locked.recorded_at = timezone.now()
    locked.recorded_by = actor
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "number", "issued_on", "recorded_at",
                                       "recorded_by"])
    except IntegrityError:
        raise Conflict(FieldMoneyCode.DUPLICATE_NUMBER, _("This invoice number is recorded already."),
                       field="number") from None
    return locked


@transaction.atomic
def cancel_invoice_request(*, actor: User, invoice: InvoiceRequest) -> InvoiceRequest:
    """A request not yet issued is withdrawn (e.g. a wrong title); a new one may follow."""
    require_role(actor, *FINANCE, User.Role.MANAGER)
    locked = InvoiceRequest.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != InvoiceRequest.Status.REQUESTED:
        raise Conflict(FieldMoneyCode.INVOICE_NOT_REQUESTED, _("This invoice is not waiting to be "
                                                  "issued."))
    locked.status = InvoiceRequest.Status.CANCELLED
    locked.save(update_fields=["status"])
    return locked
