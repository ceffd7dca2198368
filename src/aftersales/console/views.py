"""The console's composing screens: the hotline's one search box, the customer's archive,
a new customer, the dispatch board and the engineer's day. Each reads through the domain
apps' selectors and writes through their services; no domain app imports this module."""
from __future__ import annotations

from datetime import timedelta

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aftersales.billing.selectors import customer_outstanding_subquery, debt_list
from aftersales.catalog.selectors import knowledge_search
from aftersales.contracts.selectors import contract_list
from aftersales.core.dates import local_day_bounds, parse_day
from aftersales.core.errors import DomainError
from aftersales.core.views import errors_of, staff_view
from aftersales.customers import services as customer_services
from aftersales.customers.models import Customer, Zone
from aftersales.customers.selectors import access_customer, customer_list
from aftersales.devices.selectors import RuleValues, device_list, warranty_ends
from aftersales.network.models import User
from aftersales.network.selectors import service_point_list, staff_list
from aftersales.tickets import selectors as tickets
from aftersales.tickets.models import Ticket

RESULT_LIMIT = 10
KB_HITS = 5
BOARD_DAYS = 7
SUGGEST_FOR = 20


# -- the hotline ---------------------------------------------------------------------------


def hotline_hits(*, actor, q: str) -> dict:
    """Everything the one box can mean: a ticket number, a phone, a serial/IMEI, a name."""
    q = (q or "").strip()
    if len(q) < 2:
        return {"q": q, "tickets": [], "customers": [], "devices": []}
    return {
        "q": q,
        "tickets": tickets.tickets_by_number(actor=actor, q=q, limit=RESULT_LIMIT),
        "customers": list(customer_list(actor=actor, q=q)[:RESULT_LIMIT]),
        "devices": list(device_list(actor=actor, q=q)[:RESULT_LIMIT]),
    }


@staff_view
def hotline(request):
    context = hotline_hits(actor=request.user, q=request.GET.get("q", ""))
    if request.htmx:
        return render(request, "console/hotline.html#results", context)
    return render(request, "console/hotline.html", context)


# -- the customer's archive ------------------------------------------------------------------


def device_rows(*, actor, customer_id: int) -> list[dict]:
    rules = RuleValues()
    today = timezone.localdate()
    rows = []
    for device in device_list(actor=actor, customer_id=customer_id):
        ends = warranty_ends(device, on=today, rules=rules)
        rows.append({"device": device, "warranty_ends": ends,
                     "in_warranty": bool(ends and ends >= today)})
    return rows


def customer_money(*, actor, customer_id: int) -> list[dict]:
    return [{"ticket_number": c.ticket.number, "outstanding": c.outstanding,
             "due_on": c.due_on, "refused": c.refused_at is not None}
            for c in debt_list(actor=actor, customer_id=customer_id)]


def knowledge_hits(*, q: str) -> list:
    q = (q or "").strip()
    return list(knowledge_search(q=q)[:KB_HITS]) if q else []


@staff_view
def archive(request, customer_id: int):
    actor = request.user
    customer = access_customer(actor=actor, customer_id=customer_id,
                               annotations={"outstanding": customer_outstanding_subquery()})
    # the archive's fault box sends `fault`; the new-ticket form's summary sends `summary`
    fault = request.GET.get("fault", request.GET.get("summary", ""))
    context = {
        "customer": customer,
        "devices": device_rows(actor=actor, customer_id=customer.pk),
        "contracts": list(contract_list(actor=actor, customer_id=customer.pk)),
        "tickets": tickets.tickets_of_customer(actor=actor, customer_id=customer.pk),
        "money": customer_money(actor=actor, customer_id=customer.pk),
        "kb": knowledge_hits(q=fault),
        "fault": fault,
        "today": timezone.localdate(),
    }
    if request.htmx and ("fault" in request.GET or "summary" in request.GET):
        return render(request, "console/archive.html#kb", context)
    return render(request, "console/archive.html", context)


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
            customer = customer_services.create_customer(
                actor=request.user, name=values["name"], kind=values["kind"],
                phone=values["phone"], zone=values["zone"], address=values["address"],
                email=values["email"], service_point=points.get(values["service_point"]))
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return redirect("console:archive", customer_id=customer.pk)
    return render(request, "console/new_customer.html", {
        "values": values, "errors": errors, "kinds": Customer.Kind.choices,
        "zones": Zone.choices, "points": service_point_list(actor=request.user)},
        status=422 if errors else 200)


# -- dispatch board (manager) and the engineer's day -----------------------------------------


@staff_view
def dispatch_board(request):
    actor = request.user
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), default=today)
    days = [start + timedelta(days=i) for i in range(BOARD_DAYS)]
    engineers = list(staff_list(actor=actor, role=User.Role.ENGINEER))
    begin, end = local_day_bounds(start, days=BOARD_DAYS)
    visits = tickets.visits_between(actor=actor, start=begin, end=end)
    cells = {(e.pk, d): [] for e in engineers for d in days}
    for visit in visits:
        key = (visit.engineer_id, timezone.localtime(visit.scheduled_at).date())
        if key in cells:
            cells[key].append(visit)
    load = {row["engineer"].pk: row["open_load"]
            for row in tickets.dispatch_suggestions(actor=actor, ticket=Ticket())}
    rows = [{"engineer": e, "load": load.get(e.pk, 0),
             "cells": [cells[(e.pk, d)] for d in days]} for e in engineers]
    unassigned = tickets.unassigned_open(actor=actor, limit=SUGGEST_FOR)
    suggestions = {t.pk: [row["engineer"] for row in tickets.dispatch_suggestions(
        actor=actor, ticket=t)[:3]] for t in unassigned}
    return render(request, "console/dispatch.html", {
        "days": days, "rows": rows, "unassigned": [
            {"ticket": t, "suggested": suggestions[t.pk]} for t in unassigned],
        "engineers": engineers, "prev": start - timedelta(days=BOARD_DAYS),
        "next": start + timedelta(days=BOARD_DAYS), "today": today})


@staff_view
def my_day(request):
    actor = request.user
    jobs = tickets.open_jobs_of(actor=actor, engineer_id=actor.pk)
    today = timezone.localdate()
    begin, end = local_day_bounds(today)
    visits = {v.ticket_id: v for v in tickets.visits_between(
        actor=actor, engineer_id=actor.pk, start=begin, end=end)}
    rows = [{"ticket": t, "visit": visits.get(t.pk)} for t in jobs]
    rows.sort(key=lambda r: (r["visit"] is None,
                             r["visit"].scheduled_at if r["visit"] else timezone.now()))
    return render(request, "console/my_day.html", {"rows": rows, "today": today})
