"""Finance page: debts with ageing, today's takings, payments, service-point deposits."""
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.exports import xlsx_response
from aftersales.core.views import errors_of, staff_view
from aftersales.network.models import NetworkPolicy
from aftersales.network.selectors import credit_limit, service_point_list
from aftersales.tickets.selectors import ticket_list

from . import cash, field_selectors, selectors, services
from .models import PaymentMethod
from .selectors import FINANCE_READERS

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
        "cash": field_selectors.cash_rows(actor=actor),
        "cash_balances": field_selectors.cash_balances(actor=actor),
        "errors": errors or {}, "values": values or {},
    }


@staff_view(roles=FINANCE_READERS)
def finance(request):
    return render(request, "billing/finance.html", finance_context(request))


@staff_view(roles=FINANCE_READERS)
def debts_export(request):
    """The debts by age as Excel (the bucket the page shows)."""
    bucket = request.GET.get("bucket") or None
    debts = selectors.debt_list(actor=request.user, bucket=bucket)[:5000]
    return xlsx_response(
        filename=f"debts-{bucket or 'all'}.xlsx", title=_("Debts by age"),
        header=[_("Ticket"), _("Customer"), _("Outstanding"), _("Due on"), _("Refused")],
        rows=([c.ticket.number, c.customer.name, c.outstanding, c.due_on,
               _("Yes") if c.refused_at else ""] for c in debts))


@staff_view(roles=FINANCE_READERS)
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


def _ids(raw: list[str]) -> list[int]:
    try:
        return [int(value) for value in raw]
    except ValueError:
        raise ValidationFailed(_("Payments are given by their ids."), field="payments") from None


@staff_view(roles=services.FINANCE)
@require_POST
def handover(request):
    """Finance receives an engineer's cash: the ticked payments, the amount counted (the
    same roles as POST /cash/handovers; a refusal never shows the finance page)."""
    values = {"engineer": request.POST.get("engineer", "").strip(),
              "total": request.POST.get("total", "").strip(),
              "payments": request.POST.getlist("payments")}
    try:
        engineer = field_selectors.engineer_holding(actor=request.user,
                                                    engineer_id=values["engineer"])
        if not values["total"]:
            raise ValidationFailed(_("This field is required."), field="total")
        done = cash.hand_over_cash(actor=request.user, engineer=engineer,
                                   payments=_ids(values["payments"]), total=values["total"])
    except DomainError as exc:
        errors = {"handover_" + key: text for key, text in errors_of(exc).items()}
        return render(request, "billing/finance.html",
                      finance_context(request, errors=errors, values={"handover": values}),
                      status=422)
    messages.success(request, _("Cash hand-over %(number)s recorded: %(total)s.")
                     % {"number": done.number, "total": f"{done.total:.2f}"})
    return redirect("billing:finance")
