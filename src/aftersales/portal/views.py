"""The customer portal (/portal/): track a repair by number + phone, check warranty by
serial/IMEI, book a repair, rate a finished job. No login; every form is rate-limited."""
from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.views import errors_of

STAGES = [
    ("received", gettext_lazy("Request received")), ("responded", gettext_lazy("Responded")),
    ("assigned", gettext_lazy("Engineer assigned")), ("on_site", gettext_lazy("Engineer on site / unit at the bench")),
    ("in_repair", gettext_lazy("In repair")), ("resolved", gettext_lazy("Repaired")), ("closed", gettext_lazy("Closed")),
]
STAGE_EVENTS = {"open": "received", "respond": "responded", "assign": "assigned",
                "arrive": "on_site", "receive": "on_site", "approve_quote": "in_repair",
                "resolve": "resolved", "close": "closed"}


def rate_limited(view):
    """Too many portal requests from one address answer 429 with a page, not an error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            _check_rate(request)
        except DomainError as exc:
            return render(request, "portal/limited.html", {"error": exc}, status=429)
        return view(request, *args, **kwargs)

    return wrapper


PORTAL_LIMIT = (30, 60)  # requests per address per window of seconds, without the shared module


def _check_rate(request) -> None:
    try:
        from . import ratelimit
    except ImportError:
        ratelimit = None
    if ratelimit is not None and hasattr(ratelimit, "check"):
        ratelimit.check(request)
        return
    from django.core.cache import cache

    from aftersales.core.errors import ErrorKind

    limit, window = PORTAL_LIMIT
    key = f"portal-ui:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, window)
    if cache.incr(key) > limit:
        raise DomainError("rate_limited", _("Too many requests. Please wait a minute."),
                          kind=ErrorKind.RATE_LIMITED)


def home(request):
    return render(request, "portal/home.html")


def stage_timeline(ticket) -> list[dict]:
    reached = {}
    for event in ticket.events.all():
        stage = STAGE_EVENTS.get(event.action)
        if stage and stage not in reached:
            reached[stage] = event.at
    if ticket.status == "cancelled":
        return [{"key": "received", "label": STAGES[0][1], "at": reached.get("received")},
                {"key": "cancelled", "label": _("Cancelled"), "at": ticket.updated_at}]
    return [{"key": key, "label": label, "at": reached.get(key)} for key, label in STAGES]


@rate_limited
@require_http_methods(["GET"])
def track(request):
    from aftersales.tickets.selectors import find_by_number

    number = request.GET.get("number", "").strip().upper()
    phone = "".join(ch for ch in request.GET.get("phone", "") if ch.isdigit())
    context = {"number": number, "phone": phone, "ticket": None, "errors": {}}
    if number or phone:
        ticket = find_by_number(number=number) if number and phone else None
        if ticket is None or phone not in {ticket.contact_phone, ticket.customer.phone}:
            context["errors"] = {"number": _("No ticket matches this number and phone.")}
        else:
            ticket = _with_events(ticket)
            context.update(ticket=ticket, stages=stage_timeline(ticket),
                           engineer=ticket.engineer.display_name if ticket.engineer else "")
    return render(request, "portal/track.html", context,
                  status=404 if context["errors"] else 200)


def _with_events(ticket):
    from aftersales.tickets.models import TicketEvent

    ticket._prefetched_objects_cache = {
        "events": TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")}
    return ticket


@rate_limited
def warranty(request):
    from aftersales.devices.selectors import find_device, warranty_ends

    serial = request.GET.get("serial", "").strip()
    context = {"serial": serial, "result": None, "errors": {}}
    if serial:
        device = find_device(serial=serial)
        if device is None:
            context["errors"] = {"serial": _("No unit with this serial number or IMEI.")}
        else:
            today = timezone.localdate()
            ends = warranty_ends(device, on=today)
            context["result"] = {"model": device.model.name, "warranty_ends": ends,
                                 "in_warranty": bool(ends and ends >= today)}
    return render(request, "portal/warranty.html", context,
                  status=404 if context["errors"] else 200)


@rate_limited
@require_http_methods(["GET", "POST"])
def book(request):
    values = {k: request.POST.get(k, "").strip() for k in ("name", "phone", "serial",
                                                            "summary", "mode")}
    values.setdefault("mode", "onsite")
    context = {"values": values, "errors": {}, "number": None}
    if request.method == "POST":
        from . import services

        try:
            ticket = services.book_repair(
                name=values["name"], phone=values["phone"], serial=values["serial"] or None,
                summary=values["summary"], mode=values["mode"] or "onsite")
        except DomainError as exc:
            context["errors"] = errors_of(exc)
        else:
            context["number"] = ticket.number
    return render(request, "portal/book.html", context,
                  status=422 if context["errors"] else 200)


@rate_limited
@require_http_methods(["GET", "POST"])
def rate(request):
    values = {k: (request.POST.get(k) or request.GET.get(k, "")).strip()
              for k in ("number", "phone", "satisfaction", "comment")}
    context = {"values": values, "errors": {}, "done": False}
    if request.method == "POST":
        from . import services

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
