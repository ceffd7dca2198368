"""The customer portal (/portal/): track a repair by number + phone, check warranty by
serial/IMEI, book a repair, rate a finished job. No login; every page is rate-limited.
The reads and writes are the public API's (portal.selectors / portal.services)."""
from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.views import errors_of
from aftersales.tickets.models import Ticket
from aftersales.tickets.selectors import promised_callback_minutes

from . import ratelimit, selectors, services

STAGES = [
    ("received", gettext_lazy("Request received")), ("responded", gettext_lazy("Responded")),
    ("assigned", gettext_lazy("Engineer assigned")),
    ("on_site", gettext_lazy("Engineer on site / unit at the bench")),
    ("in_repair", gettext_lazy("In repair")), ("resolved", gettext_lazy("Repaired")),
    ("closed", gettext_lazy("Closed")),
]
STAGE_OF_ACTION = {"open": "received", "respond": "responded", "assign": "assigned",
                   "arrive": "on_site", "receive": "on_site", "approve_quote": "in_repair",
                   "resolve": "resolved", "close": "closed"}
STAGE_OF_STATUS = {"in_repair": "in_repair"}


def rate_limited(view):
    """Too many portal requests from one address (or for one ticket) answer 429 with a page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        number = request.GET.get("number") or request.POST.get("number")
        try:
            ratelimit.check(request, ticket_number=number or None)
        except DomainError as exc:
            return render(request, "portal/limited.html", {"error": exc}, status=429)
        return view(request, *args, **kwargs)

    return wrapper


def home(request):
    return render(request, "portal/home.html")


def stage_timeline(view: dict) -> list[dict]:
    """The public stage times laid on the fixed stages a customer understands."""
    reached = {}
    for stage in view["stages"]:
        key = STAGE_OF_ACTION.get(stage["action"]) or STAGE_OF_STATUS.get(stage["status"])
        if key and key not in reached:
            reached[key] = stage["at"]
    if view["status"] == "cancelled":
        return [{"key": "received", "label": STAGES[0][1], "at": reached.get("received")},
                {"key": "cancelled", "label": _("Cancelled"), "at": view["stages"][-1]["at"]}]
    return [{"key": key, "label": label, "at": reached.get(key)} for key, label in STAGES]


def _tracked(context: dict, ticket) -> dict:
    view = selectors.public_view(ticket)
    context.update(view=view, stages=stage_timeline(view),
                   status_label=Ticket.Status(view["status"]).label)
    return context


@rate_limited
@require_http_methods(["GET"])
def track(request):
    number = request.GET.get("number", "").strip().upper()
    phone = request.GET.get("phone", "").strip()
    context = {"number": number, "phone": phone, "view": None, "errors": {}}
    if number or phone:
        try:
            ticket = selectors.track_by_number(number=number, phone=phone)
        except DomainError as exc:
            context["errors"] = {"number": exc.message}
        else:
            _tracked(context, ticket)
    return render(request, "portal/track.html", context,
                  status=404 if context["errors"] else 200)


@rate_limited
@require_http_methods(["GET"])
def track_secret(request, secret: str):
    """The secret link sent in every notification: the ticket's stages without a phone."""
    context = {"number": "", "phone": "", "view": None, "errors": {}}
    try:
        ticket = selectors.track_by_secret(secret=secret)
    except DomainError as exc:
        context["errors"] = {"number": exc.message}
        return render(request, "portal/track.html", context, status=404)
    context["number"] = ticket.number
    return render(request, "portal/track.html", _tracked(context, ticket))


@rate_limited
def warranty(request):
    serial = request.GET.get("serial", "").strip()
    context = {"serial": serial, "result": None, "errors": {}}
    if serial:
        try:
            context["result"] = selectors.public_warranty(serial=serial)
        except DomainError as exc:
            context["errors"] = {"serial": exc.message}
    return render(request, "portal/warranty.html", context,
                  status=404 if context["errors"] else 200)


@rate_limited
@require_http_methods(["GET", "POST"])
def book(request):
    values = {k: request.POST.get(k, "").strip() for k in ("name", "phone", "serial",
                                                            "summary", "mode")}
    context = {"values": values, "errors": {}, "number": None}
    if request.method == "POST":
        try:
            ticket = services.book_repair(
                name=values["name"], phone=values["phone"], serial=values["serial"] or None,
                summary=values["summary"], mode=values["mode"] or "onsite",
                idempotency_key=request.POST.get("idempotency_key") or None)
        except DomainError as exc:
            context["errors"] = errors_of(exc)
        else:
            context["number"] = ticket.number
            context["promised_minutes"] = promised_callback_minutes(channel=ticket.channel)
    if not context["number"]:
        import uuid

        context["idempotency_key"] = request.POST.get("idempotency_key") or uuid.uuid4().hex
    return render(request, "portal/book.html", context,
                  status=422 if context["errors"] else 200)


@rate_limited
@require_http_methods(["GET", "POST"])
def rate(request):
    values = {k: (request.POST.get(k) or request.GET.get(k, "")).strip()
              for k in ("number", "phone", "satisfaction", "comment")}
    context = {"values": values, "errors": {}, "done": False}
    if request.method == "POST":
        try:
            if values["satisfaction"] not in {"1", "2", "3", "4", "5"}:
                raise ValidationFailed(_("Choose 1 to 5 stars."), field="satisfaction")
            services.rate_ticket(number=values["number"], phone=values["phone"],
                                 satisfaction=int(values["satisfaction"]),
                                 comment=values["comment"])
        except DomainError as exc:
            context["errors"] = errors_of(exc)
        else:
            context["done"] = True
    return render(request, "portal/rate.html", context,
                  status=422 if context["errors"] else 200)
