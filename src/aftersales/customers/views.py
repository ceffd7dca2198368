"""Hotline screens: the one search box, the customer's archive, a new customer."""
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aftersales.billing.selectors import customer_outstanding_subquery
from aftersales.contracts.selectors import contract_list
from aftersales.core.errors import DomainError
from aftersales.core.views import errors_of, staff_view
from aftersales.devices.selectors import RuleValues, device_list, warranty_ends
from aftersales.network.selectors import service_point_list

from . import services
from .models import Customer, Zone
from .selectors import access_customer, customer_list

RESULT_LIMIT = 10


def hotline_hits(*, actor, q: str) -> dict:
    """Everything the one box can mean: a ticket number, a phone, a serial/IMEI, a name."""
    q = (q or "").strip()
    if len(q) < 2:
        return {"q": q, "tickets": [], "customers": [], "devices": []}
    from aftersales.tickets import views as ticket_views

    return {
        "q": q,
        "tickets": ticket_views.tickets_by_number(actor=actor, q=q, limit=RESULT_LIMIT),
        "customers": list(customer_list(actor=actor, q=q)[:RESULT_LIMIT]),
        "devices": list(device_list(actor=actor, q=q)[:RESULT_LIMIT]),
    }


@staff_view
def hotline(request):
    q = request.GET.get("q", "")
    context = hotline_hits(actor=request.user, q=q)
    if request.htmx:
        return render(request, "customers/hotline.html#results", context)
    return render(request, "customers/hotline.html", context)


def device_rows(*, actor, customer_id: int) -> list[dict]:
    rules = RuleValues()
    today = timezone.localdate()
    rows = []
    for device in device_list(actor=actor, customer_id=customer_id):
        ends = warranty_ends(device, on=today, rules=rules)
        rows.append({"device": device, "warranty_ends": ends,
                     "in_warranty": bool(ends and ends >= today)})
    return rows


@staff_view
def archive(request, customer_id: int):
    customer = access_customer(actor=request.user, customer_id=customer_id,
                               annotations={"outstanding": customer_outstanding_subquery()})
    from aftersales.tickets import views as ticket_views

    # the archive's fault box sends `fault`; the new-ticket form's summary sends `summary`
    fault = request.GET.get("fault", request.GET.get("summary", ""))

    context = {
        "customer": customer,
        "devices": device_rows(actor=request.user, customer_id=customer.pk),
        "contracts": list(contract_list(actor=request.user, customer_id=customer.pk)),
        "tickets": ticket_views.tickets_of_customer(actor=request.user, customer=customer),
        "money": ticket_views.customer_money(actor=request.user, customer=customer),
        "kb": ticket_views.knowledge_hits(q=fault, customer=customer),
        "fault": fault,
        "today": timezone.localdate(),
    }
    if request.htmx and ("fault" in request.GET or "summary" in request.GET):
        return render(request, "customers/archive.html#kb", context)
    return render(request, "customers/archive.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def new_customer(request):
    values = {"kind": "person", "zone": "city", "name": "", "phone": "", "address": "",
              "email": "", "service_point": ""}
    errors = {}
    if request.method == "GET":
        q = request.GET.get("q", "").strip()
        digits = "".join(ch for ch in q if ch.isdigit())
        if digits and len(digits) >= 7:
            values["phone"] = digits
        elif q:
            values["name"] = q
    else:
        values.update({k: request.POST.get(k, "").strip() for k in values})
        points = {str(p.pk): p for p in service_point_list(actor=request.user)}
        try:
            customer = services.create_customer(
                actor=request.user, name=values["name"], kind=values["kind"],
                phone=values["phone"], zone=values["zone"], address=values["address"],
                email=values["email"], service_point=points.get(values["service_point"]))
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return redirect("customers:archive", customer_id=customer.pk)
    return render(request, "customers/new.html", {
        "values": values, "errors": errors, "kinds": Customer.Kind.choices,
        "zones": Zone.choices, "points": service_point_list(actor=request.user)},
        status=422 if errors else 200)
