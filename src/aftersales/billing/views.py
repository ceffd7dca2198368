"""Finance page: debts with ageing, today's takings, payments, service-point deposits."""
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.views import errors_of, staff_view
from aftersales.network.models import NetworkPolicy
from aftersales.network.selectors import credit_limit, service_point_list
from aftersales.tickets.selectors import ticket_list

from . import selectors, services
from .models import PaymentMethod

BUCKET_LABELS = {"current": gettext_lazy("Not yet due"), "1_15": gettext_lazy("1–15 days overdue"),
                 "16_60": gettext_lazy("16–60 days overdue"), "60_plus": gettext_lazy("Over 60 days overdue")}


def finance_context(request, *, errors=None, values=None) -> dict:
    actor = request.user
    bucket = request.GET.get("bucket") or None
    totals = selectors.debt_totals(actor=actor)
    points = list(service_point_list(actor=actor))
    policy = NetworkPolicy.current()
    return {
        "buckets": [(key, BUCKET_LABELS.get(key, key), totals.get(key)) for key in
                    selectors.BUCKETS],
        "total": totals.get("total"), "bucket": bucket,
        "debts": list(selectors.debt_list(actor=actor, bucket=bucket)[:200]),
        "takings": selectors.takings(actor=actor, day=timezone.localdate()),
        "methods": PaymentMethod.choices,
        "points": [{"point": p, "deposit": p.deposit_total,
                    "credit": credit_limit(deposit=p.deposit_total, policy=policy)} for p in points],
        "errors": errors or {}, "values": values or {},
    }


@staff_view
def finance(request):
    return render(request, "billing/finance.html", finance_context(request))


@staff_view
@require_POST
def payment(request):

    values = {k: request.POST.get(k, "").strip() for k in ("ticket", "amount", "method")}
    try:
        ticket = ticket_list(actor=request.user, q=values["ticket"].upper()).filter(
            number=values["ticket"].upper()).first() if values["ticket"] else None
        if ticket is None:
            raise ValidationFailed(_("No ticket with this number."), field="ticket")
        try:
            amount = Decimal(values["amount"])
        except InvalidOperation:
            raise ValidationFailed(_("Not a valid amount."), field="amount") from None
        services.record_payment(actor=request.user, ticket=ticket, amount=amount,
                                method=values["method"])
    except DomainError as exc:
        return render(request, "billing/finance.html",
                      finance_context(request, errors=errors_of(exc), values=values), status=422)
    messages.success(request, _("Payment recorded."))
    return redirect("billing:finance")
