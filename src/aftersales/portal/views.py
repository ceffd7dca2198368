"""The customer portal (/portal/): track a repair (number + phone, or the secret link of
every notification), see and answer its quote with a drawn signature, see what is owed and
pay it, complain; check warranty; book a visit with address and half-day; read the
published service information; confirm a phone by a one-time code and see one's devices
and tickets on this browser. No accounts; every page is rate-limited.

Who may act on a ticket: the holder of its secret link, or a browser that confirmed the
ticket's phone by a code. Number + phone alone only reads."""
from __future__ import annotations

import uuid
from functools import wraps

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.validation import clean_phone
from aftersales.core.views import errors_of
from aftersales.tickets.models import Ticket
from aftersales.tickets.selectors import promised_callback_minutes

from . import identity, payments, ratelimit, selectors, services, slots
from .models import PortalPolicy

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
    return render(request, "portal/home.html",
                  {"phone": identity.remembered_phone(request),
                   "policy": PortalPolicy.current()})


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


def _phone_of(ticket: Ticket) -> set[str]:
    return {p for p in (ticket.contact_phone, ticket.customer.phone) if p}


def _tracked(context: dict, ticket: Ticket, *, acting: str | None) -> dict:
    """The public view plus, for a customer who may act (`acting` names how they were
    identified), the quote, the money and the forms."""
    view = selectors.public_view(ticket)
    money = selectors.customer_money(ticket)
    context.update(view=view, stages=stage_timeline(view),
                   status_label=Ticket.Status(view["status"]).label, money=money,
                   acting=acting, ticket=ticket, can_rate=view["status"] in ("resolved", "closed"),
                   provider=payments.is_configured())
    context.setdefault("errors", {})
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
            if identity.remembered_phone(request) in _phone_of(ticket):
                return HttpResponseRedirect(reverse("portal:track_secret",
                                                    args=[ticket.tracking_secret]))
            _tracked(context, ticket, acting=None)
            context["confirm_url"] = (reverse("portal:login") + "?" + urlencode(
                {"next": request.get_full_path()}))
    return render(request, "portal/track.html", context,
                  status=404 if context["errors"] else 200)


def _by_secret(request, secret: str):
    return selectors.track_by_secret(secret=secret)


@rate_limited
@require_http_methods(["GET"])
def track_secret(request, secret: str):
    """The secret link sent in every notification: the ticket without a phone, and the
    customer may answer its quote, pay and complain."""
    context = {"number": "", "phone": "", "view": None, "errors": {}}
    try:
        ticket = _by_secret(request, secret)
    except DomainError as exc:
        context["errors"] = {"number": exc.message}
        return render(request, "portal/track.html", context, status=404)
    context["number"] = ticket.number
    return render(request, "portal/track.html", _tracked(context, ticket, acting="link"))


@rate_limited
@require_POST
def decide(request, secret: str):
    """Approve the quote with the drawn signature, or reject it with a reason."""
    try:
        ticket = _by_secret(request, secret)
    except DomainError as exc:
        return render(request, "portal/track.html",
                      {"errors": {"number": exc.message}, "view": None}, status=404)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_quote(
            ticket=ticket, approve=approve, via="link",
            signed_by=request.POST.get("signed_by", ""),
            signature=request.POST.get("signature", ""), reason=request.POST.get("reason", ""),
            client_ip=ratelimit.client_ip(request))
    except DomainError as exc:
        context = _tracked({"number": ticket.number, "phone": ""}, ticket, acting="link")
        context.update(errors=errors_of(exc), failed="approve" if approve else "reject",
                       values=request.POST)
        return render(request, "portal/track.html", context, status=exc.status)
    return HttpResponseRedirect(reverse("portal:track_secret", args=[secret]) + "#money")


@rate_limited
@require_POST
def pay(request, secret: str):
    """Start paying the outstanding amount with the configured provider."""
    try:
        ticket = _by_secret(request, secret)
    except DomainError as exc:
        return render(request, "portal/track.html",
                      {"errors": {"number": exc.message}, "view": None}, status=404)
    provider = payments.configured_provider()
    context = _tracked({"number": ticket.number, "phone": ""}, ticket, acting="link")
    if provider is None:
        context["errors"] = {"pay": _("Online payment is not set up; please use another way "
                                      "to pay.")}
        return render(request, "portal/track.html", context, status=409)
    try:
        order = services.start_payment(ticket=ticket, provider=provider)
    except DomainError as exc:
        context["errors"] = {"pay": exc.message}
        return render(request, "portal/track.html", context, status=exc.status)
    context["order"] = order
    return render(request, "portal/track.html", context)


@rate_limited
@require_http_methods(["GET", "POST"])
def complain(request, secret: str):
    """File a complaint about this ticket (it becomes a complaint ticket staff handle)."""
    try:
        ticket = _by_secret(request, secret)
    except DomainError as exc:
        return render(request, "portal/track.html",
                      {"errors": {"number": exc.message}, "view": None}, status=404)
    context = {"ticket": ticket, "values": request.POST, "errors": {}, "filed": None}
    if request.method == "POST":
        try:
            context["filed"] = services.file_complaint(ticket=ticket,
                                                       text=request.POST.get("text", ""),
                                                       name=request.POST.get("name", ""))
        except DomainError as exc:
            context["errors"] = errors_of(exc)
    return render(request, "portal/complaint.html", context,
                  status=422 if context["errors"] else 200)


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


BOOKING_FIELDS = ("name", "phone", "serial", "model", "summary", "mode", "province", "city",
                  "district", "street", "slot")


def _offered(values: dict) -> list:
    """The half-days offered for the address typed so far (its serving point's hours)."""
    answer = selectors.derive_zone_for(province=values.get("province", ""),
                                       city=values.get("city", ""),
                                       district=values.get("district", ""))
    return slots.offered(service_point_id=answer.point_id,
                         days=PortalPolicy.current().booking_days_ahead)


@rate_limited
@require_http_methods(["GET", "POST"])
def book(request):
    """A booking is made by a phone this browser confirmed with a code (so nobody joins
    another's archive, and the page says nothing about who is in it)."""
    source = request.POST if request.method == "POST" else request.GET
    values = {k: source.get(k, "").strip() for k in BOOKING_FIELDS}
    phone = identity.remembered_phone(request)
    context = {"values": values, "errors": {}, "ticket": None,
               "policy": PortalPolicy.current(), "models": selectors.bookable_models(),
               "confirm_url": reverse("portal:login") + "?" + urlencode(
                   {"next": reverse("portal:book")})}
    if phone is None:  # the page asks to confirm the phone first; nothing is booked
        values["phone"] = ""
        return render(request, "portal/book.html", context)
    values["phone"] = phone
    if request.method == "POST":
        day, _bar, half = values["slot"].partition("|")
        try:
            ticket = services.book_repair(
                name=values["name"], phone=values["phone"], serial=values["serial"] or None,
                summary=values["summary"], mode=values["mode"] or "onsite",
                idempotency_key=request.POST.get("idempotency_key") or None,
                province=values["province"], city=values["city"],
                district=values["district"], street=values["street"],
                preferred_date=day or None, slot=half or None, model=values["model"] or None,
                photos=request.FILES.getlist("photos"), visit_details_required=True)
        except DomainError as exc:
            context["errors"] = errors_of(exc)
        else:
            context["ticket"] = ticket
            context["booking"] = getattr(ticket, "booking", None)
            context["promised_minutes"] = promised_callback_minutes(channel=ticket.channel)
    if not context["ticket"]:
        context["idempotency_key"] = request.POST.get("idempotency_key") or uuid.uuid4().hex
        context["slots"] = _offered(values)
    return render(request, "portal/book.html", context,
                  status=422 if context["errors"] else 200)


@rate_limited
@require_http_methods(["GET"])
def book_slots(request):
    """HTMX: the half-days for the address as typed (the serving point may differ)."""
    values = {k: request.GET.get(k, "").strip() for k in ("province", "city", "district",
                                                          "slot")}
    return render(request, "portal/_slots.html", {"slots": _offered(values), "values": values})


@rate_limited
def service_info(request):
    city = request.GET.get("city", "").strip()[:30]
    return render(request, "portal/service_info.html",
                  {"info": selectors.service_info(city=city), "city": city})


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return reverse("portal:mine")


@rate_limited
@require_http_methods(["GET", "POST"])
def login(request):
    """Confirm a phone: a code by SMS, then the code; the browser remembers the phone."""
    values = {k: (request.POST.get(k) or "").strip() for k in ("phone", "code")}
    next_url = request.POST.get("next") or request.GET.get("next", "")
    context = {"values": values, "errors": {}, "sent": False, "next": next_url,
               "policy": PortalPolicy.current()}
    if request.method == "POST":
        try:
            if request.POST.get("step") == "confirm":
                context["sent"] = True
                phone = identity.confirm_code(phone=values["phone"], code=values["code"])
                response = HttpResponseRedirect(_safe_next(request, next_url))
                identity.remember(response, phone=phone, secure=request.is_secure())
                return response
            phone = clean_phone(values["phone"], mobile_only=True)
            ratelimit.check_sms(phone=phone, client_ip=ratelimit.client_ip(request))
            identity.send_code(phone=phone)
            context["sent"] = True
        except DomainError as exc:
            context["errors"] = errors_of(exc)
            if exc.field == "code":  # errors_of keeps the error's own code under "code"
                context["errors"]["otp"] = exc.message
    return render(request, "portal/login.html", context,
                  status=exc_status(context["errors"]))


def exc_status(errors: dict) -> int:
    if not errors:
        return 200
    return 429 if errors.get("code") == "rate_limited" else 422


@require_POST
def logout(request):
    response = HttpResponseRedirect(reverse("portal:home"))
    identity.forget(response)
    return response


@rate_limited
def mine(request):
    """The confirmed phone's devices (with warranty) and tickets."""
    phone = identity.remembered_phone(request)
    if phone is None:
        return HttpResponseRedirect(reverse("portal:login") + "?" + urlencode(
            {"next": reverse("portal:mine")}))
    return render(request, "portal/mine.html",
                  {"phone": phone, "overview": selectors.customer_overview(phone=phone)})


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


@rate_limited
@require_http_methods(["GET", "POST"])
def rate_secret(request, secret: str):
    """Rate a finished job from its secret link (no phone to type)."""
    try:
        ticket = _by_secret(request, secret)
    except DomainError as exc:
        return render(request, "portal/track.html",
                      {"errors": {"number": exc.message}, "view": None}, status=404)
    values = {k: request.POST.get(k, "").strip() for k in ("satisfaction", "comment")}
    context = {"values": values, "errors": {}, "done": False, "ticket": ticket,
               "secret": secret}
    if request.method == "POST":
        try:
            if values["satisfaction"] not in {"1", "2", "3", "4", "5"}:
                raise ValidationFailed(_("Choose 1 to 5 stars."), field="satisfaction")
            services.rate_job(ticket=ticket, satisfaction=int(values["satisfaction"]),
                              comment=values["comment"])
        except DomainError as exc:
            context["errors"] = errors_of(exc)
        else:
            context["done"] = True
    return render(request, "portal/rate.html", context,
                  status=422 if context["errors"] else 200)


def survey(request):
    """The yearly satisfaction survey's link lands here (the survey itself is the
    campaigns app's; until it exists the page says how to give feedback)."""
    return render(request, "portal/survey.html", {"policy": PortalPolicy.current()})
