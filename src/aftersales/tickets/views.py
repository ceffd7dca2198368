"""Ticket screens: intake in three steps, the lists per role with Excel export, the ticket
page with its timeline, SLA clocks and actions (HTMX fragments), the dispatch board and the
engineer's phone view. Reads go through selectors, writes through services."""
from __future__ import annotations

import inspect
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.billing.models import PaymentMethod
from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.views import errors_of, staff_view
from aftersales.customers.selectors import access_customer
from aftersales.devices.selectors import device_list
from aftersales.network.models import User

from . import workflow
from .models import Ticket

OPEN_STATUSES = [s for s in Ticket.Status.values if s not in ("resolved", "closed", "cancelled")]


# -- helpers the customer archive and the hotline use ---------------------------------------

def tickets_by_number(*, actor, q: str, limit: int = 10) -> list[Ticket]:
    q = (q or "").strip().upper()
    if not q.startswith("SR") or len(q) < 4:
        return []
    from . import selectors

    return list(selectors.ticket_list(actor=actor, q=q)[:limit])


def tickets_of_customer(*, actor, customer) -> list[Ticket]:
    from . import selectors

    return list(selectors.ticket_list(actor=actor, customer_id=customer.pk)[:100])


def customer_money(*, actor, customer) -> list[dict]:
    from aftersales.billing.selectors import debt_list

    return [{"ticket_number": c.ticket.number, "outstanding": c.outstanding,
             "due_on": c.due_on, "refused": c.refused_at is not None}
            for c in debt_list(actor=actor, customer_id=customer.pk)]


def knowledge_hits(*, q: str, customer=None) -> list:
    from aftersales.catalog.selectors import knowledge_search

    q = (q or "").strip()
    if not q:
        return []
    return list(knowledge_search(q=q)[:5])


# -- lists per role, filters, Excel export -------------------------------------------------

TABS = [
    ("mine", gettext_lazy("My jobs")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("breaching", gettext_lazy("Breaching within the hour")),
    ("awaiting_approval", gettext_lazy("Awaiting approval")),
    ("on_hold", gettext_lazy("On hold")),
    ("open", gettext_lazy("All open")),
    ("all", gettext_lazy("All")),
]


def default_tab(user) -> str:
    return "mine" if user.role == User.Role.ENGINEER else "open"


def filtered_tickets(request):
    """The list behind a tab and the filter form (the same rows for the page and Excel)."""
    from . import selectors

    actor = request.user
    tab = request.GET.get("tab") or default_tab(actor)
    status = request.GET.get("status") or None
    qs = selectors.ticket_list(actor=actor, status=status, q=request.GET.get("q") or None)
    now = timezone.now()
    if tab == "mine":
        qs = qs.filter(engineer_id=actor.pk, status__in=OPEN_STATUSES)
    elif tab == "unassigned":
        qs = qs.filter(engineer__isnull=True, status__in=OPEN_STATUSES)
    elif tab == "breaching":
        qs = qs.filter(status__in=OPEN_STATUSES, sla_next_due__lte=now + timedelta(hours=1))
        qs = qs.order_by("sla_next_due", "id")
    elif tab in ("awaiting_approval", "on_hold"):
        qs = qs.filter(status=tab)
    elif tab == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    for key in ("kind", "priority", "mode"):
        if request.GET.get(key):
            qs = qs.filter(**{key: request.GET[key]})
    return tab, qs


PAGE = 50


@staff_view
def ticket_list(request):
    tab, qs = filtered_tickets(request)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE:page * PAGE + 1])
    context = {
        "tab": tab, "tabs": TABS,
        "tickets": rows[:PAGE], "has_next": len(rows) > PAGE, "page": page,
        "statuses": Ticket.Status.choices, "kinds": Ticket.Kind.choices,
        "priorities": Ticket.Priority.choices, "modes": Ticket.Mode.choices,
        "params": request.GET, "query": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "ticket-rows":
        return render(request, "tickets/list.html#rows", context)
    return render(request, "tickets/list.html", context)


@staff_view
def ticket_export(request):
    from openpyxl import Workbook

    tab, qs = filtered_tickets(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tickets"))
    sheet.append([_("Number"), _("Status"), _("Kind"), _("Priority"), _("Customer"),
                  _("Phone"), _("Device"), _("Engineer"), _("Summary"), _("Received"),
                  _("Next due")])
    local = timezone.localtime
    for t in qs.iterator(chunk_size=500) if not qs._prefetch_related_lookups else qs:
        sheet.append([t.number, t.get_status_display(), t.get_kind_display(),
                      t.get_priority_display(), t.customer.name, t.customer.phone,
                      t.device.serial if t.device else "",
                      t.engineer.display_name if t.engineer else "", t.summary,
                      local(t.created_at).replace(tzinfo=None),
                      local(t.sla_next_due).replace(tzinfo=None) if t.sla_next_due else None])
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tickets-{tab}.xlsx"'
    book.save(response)
    return response


# -- intake: archive (step 1) -> this form (step 2) -> the script (step 3) -------------------

@staff_view
@require_http_methods(["GET", "POST"])
def new_ticket(request, customer_id: int):
    from aftersales.catalog.selectors import fault_code_list

    from . import services

    customer = access_customer(actor=request.user, customer_id=customer_id)
    devices = list(device_list(actor=request.user, customer_id=customer.pk))
    fields = ("device", "channel", "kind", "priority", "mode", "summary", "description",
              "fault_code", "contact_name", "contact_phone", "order_ref")
    values = {"channel": "phone", "kind": "repair", "priority": "normal", "mode": "onsite",
              "device": request.GET.get("device", devices[0].serial if len(devices) == 1 else "")}
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in fields}
        by_serial = {d.serial: d for d in devices}
        codes = {f.code: f for f in fault_code_list()}
        try:
            if values["device"] and values["device"] not in by_serial:
                raise ValidationFailed(_("Pick one of the customer's devices."), field="device")
            ticket = services.open_ticket(
                actor=request.user, customer=customer,
                device=by_serial.get(values["device"]), channel=values["channel"],
                kind=values["kind"], priority=values["priority"], mode=values["mode"],
                summary=values["summary"], description=values["description"],
                fault_code=codes.get(values["fault_code"]),
                contact_name=values["contact_name"], contact_phone=values["contact_phone"],
                order_ref=values["order_ref"],
                idempotency_key=request.POST.get("idempotency_key") or None)
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return redirect("tickets:opened", ticket_id=ticket.pk)
    import uuid

    return render(request, "tickets/new.html", {
        "customer": customer, "devices": devices, "values": values, "errors": errors,
        "channels": Ticket.Channel.choices, "kinds": Ticket.Kind.choices,
        "priorities": Ticket.Priority.choices, "modes": Ticket.Mode.choices,
        "fault_codes": fault_code_list(), "idempotency_key": request.POST.get(
            "idempotency_key") or uuid.uuid4().hex}, status=422 if errors else 200)


@staff_view
def opened(request, ticket_id: int):
    from . import selectors

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return render(request, "tickets/opened.html", {
        "ticket": ticket,
        "promised_minutes": selectors.promised_callback_minutes(channel=ticket.channel)})


# -- the ticket page -------------------------------------------------------------------------

ACTION_LABELS = workflow.ACTION_LABELS

ACTION_INPUTS = {
    "respond": ["note"], "assign": ["engineer"], "schedule_visit": ["at"],
    "depart": ["outcome"], "receive": ["condition", "accessories"],
    "ship_back": ["carrier", "tracking_no"], "diagnose": ["fault_code", "findings", "cause"],
    "quote": ["transport"] + [f"lines_{i}_{f}" for i in range(3)
                              for f in ("kind", "description", "sku", "qty", "unit_price")],
    "use_part": ["sku", "qty", "warehouse"], "hold": ["reason"], "escalate": ["reason"],
    "resolve": ["resolution"], "sign_off": ["signed_by", "satisfaction", "signature"],
    "refuse_payment": ["note"], "callback": ["satisfaction", "comment"],
    "close": ["reason"], "cancel": ["reason"], "reopen": ["reason"],
    "contact": ["note"], "notify_late": ["minutes"], "take_away": ["condition", "accessories"],
    "test": ["note"], "no_fault_found": ["resolution"],
    "exchange": ["new_serial", "new_imei", "accessory"], "return_unit": ["amount", "method"],
    "mark_misdiagnosis": ["trip_no"],
}
EVENT_LABELS = {**ACTION_LABELS, "open": gettext_lazy("Opened"), "sla_breach": gettext_lazy("SLA breached"),
                "attach": gettext_lazy("File attached"),
                "clock_overdue": gettext_lazy("Promised time missed"),
                "late_repair_offer": gettext_lazy("Late repair: remedy offered"),
                "late_remedy": gettext_lazy("Late repair: customer's choice")}
STATUS_LABELS = dict(Ticket.Status.choices)
CAUSES = [("none", gettext_lazy("No user fault")), ("misuse", gettext_lazy("Misuse")), ("self_repair", gettext_lazy("Self-repair")),
          ("force_majeure", gettext_lazy("Force majeure"))]
QUOTE_ROWS = 3


def _engineers(actor):
    from aftersales.network.selectors import staff_list

    return list(staff_list(actor=actor, role=User.Role.ENGINEER))


def ticket_context(request, ticket, *, errors=None, action=None, values=None) -> dict:
    from aftersales.catalog.selectors import fault_code_list



    now = timezone.now()
    try:
        from aftersales.billing.selectors import ticket_money

        money = ticket_money(ticket=ticket)
    except ImportError:
        money = None
    from .clocks import target_view

    return {
        "ticket": ticket, "now": now,
        "events": [{"at": e.at, "actor": e.actor, "label": EVENT_LABELS.get(e.action, e.action),
                    "to": STATUS_LABELS.get(e.to_status, "") if e.to_status != e.from_status
                    else "", "data": e.data} for e in ticket.events.all()],
        "visits": list(ticket.visits.all()),
        "clocks": target_view(ticket, now=now),
        "money": money,
        "actions": workflow.available_actions(ticket),
        "engineers": _engineers(request.user) if workflow.can(ticket, "assign") else [],
        "fault_codes": list(fault_code_list()) if workflow.can(ticket, "diagnose") else [],
        "causes": CAUSES, "refund_methods": PaymentMethod.choices,
        "quote_rows": range(QUOTE_ROWS),
        "errors": errors or {}, "failed_action": action, "values": values or {},
        "top_error": _top_error(errors, action),
        "labels": ACTION_LABELS, "form_actions": actions_for(request.user, ticket),
        "custody": getattr(ticket, "custody", None) if _has_custody(ticket) else None,
        "phone": request.resolver_match.url_name == "phone_ticket"
        or request.POST.get("phone") == "1",
    }


PHONE_ORDER = ["arrive", "diagnose", "quote", "approve_quote", "reject_quote", "use_part",
               "depart", "resolve", "sign_off", "schedule_visit", "hold", "resume", "respond"]
SEND_IN_ONLY = {"receive", "ship_back"}


def actions_for(user, ticket) -> list[str]:
    """The actions the workflow allows now that the user's role may run (services.ROLES),
    so nobody sees a button that can only be refused."""
    from . import services

    allowed = []
    for action in workflow.available_actions(ticket):
        if action in SEND_IN_ONLY and ticket.mode != Ticket.Mode.SEND_IN:
            continue
        if not (user.is_superuser or user.role == User.Role.ADMIN
                or user.role in services.ROLES.get(action, ())):
            continue
        if user.role == User.Role.ENGINEER and ticket.engineer_id != user.pk:
            continue
        allowed.append(action)
    if user.role == User.Role.ENGINEER:
        allowed.sort(key=lambda a: PHONE_ORDER.index(a) if a in PHONE_ORDER else 99)
    return allowed


def _top_error(errors, action) -> str:
    """A refusal whose field the form does not show is shown above the form."""
    if not errors:
        return ""
    shown = set(ACTION_INPUTS.get(action, []))
    keys = [k for k in errors if k != "code"]
    return "" if keys and keys[0] in shown else next(
        (errors[k] for k in keys), "")


def _has_custody(ticket) -> bool:
    from .models import Custody

    try:
        return ticket.custody is not None
    except Custody.DoesNotExist:
        return False


@staff_view
def detail(request, ticket_id: int):
    from . import selectors

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return render(request, "tickets/detail.html", ticket_context(request, ticket))


def _int(value, field):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a whole number."), field=field) from None


def _when(value, field):
    parsed = parse_datetime(value or "")
    if parsed is None:
        raise ValidationFailed(_("Enter a date and time."), field=field)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _quote_lines(post) -> list[dict]:
    lines = []
    for i in range(QUOTE_ROWS):
        description = post.get(f"line_{i}_description", "").strip()
        sku = post.get(f"line_{i}_sku", "").strip()
        if not description and not sku:
            continue
        price = post.get(f"line_{i}_unit_price", "").strip()
        try:
            unit_price = Decimal(price) if price else None
        except InvalidOperation:
            raise ValidationFailed(_("Enter an amount."), field=f"lines.{len(lines)}.unit_price") from None
        lines.append({"kind": post.get(f"line_{i}_kind", "part"), "description": description,
                      "sku": sku or None, "qty": _int(post.get(f"line_{i}_qty", "1"),
                                                      f"lines.{len(lines)}.qty"),
                      "unit_price": unit_price})
    return lines


def action_fields(request, action: str) -> dict:
    """Turn the action's form into the service's keyword arguments (shape only)."""
    post = request.POST
    text = {k: post.get(k, "").strip() for k in post}
    if action == "assign":
        from aftersales.network.selectors import access_staff

        if not text.get("engineer"):
            raise ValidationFailed(_("Pick an engineer."), field="engineer")
        return {"engineer": access_staff(actor=request.user,
                                         user_id=_int(text["engineer"], "engineer"))}
    if action == "schedule_visit":
        return {"at": _when(text.get("at"), "at")}
    if action == "depart":
        fields = {"outcome": text.get("outcome", "")}
        if fields["outcome"] == "customer_absent":
            fields["at"] = _when(text.get("at"), "at")
        return fields
    if action == "receive":
        return {"condition": text.get("condition", ""),
                "accessories": [a.strip() for a in text.get("accessories", "").replace(
                    "，", ",").split(",") if a.strip()]}
    if action == "ship_back":
        return {"carrier": text.get("carrier", ""), "tracking_no": text.get("tracking_no", "")}
    if action == "diagnose":
        from aftersales.catalog.selectors import get_fault_code

        if not text.get("fault_code"):
            raise ValidationFailed(_("Pick a fault code."), field="fault_code")
        return {"fault_code": get_fault_code(code=text["fault_code"], field="fault_code"), "findings": text.get("findings", ""),
                "cause": text.get("cause", "none")}
    if action == "quote":
        return {"lines": _quote_lines(post), "transport": _int(text.get("transport") or "0",
                                                                "transport")}
    if action == "use_part":
        return {"sku": text.get("sku", ""), "qty": _int(text.get("qty"), "qty")}
    if action in ("hold", "resume"):
        return {"reason": text.get("reason", "")} if action == "hold" else {}
    if action in ("escalate", "close", "cancel", "reopen"):
        return {"reason": text.get("reason", "")}
    if action == "respond":
        return {"note": text.get("note", "")}
    if action == "resolve":
        return {"resolution": text.get("resolution", "")}
    if action == "sign_off":
        fields = {"signed_by": text.get("signed_by", "")}
        if text.get("satisfaction"):
            fields["satisfaction"] = _int(text["satisfaction"], "satisfaction")
        if text.get("signature"):
            fields["signature"] = text["signature"]
        return fields
    if action == "refuse_payment":
        return {"note": text.get("note", "")}
    if action == "callback":
        return {"satisfaction": _int(text.get("satisfaction"), "satisfaction"),
                "comment": text.get("comment", "")}
    return _field_action_fields(action, text)


def _field_action_fields(action: str, text: dict) -> dict:
    """The issue-10 actions: contact, the field duties, 三包 exchange and return."""
    if action == "contact":
        return {"note": text.get("note", ""), "answered": text.get("answered") == "1"}
    if action == "notify_late":
        return {"minutes": _int(text.get("minutes"), "minutes")}
    if action == "take_away":
        return {"condition": text.get("condition", ""),
                "accessories": [a.strip() for a in text.get("accessories", "").replace(
                    "，", ",").split(",") if a.strip()]}
    if action == "test":
        return {"passed": text.get("failed") != "1", "note": text.get("note", "")}
    if action == "no_fault_found":
        return {"resolution": text.get("resolution", "")}
    if action == "exchange":
        return {"new_serial": text.get("new_serial", ""),
                "new_imei": text.get("new_imei") or None,
                "accessory": text.get("accessory", "")}
    if action == "return_unit":
        return {"amount": text.get("amount", ""), "method": text.get("method", "")}
    if action == "mark_misdiagnosis":
        return {"trip_no": _int(text.get("trip_no"), "trip_no")}
    return {}


@staff_view
@require_POST
def act(request, ticket_id: int, action: str):
    from . import selectors, services

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    if action not in workflow.ACTIONS:
        raise ValidationFailed(_("Unknown action."), field="action")
    version = request.POST.get("version")
    try:
        fields = action_fields(request, action)
        service = getattr(services, action)
        accepted = inspect.signature(service).parameters
        ticket = service(actor=request.user, ticket=ticket,
                         version=int(version) if version and version.isdigit() else None,
                         **{k: v for k, v in fields.items() if k in accepted})
    except DomainError as exc:
        ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
        context = ticket_context(request, ticket, errors=errors_of(exc), action=action,
                                 values=request.POST)
        if request.htmx:
            return render(request, "tickets/detail.html#workspace", context, status=200)
        return render(request, "tickets/detail.html", context, status=exc.status)
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket.pk)
    context = ticket_context(request, ticket)
    if request.htmx:
        return render(request, "tickets/detail.html#workspace", context)
    name = "tickets:phone_ticket" if context["phone"] else "tickets:detail"
    return redirect(name, ticket_id=ticket.pk)


# -- dispatch board (manager) ----------------------------------------------------------------

BOARD_DAYS = 7
SUGGEST_FOR = 20


def visits_between(*, actor, start, end, engineer_id=None) -> list:
    """Visits with an appointment in [start, end), scoped like their tickets."""
    from aftersales.core.scoping import scope

    from .models import Visit

    qs = scope(Visit.objects.select_related("ticket", "ticket__customer", "engineer"),
               actor=actor, path="ticket__service_point").filter(
        scheduled_at__gte=start, scheduled_at__lt=end)
    if engineer_id is not None:
        qs = qs.filter(engineer_id=engineer_id)
    return list(qs.order_by("scheduled_at"))


@staff_view
def dispatch_board(request):
    from . import selectors

    actor = request.user
    today = timezone.localdate()
    try:
        start = datetime.strptime(request.GET.get("from", ""), "%Y-%m-%d").date()
    except ValueError:
        start = today
    days = [start + timedelta(days=i) for i in range(BOARD_DAYS)]
    engineers = _engineers(actor)
    tz = timezone.get_current_timezone()
    begin = datetime.combine(start, time.min, tzinfo=tz)
    visits = visits_between(actor=actor, start=begin, end=begin + timedelta(days=BOARD_DAYS))
    cells = {(e.pk, d): [] for e in engineers for d in days}
    for visit in visits:
        key = (visit.engineer_id, timezone.localtime(visit.scheduled_at).date())
        if key in cells:
            cells[key].append(visit)
    load = {row["engineer"].pk: row["open_load"]
            for row in selectors.dispatch_suggestions(actor=actor, ticket=Ticket())}
    rows = [{"engineer": e, "load": load.get(e.pk, 0),
             "cells": [cells[(e.pk, d)] for d in days]} for e in engineers]
    unassigned = list(selectors.ticket_list(actor=actor).filter(
        engineer__isnull=True, status__in=OPEN_STATUSES)[:SUGGEST_FOR])
    suggestions = {t.pk: [row["engineer"] for row in selectors.dispatch_suggestions(
        actor=actor, ticket=t)[:3]] for t in unassigned}
    return render(request, "tickets/dispatch.html", {
        "days": days, "rows": rows, "unassigned": [
            {"ticket": t, "suggested": suggestions[t.pk]} for t in unassigned],
        "engineers": engineers, "prev": start - timedelta(days=BOARD_DAYS),
        "next": start + timedelta(days=BOARD_DAYS), "today": today})


# -- the engineer's phone view ---------------------------------------------------------------

@staff_view
def my_day(request):
    from . import selectors

    actor = request.user
    jobs = list(selectors.ticket_list(actor=actor, engineer_id=actor.pk).filter(
        status__in=OPEN_STATUSES).order_by("sla_next_due", "id"))
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    begin = datetime.combine(today, time.min, tzinfo=tz)
    visits = {v.ticket_id: v for v in visits_between(
        actor=actor, engineer_id=actor.pk, start=begin, end=begin + timedelta(days=1))}
    rows = [{"ticket": t, "visit": visits.get(t.pk)} for t in jobs]
    rows.sort(key=lambda r: (r["visit"] is None,
                             r["visit"].scheduled_at if r["visit"] else timezone.now()))
    return render(request, "tickets/my_day.html", {"rows": rows, "today": today})


@staff_view
def phone_ticket(request, ticket_id: int):
    from . import selectors

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return render(request, "tickets/phone.html", ticket_context(request, ticket))


# -- printed documents -----------------------------------------------------------------------

def _pdf(content: bytes, name: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return response


@staff_view
def service_form_pdf(request, ticket_id: int):
    from . import documents, selectors

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return _pdf(documents.service_form(ticket), f"{ticket.number}.pdf")


@staff_view
def quote_pdf(request, ticket_id: int):
    from . import documents, selectors

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return _pdf(documents.quote(ticket), f"{ticket.number}-quote.pdf",
                inline=request.GET.get("download") != "1")


@staff_view
def label_pdf(request, ticket_id: int):
    from . import documents, selectors

    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return _pdf(documents.custody_label(ticket), f"{ticket.number}-label.pdf",
                inline=request.GET.get("download") != "1")
