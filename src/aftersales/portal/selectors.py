"""Public reads: a ticket by number + phone or by its secret, a unit's warranty. Each
answers NotFound (404) alike for "no such ticket" and "wrong phone"."""
from __future__ import annotations

import secrets

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersales.billing.models import BillingPolicy, Quote
from aftersales.billing.selectors import current_quote, fee_schedule_view, ticket_money
from aftersales.catalog.models import AccessoryPeriod, Part, ProductModel
from aftersales.core.errors import NotFound
from aftersales.customers.models import Customer
from aftersales.devices.models import Device
from aftersales.devices.selectors import find_device, warranty_ends
from aftersales.network.models import ServicePoint
from aftersales.network.selectors import public_service_points
from aftersales.tickets import sla
from aftersales.tickets.models import Custody, SLATarget, Ticket, TicketEvent, WorkingWindow
from aftersales.tickets.selectors import find_by_number, find_by_tracking_secret

from . import zones
from .models import PortalPolicy, QuoteDecision, ServiceItem

#: Actions whose time the customer sees (the stage times of docs/rules.md), without data.
PUBLIC_STAGES = ("open", "respond", "assign", "schedule_visit", "arrive", "depart", "receive",
                 "diagnose", "quote", "approve_quote", "reject_quote", "hold", "resume",
                 "resolve", "ship_back", "sign_off", "callback", "close", "cancel", "reopen")


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _not_found():
    return NotFound(_("No ticket matches this number and phone."))


def track_by_number(*, number: str, phone: str) -> Ticket:
    ticket = find_by_number(number=number) if number and phone else None
    digits = _digits(phone)
    if ticket is None or not digits or digits not in {ticket.contact_phone,
                                                      ticket.customer.phone}:
        raise _not_found()
    return ticket


def track_by_secret(*, secret: str) -> Ticket:
    ticket = find_by_tracking_secret(secret=(secret or "").strip())
    # compare in constant time, so response timing tells nothing about near misses
    if ticket is None or not secrets.compare_digest(ticket.tracking_secret, secret.strip()):
        raise NotFound(_("No ticket matches this link."))
    return ticket


def public_view(ticket: Ticket) -> dict:
    """Status, stage times, the engineer's name, the appointment and the unit's custody
    state: nothing else (no phone, address, money or notes)."""
    events = (TicketEvent.objects.filter(ticket=ticket, action__in=PUBLIC_STAGES)
              .order_by("at", "id").values_list("action", "at", "to_status"))
    custody = Custody.objects.filter(ticket=ticket).first()
    visit = ticket.visits.filter(arrived_at__isnull=True, scheduled_at__isnull=False).order_by(
        "-trip_no").first()
    return {
        "number": ticket.number, "status": ticket.status, "kind": ticket.kind,
        "mode": ticket.mode, "received_at": ticket.created_at,
        "stages": [{"action": action, "at": at, "status": status}
                   for action, at, status in events],
        "engineer": ticket.engineer.display_name if ticket.engineer_id else None,
        "appointment": visit.scheduled_at if visit else None,
        "custody": ({"label": custody.label, "state": custody.state,
                     "location": custody.location, "carrier": custody.carrier,
                     "tracking_no": custody.tracking_no} if custody else None),
        "resolved_at": ticket.resolved_at,
    }


def public_warranty(*, serial: str) -> dict:
    device = find_device(serial=(serial or "").strip())
    if device is None:
        raise NotFound(_("No unit with this serial number or IMEI."))
    today = timezone.localdate()
    ends = warranty_ends(device, on=today)
    return {"model": device.model.code, "model_name": device.model.name,
            "warranty_ends": ends, "in_warranty": bool(ends and ends >= today)}


# -- published service information (透明原则) ----------------------------------------------


def service_places() -> list[zones.Place]:
    """Active service points as places for the zone rule, HQ and own branches first."""
    order = {ServicePoint.Kind.BRANCH: 0, ServicePoint.Kind.AUTHORIZED: 1,
             ServicePoint.Kind.HQ: 2}
    points = sorted(ServicePoint.objects.filter(active=True).only("pk", "province", "city",
                                                                  "kind", "code"),
                    key=lambda p: (order.get(p.kind, 9), p.code))
    return [zones.Place(point_id=p.pk, province=p.province, city=p.city) for p in points]


def duration_text(amount: int, unit: str) -> str:
    """A target as people say it: 6 小时, 3 个工作日, 10 分钟."""
    if unit == SLATarget.Unit.WORKING_DAYS:
        return ngettext("%(n)d working day", "%(n)d working days", amount) % {"n": amount}
    suffix = "" if unit == SLATarget.Unit.CLOCK else str(_(" (working hours)"))
    if amount % 60 == 0:
        hours = amount // 60
        return (ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}) + suffix
    return (ngettext("%(n)d minute", "%(n)d minutes", amount) % {"n": amount}) + suffix


def _targets() -> dict:
    rows = list(SLATarget.objects.filter(active=True, kind=""))
    general = {row.name: row for row in rows
               if not row.priority and not row.mode and not row.channel}
    by_channel = sorted((row for row in rows if row.name == SLATarget.Name.RESPOND
                         and row.channel and not row.priority and not row.mode),
                        key=lambda row: row.channel)
    call_back = general.get(SLATarget.Name.CONTACT)
    onsite = {row.priority: row for row in rows if row.name == SLATarget.Name.ONSITE
              and row.priority and row.mode in ("", Ticket.Mode.ONSITE) and not row.channel}
    resolve = {row.mode: row for row in rows if row.name == SLATarget.Name.RESOLVE
               and not row.priority and not row.channel}
    respond = general.get(SLATarget.Name.RESPOND)
    return {
        "respond": ({"amount": respond.amount, "unit": respond.unit,
                     "text": duration_text(respond.amount, respond.unit)} if respond else None),
        "respond_by_channel": [
            {"channel": row.channel, "label": str(Ticket.Channel(row.channel).label),
             "amount": row.amount, "unit": row.unit,
             "text": duration_text(row.amount, row.unit)} for row in by_channel],
        "call_back": ({"amount": call_back.amount, "unit": call_back.unit,
                       "text": duration_text(call_back.amount, call_back.unit)}
                      if call_back else None),
        "by_priority": [
            {"priority": value, "label": str(label),
             "onsite": ({"amount": onsite[value].amount, "unit": onsite[value].unit,
                         "text": duration_text(onsite[value].amount, onsite[value].unit)}
                        if value in onsite else None)}
            for value, label in Ticket.Priority.choices],
        "resolve": [{"mode": mode, "label": str(Ticket.Mode(mode).label),
                     "amount": row.amount, "unit": row.unit,
                     "text": duration_text(row.amount, row.unit)}
                    for mode, row in sorted(resolve.items()) if mode],
    }


def _warranty() -> dict:
    categories: dict[str, dict] = {}
    for category, months, return_days, exchange_days in (
            ProductModel.objects.order_by("category", "code")
            .values_list("category", "warranty_months", "return_days", "exchange_days")):
        row = categories.setdefault(category, {"category": category, "months": set(),
                                               "return_days": set(), "exchange_days": set()})
        row["months"].add(months)
        row["return_days"].add(return_days)
        row["exchange_days"].add(exchange_days)

    def span(values: set[int]) -> str:
        low, high = min(values), max(values)
        return str(low) if low == high else f"{low}–{high}"

    return {
        "categories": [{"category": row["category"], "months": span(row["months"]),
                        "return_days": span(row["return_days"]),
                        "exchange_days": span(row["exchange_days"])}
                       for row in categories.values()],
        "accessories": [{"kind": kind, "label": str(Part.AccessoryKind(kind).label),
                         "months": months}
                        for kind, months in AccessoryPeriod.objects.order_by("months", "kind")
                        .values_list("kind", "months")],
    }


def _hours_text(windows) -> str:
    return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in windows)


def _points(*, city: str = "") -> list[dict]:
    """The directory's public part (network.selectors.public_service_points), narrowed to
    `city`; hours as the point publishes them, else its working windows (else the default)."""
    wanted = zones.plain(city)
    points = [p for p in public_service_points() if not wanted
              or wanted in zones.plain(p["city"]) or wanted in zones.plain(p["province"])]
    windows: dict[int | None, list] = {}
    for row in WorkingWindow.objects.order_by("starts").values_list("service_point_id",
                                                                    "starts", "ends"):
        windows.setdefault(row[0], []).append((row[1], row[2]))
    default = windows.get(None) or list(sla.WorkingHours().windows)
    return [{key: p[key] for key in ("code", "name", "kind", "kind_label", "province", "city",
                                     "address", "phone")}
            | {"hours": p["hours"] or _hours_text(windows.get(p["id"]) or default)}
            for p in points]


def service_info(*, city: str = "") -> dict:
    """What PRODUCT.md says is published: the fee table by zone with second-trip and
    transport fees, the payment terms, response and on-site targets by priority, warranty
    periods per category and accessory, the service items, and the service points (with
    address, phone and hours; `city` narrows them). Every value is read from its rule row."""
    billing = fee_schedule_view()
    policy = PortalPolicy.current()
    return {
        "hotline": policy.hotline, "hotline_hours": policy.hotline_hours,
        "fees": [{"zone": row.zone, "label": str(row.get_zone_display()),
                  "visit": row.visit, "revisit_surcharge": row.revisit_surcharge,
                  "transport": row.transport} for row in billing["zones"]],
        "long_visit_hours": billing["long_visit_hours"],
        "max_visits": billing["max_visits_without_manager"],
        "on_spot_limit": billing["on_spot_limit"], "credit_days": billing["credit_days"],
        "targets": _targets(),
        "warranty": _warranty(),
        "items": [{"name": item.name, "description": item.description,
                   "charging": item.charging}
                  for item in ServiceItem.objects.filter(published=True)],
        "service_points": _points(city=city),
        "city": city,
    }


# -- what the customer sees of a ticket's quote and money -------------------------------

#: The warranty engine's reasons, in words a customer understands.
REASON_TEXTS = {
    "misuse": gettext_lazy("the fault was caused by use, maintenance or storage not as "
                           "the manual says"),
    "self_repair": gettext_lazy("the unit was opened or repaired by someone else"),
    "force_majeure": gettext_lazy("the damage came from fire, flood, lightning or a power "
                                  "surge"),
    "no_proof": gettext_lazy("there is no invoice, no warranty card and no readable "
                             "manufacture date"),
    "card_mismatch": gettext_lazy("the warranty card does not match the unit"),
    "card_altered": gettext_lazy("the warranty card was altered"),
    "expired": gettext_lazy("the warranty period has ended"),
    "casing_wear": gettext_lazy("the casing is worn, so an exchange is not possible"),
    "needs_invoice_and_card": gettext_lazy("a return or exchange needs the invoice and the "
                                           "warranty card"),
    "no_device": gettext_lazy("no registered unit is linked to this request"),
    "invoice_mismatch": gettext_lazy("the invoice (date, model, IMEI or seller) does not "
                                     "match the unit"),
    "dates_differ": gettext_lazy("the dates on the warranty card and the invoice differ"),
    "label_missing": gettext_lazy("the network-access label or the IMEI label is missing"),
}
BASIS_TEXTS = {
    "invoice": gettext_lazy("in warranty, counted from the invoice date"),
    "manufacture_date": gettext_lazy("in warranty, counted from the manufacture date"),
    "contract": gettext_lazy("covered by your service contract"),
    "repair_warranty": gettext_lazy("covered by the warranty of an earlier repair"),
    "repair_caused": gettext_lazy("a fault caused by our earlier repair: repaired free"),
    "repeat_fault": gettext_lazy("a repeated fault: a free replacement of the same grade"),
}
LINE_KINDS = {
    "visit": gettext_lazy("Visit fee"), "revisit": gettext_lazy("Second trip"),
    "transport": gettext_lazy("Transport of a large unit"), "part": gettext_lazy("Part"),
    "labour": gettext_lazy("Labour"), "factory_repair": gettext_lazy("Factory repair"),
}


def warranty_verdict(ticket: Ticket) -> str:
    """The diagnosis' warranty decision in one plain sentence (empty before diagnosis)."""
    if ticket.warranty_covered is None:
        return ""
    if ticket.warranty_covered:
        return str(_("Free of charge: %(why)s.") % {
            "why": BASIS_TEXTS.get(ticket.warranty_basis, _("covered by the warranty"))})
    reasons = [str(REASON_TEXTS[r]) for r in ticket.warranty_reasons if r in REASON_TEXTS]
    if not reasons:
        return str(_("Not covered by the warranty: the repair is charged."))
    return str(_("Not covered by the warranty, because %(why)s: the repair is charged.")
               % {"why": "; ".join(reasons)})


def customer_money(ticket: Ticket) -> dict:
    """The quote waiting for the customer (lines, total, the verdict) and what is owed:
    amount, due date, and the terms behind it."""
    money = ticket_money(ticket=ticket)
    quote = current_quote(ticket=ticket)
    policy = BillingPolicy.current()
    waiting = quote is not None and quote.status == Quote.Status.PENDING
    lines = []
    for line in (quote.lines.all() if quote is not None and not money["due_on"] else []):
        lines.append({"kind": str(LINE_KINDS.get(line.kind, line.kind)),
                      "description": line.description, "qty": line.qty,
                      "amount": line.amount, "covered": bool(line.covered_reason)})
    if money["due_on"]:
        lines = [{"kind": str(LINE_KINDS.get(line["kind"], line["kind"])),
                  "description": line["description"], "qty": None, "amount": line["amount"],
                  "covered": False} for line in money["lines"]]
    today = timezone.localdate()
    return {
        "quote": quote, "waiting": waiting, "lines": lines, "total": money["total"],
        "paid": money["paid"], "outstanding": money["outstanding"], "due_on": money["due_on"],
        "overdue": bool(money["due_on"] and money["outstanding"] > 0
                        and money["due_on"] < today),
        "on_spot_limit": policy.on_spot_limit, "credit_days": policy.credit_days,
        "verdict": warranty_verdict(ticket),
        "decision": (QuoteDecision.objects.filter(quote=quote).first()
                     if quote is not None else None),
    }


# -- booking and the customer's own overview ----------------------------------------------


def derive_zone_for(*, province: str, city: str, district: str) -> zones.ZoneAnswer:
    return zones.derive_zone(province=province, city=city, district=district,
                             places=service_places())


def bookable_models() -> list[ProductModel]:
    return list(ProductModel.objects.order_by("category", "code").only("code", "name",
                                                                       "category"))


def customer_overview(*, phone: str) -> dict:
    """For a confirmed phone: the archive's customers with it (own phone or a contact's),
    their devices with warranty, and their tickets (newest first), in fixed queries."""
    customers = list(Customer.objects.filter(Q(phone=phone) | Q(contacts__phone=phone))
                     .distinct().order_by("pk"))
    ids = [c.pk for c in customers]
    today = timezone.localdate()
    devices = []
    for device in (Device.objects.filter(customer_id__in=ids).select_related("model")
                   .order_by("serial")):
        ends = warranty_ends(device, on=today)
        devices.append({"serial": device.serial, "model": device.model.name,
                        "warranty_ends": ends, "in_warranty": bool(ends and ends >= today)})
    tickets = list(Ticket.objects.filter(Q(customer_id__in=ids) | Q(contact_phone=phone))
                   .select_related("device", "device__model").order_by("-id")[:50])
    return {"customers": customers, "devices": devices,
            "tickets": [{"number": t.number, "summary": t.summary, "status": t.status,
                         "status_label": t.get_status_display(), "created_at": t.created_at,
                         "secret": t.tracking_secret} for t in tickets]}
