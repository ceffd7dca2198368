"""On-site payment on the ticket page (the engineer's phone): cash, WeChat Pay or Alipay
with the transaction reference, then a receipt to show or print."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.billing.models import LedgerEntry, PaymentMethod
from aftersales.billing.selectors import ticket_money
from aftersales.billing.services import record_payment
from aftersales.core.errors import DomainError, NotFound, ValidationFailed
from aftersales.core.views import errors_of, staff_view

from . import selectors

ON_SITE_METHODS = [PaymentMethod.CASH, PaymentMethod.WECHAT, PaymentMethod.ALIPAY]
NEEDS_REFERENCE = {PaymentMethod.WECHAT, PaymentMethod.ALIPAY}


@staff_view
@require_POST
def take_payment(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    method = request.POST.get("method", "")
    reference = request.POST.get("reference", "").strip()
    try:
        if method not in [m.value for m in ON_SITE_METHODS]:
            raise ValidationFailed(_("Pick cash, WeChat Pay or Alipay."), field="method")
        if method in NEEDS_REFERENCE and not reference:
            raise ValidationFailed(_("Enter the transaction reference shown on the "
                                     "customer's phone."), field="reference")
        entry = record_payment(actor=request.user, ticket=ticket,
                               amount=request.POST.get("amount", "").strip() or "0",
                               method=method, note=reference)
    except DomainError as exc:
        from .views import ticket_context

        context = ticket_context(request, ticket)
        context.update({"payment_errors": errors_of(exc), "payment_values": request.POST})
        template = ("tickets/phone.html" if request.POST.get("phone") == "1"
                    else "tickets/detail.html")
        return render(request, template, context, status=exc.status)
    messages.success(request, _("Payment recorded: %(amount)s.") % {
        "amount": f"¥{-entry.amount:,.2f}"})
    return redirect("tickets:receipt", ticket_id=ticket.pk, entry_id=entry.pk)


@staff_view
def receipt(request, ticket_id: int, entry_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    entry = (LedgerEntry.objects.select_related("created_by")
             .filter(pk=entry_id, charge__ticket=ticket, kind=LedgerEntry.Kind.PAYMENT).first())
    if entry is None:
        raise NotFound(_("Payment not found."))
    return render(request, "tickets/receipt.html", {
        "ticket": ticket, "entry": entry, "amount": -entry.amount,
        "money": ticket_money(ticket=ticket)})
