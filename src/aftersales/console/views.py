"""The console's composing screens: the hotline's one search box, the customer's archive,
a new customer, the dispatch board and the engineer's day. Each reads through the domain
apps' selectors and writes through their services; no domain app imports this module."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.billing.selectors import customer_outstanding_subquery, debt_list
from aftersales.catalog.selectors import knowledge_search
from aftersales.contracts.selectors import contract_list, warranty_covers_of
from aftersales.core import keyset
from aftersales.core.dates import local_day_bounds, parse_day
from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.views import errors_of, staff_view
from aftersales.customers import services as customer_services
from aftersales.customers.models import Customer, Zone
from aftersales.customers.selectors import access_customer, customer_list, customers_with_phone
from aftersales.devices.selectors import RuleValues, device_list, warranty_badges
from aftersales.network.models import User
from aftersales.network.selectors import (
    certified_by_engineer,
    directory,
    service_point_list,
    staff_list,
)
from aftersales.telephony.selectors import calls_of_customer
from aftersales.tickets import clocks, dispatch
from aftersales.tickets import selectors as tickets
from aftersales.tickets.services import PHONE_VERIFIERS, verify_booking_customer

RESULT_LIMIT = 10
KB_HITS = 5
BOARD_DAYS = 7
SUGGEST_FOR = 20
BOARD_ENGINEERS = 20  # engineer rows per page of the dispatch board


# -- the hotline ---------------------------------------------------------------------------


def hotline_hits(*, actor, q: str) -> dict:
    """Everything the one box can mean: a ticket number, a phone, a serial/IMEI, a name."""
    q = (q or "").strip()
    if not q:
        return {"q": q, "tickets": [], "customers": [], "devices": []}
    # a mobile number read out is a customer's: units are matched by a whole serial or IMEI
    # only, not searched for its digits (the trigrams of 11 digits are in most IMEIs, so
    # the part search re-checked hundreds of thousands of units: 2 s at 2 M units)
    phone_like = len(q) == 11 and q.isdigit() and q.startswith("1")
    devices = list(device_list(actor=actor, q=q, parts=not phone_like)[:RESULT_LIMIT])
    return {
        "q": q,
        "tickets": list(tickets.tickets_by_number_part(actor=actor, q=q)[:RESULT_LIMIT]),
        "customers": list(customer_list(actor=actor, q=q)[:RESULT_LIMIT]),
        "devices": devices,
        "badges": warranty_badges(devices, covers=warranty_covers_of(
            device_ids=[d.pk for d in devices])),
    }


@staff_view
def hotline(request):
    context = hotline_hits(actor=request.user, q=request.GET.get("q", ""))
    if request.htmx:
        return render(request, "console/hotline.html#results", context)
    return render(request, "console/hotline.html", context)


# -- the customer's archive ------------------------------------------------------------------


DEVICE_PAGE = 20


def device_rows(*, actor, customer_id: int, cursor: str | None = None, q: str = "") -> dict:
    """One page of the customer's devices (a chain customer has thousands) with the warranty
    engine's verdict of today, contracts and repair warranty included — computed for the
    page's units only. The pages go by keyset cursor; `q` finds a unit by serial or IMEI.
    A fixed number of queries whatever the customer holds."""
    q = (q or "").strip()
    qs = device_list(actor=actor, customer_id=customer_id, q=q)
    try:
        found = keyset.page(qs, size=DEVICE_PAGE, cursor=cursor or None)
    except ValidationFailed:  # a mangled cursor in the address: the first page
        found = keyset.page(qs, size=DEVICE_PAGE)
    devices = found.rows
    badges = warranty_badges(devices, on=timezone.localdate(), rules=RuleValues(),
                             covers=warranty_covers_of(device_ids=[d.pk for d in devices]))
    return {"rows": [{"device": d, "warranty": badges[d.pk]} for d in devices],
            "total": qs.order_by().count(), "q": q, "page_size": DEVICE_PAGE,
            "next_cursor": found.next_cursor, "previous_cursor": found.previous_cursor}


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
    devices = device_rows(actor=actor, customer_id=customer.pk, cursor=request.GET.get("dc"),
                          q=request.GET.get("dq", ""))
    if request.htmx and ("dc" in request.GET or "dq" in request.GET):
        return render(request, "console/archive.html#devices",
                      {"customer": customer, "devices": devices})
    context = {
        "customer": customer,
        "devices": devices,
        # the number of units per contract, not the units (a chain's contract covers thousands)
        "contracts": list(contract_list(actor=actor, customer_id=customer.pk)
                          .prefetch_related(None).annotate(unit_count=Count("devices"))),
        "tickets": tickets.tickets_of_customer(actor=actor, customer_id=customer.pk),
        "money": customer_money(actor=actor, customer_id=customer.pk),
        "kb": knowledge_hits(q=fault),
        "fault": fault,
        "today": timezone.localdate(),
        "calls": calls_of_customer(actor=actor, customer=customer, limit=10),
        "call_id": request.GET.get("call", "") if request.GET.get("call", "").isdigit() else "",
        "can_verify_phone": customer.provisional and (
            actor.is_superuser or actor.role in PHONE_VERIFIERS),
    }
    if request.htmx and ("fault" in request.GET or "summary" in request.GET):
        return render(request, "console/archive.html#kb", context)
    return render(request, "console/archive.html", context)


@staff_view(roles=PHONE_VERIFIERS)
@require_POST
def verify_phone(request, customer_id: int):
    """The archive page's "phone verified" button: staff called a web booking's phone back.
    Without the confirming tick nothing changes."""
    customer = access_customer(actor=request.user, customer_id=customer_id)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm that you called the customer back "
                                  "and the booking is theirs."))
        return redirect("console:archive", customer_id=customer.pk)
    verified = verify_booking_customer(actor=request.user, customer=customer)
    if verified.pk == customer.pk:
        messages.success(request, _("Phone verified: this record is the customer's archive "
                                    "now."))
    else:
        messages.success(request, _("Phone verified: the booking joined the archive of "
                                    "%(name)s (%(number)s).") % {"name": verified.name,
                                                                 "number": verified.number})
    return redirect("console:archive", customer_id=verified.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def new_customer(request):
    values = {"kind": "person", "zone": "city", "name": "", "phone": "", "address": "",
              "email": "", "service_point": ""}
    errors = {}
    existing = None
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
                email=values["email"], service_point=points.get(values["service_point"]),
                confirm_duplicate_phone=request.POST.get("confirm_duplicate_phone") == "1")
        except DomainError as exc:
            errors = errors_of(exc)
            if exc.code == "duplicate_phone":
                # offer the archive the caller already has (if this user may open it)
                ids = list(customers_with_phone(phone=values["phone"]).values_list("pk", flat=True))
                existing = customer_list(actor=request.user).filter(pk__in=ids).first()
        else:
            return redirect("console:archive", customer_id=customer.pk)
    return render(request, "console/new_customer.html", {
        "values": values, "errors": errors, "kinds": Customer.Kind.choices,
        "existing": existing, "duplicate": errors.get("code") == "duplicate_phone",
        "zones": Zone.choices, "points": service_point_list(actor=request.user)},
        status=422 if errors else 200)


# -- dispatch board (manager) and the engineer's day -----------------------------------------


def _int_param(value: str | None) -> int | None:
    """A whole number from the query string, or None (never an error: a stale link)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2 ** 31 else None


@staff_view
def dispatch_board(request):
    actor = request.user
    today = timezone.localdate()
    start = parse_day(request.GET.get("from"), default=today)
    span = 1 if request.GET.get("view") == "day" else BOARD_DAYS
    days = [start + timedelta(days=i) for i in range(span)]
    calendar = clocks.load_calendar(years=range(start.year, days[-1].year + 1))
    points = list(service_point_list(actor=actor).values_list("pk", "name"))
    point = _int_param(request.GET.get("point"))
    if point not in {pk for pk, _name in points}:
        point = None
    # a national network has thousands of engineers: the board shows them a page at a time
    # (by service point, then name), and reads visits and loads for that page only
    staff = staff_list(actor=actor, role=User.Role.ENGINEER).order_by(
        "service_point__code", "username")
    if point is not None:
        staff = staff.filter(service_point_id=point)
    page = max(_int_param(request.GET.get("page")) or 1, 1)
    engineers = list(staff[(page - 1) * BOARD_ENGINEERS:page * BOARD_ENGINEERS + 1])
    more = len(engineers) > BOARD_ENGINEERS
    engineers = engineers[:BOARD_ENGINEERS]
    begin, end = local_day_bounds(start, days=span)
    visits = tickets.visits_between(actor=actor, start=begin, end=end,
                                    engineer_ids=[e.pk for e in engineers])
    cells = {(e.pk, d): [] for e in engineers for d in days}
    for visit in visits:
        key = (visit.engineer_id, timezone.localtime(visit.scheduled_at).date())
        if key in cells:
            cells[key].append(visit)
    load = tickets.engineer_loads(engineer_ids=[e.pk for e in engineers])
    # each day's strings once (not a date filter per cell: 140 cells a page)
    columns = [{"day": d, "iso": d.isoformat(), "label": f"{d:%m-%d}",
                "working": "1" if calendar.is_working_day(d) else "0"} for d in days]
    rows = [{"engineer": e, "name": e.display_name, "load": load.get(e.pk, 0),
             "cells": [{**c, "visits": cells[(e.pk, c["day"])]} for c in columns]}
            for e in engineers]
    unassigned = tickets.unassigned_open(actor=actor, limit=SUGGEST_FOR, service_point_id=point)
    # one bulk read for every waiting job (a fixed number of queries however many wait)
    ranked = tickets.dispatch_suggestions_for(actor=actor, tickets=unassigned)
    waiting = tickets.pending_approval_of(ticket_ids=[t.pk for t in unassigned])
    # each job's "all engineers" are its own service point's (one query for the page's jobs)
    at_point: dict[int | None, list[User]] = {}
    for engineer in staff_list(actor=actor, role=User.Role.ENGINEER).filter(
            service_point_id__in={t.service_point_id for t in unassigned}):
        at_point.setdefault(engineer.service_point_id, []).append(engineer)
    query = {"view": "day" if span == 1 else "week", **({"point": point} if point else {})}
    return render(request, "console/dispatch.html", {
        "days": [{"day": d, "working": calendar.is_working_day(d)} for d in days],
        "rows": rows, "unassigned": [
            {"ticket": t, "suggested": [r["engineer"] for r in ranked[t.pk][:3]],
             "choices": at_point.get(t.service_point_id, []),
             "waiting": waiting.get(t.pk)} for t in unassigned],
        "engineers": engineers, "prev": start - timedelta(days=span),
        "next": start + timedelta(days=span), "today": today, "start": start,
        "view": "day" if span == 1 else "week",
        "points": points, "point": point, "page": page,
        "page_prev": page - 1 if page > 1 else None, "page_next": page + 1 if more else None,
        "query": urlencode(query),
        "slots": dispatch.working_slots(service_point_id=actor.service_point_id)})


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


# -- the directory -------------------------------------------------------------------------


@staff_view
def network_directory(request):
    """Offices and service points with phone, hours and their people (the staff's own
    directory; the portal publishes the points only, network.selectors.public_service_points)."""
    entries = directory(actor=request.user)
    people = [p.pk for e in entries for p in e["people"]]
    certified = certified_by_engineer(user_ids=people, on=timezone.localdate())
    for entry in entries:
        for person in entry["people"]:
            person.certified = sorted(certified.get(person.pk, ()))
    return render(request, "console/directory.html", {"entries": entries})
