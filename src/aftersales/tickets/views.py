"""Ticket screens: intake in three steps, the lists per role with Excel export, the ticket
page with its timeline, SLA clocks and actions (HTMX fragments), the engineer's phone view of
one ticket and the printed documents. Reads go through selectors, writes through services.
Screens that compose several apps (hotline, archive, dispatch board, my day) are the
console's."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from aftersales.billing.models import PaymentMethod
from aftersales.billing.selectors import ticket_money
from aftersales.catalog.selectors import fault_code_list, part_list
from aftersales.contracts.selectors import warranty_covers_of
from aftersales.core import keyset
from aftersales.core.errors import DomainError, ValidationFailed
from aftersales.core.excel import safe_row
from aftersales.core.views import errors_of, staff_view
from aftersales.customers.selectors import access_customer
from aftersales.devices.selectors import device_list, warranty_badges
from aftersales.network.models import User
from aftersales.network.selectors import access_staff, staff_list
from aftersales.notifications.models import Alert
from aftersales.telephony import selectors as telephony_selectors
from aftersales.telephony import services as telephony

from . import actions, dispatch, documents, selectors, services, story
from .clocks import target_view
from .forms import QUOTE_ROWS, form_data
from .models import Attachment, Ticket, TicketNote
from .notifications import tracking_link

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


def filtered_tickets(request):
    """The list behind a tab and the filter form (the same rows for the page and Excel)."""
    get = request.GET
    return selectors.filtered_list(actor=request.user, tab=get.get("tab"),
                                   status=get.get("status"), q=get.get("q"),
                                   kind=get.get("kind"), priority=get.get("priority"),
                                   mode=get.get("mode"))


PAGE = 50


@staff_view
def ticket_list(request):
    """One page of the tab: Next and Previous carry a keyset cursor (core/keyset.py), so a
    deep page is found from a row's position, never by OFFSET. An old `page=N` link still
    opens (the offset way), and its own links are cursors again."""
    tab, qs = filtered_tickets(request)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    try:
        found = keyset.page(qs, size=PAGE, cursor=request.GET.get("cursor") or None,
                            offset=(page - 1) * PAGE)
    except ValidationFailed:  # a mangled cursor in the address: start from the first page
        found = keyset.page(qs, size=PAGE)
    base = request.GET.copy()
    for key in ("page", "cursor"):
        base.pop(key, None)
    context = {
        "tab": tab, "tabs": TABS,
        "tickets": found.rows, "has_next": found.next_cursor is not None,
        "next_cursor": found.next_cursor, "previous_cursor": found.previous_cursor,
        "statuses": Ticket.Status.choices, "kinds": Ticket.Kind.choices,
        "priorities": Ticket.Priority.choices, "modes": Ticket.Mode.choices,
        "params": request.GET, "query": base.urlencode(),
    }
    if request.htmx and request.htmx.target == "ticket-rows":
        return render(request, "tickets/list.html#rows", context)
    return render(request, "tickets/list.html", context)


@staff_view
def ticket_export(request):
    tab, qs = filtered_tickets(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tickets"))
    sheet.append(safe_row([_("Number"), _("Status"), _("Kind"), _("Priority"), _("Customer"),
                  _("Phone"), _("Device"), _("Engineer"), _("Summary"), _("Received"),
                  _("Next due")]))
    local = timezone.localtime
    for t in qs.iterator(chunk_size=500) if not qs._prefetch_related_lookups else qs:
        sheet.append(safe_row([t.number, t.get_status_display(), t.get_kind_display(),
                      t.get_priority_display(), t.customer.name, t.customer.phone,
                      t.device.serial if t.device else "",
                      t.engineer.display_name if t.engineer else "", t.summary,
                      local(t.created_at).replace(tzinfo=None),
                      local(t.sla_next_due).replace(tzinfo=None) if t.sla_next_due else None]))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tickets-{tab}.xlsx"'
    book.save(response)
    return response


# -- intake: archive (step 1) -> this form (step 2) -> the script (step 3) -------------------

@staff_view
@require_http_methods(["GET", "POST"])
def new_ticket(request, customer_id: int):
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
            # opened from a screen-pop: the call is logged on the ticket too
            call = _own_call(request, request.POST.get("call"))
            if call is not None:
                try:
                    telephony.attach_call_to_ticket(actor=request.user, call=call, ticket=ticket)
                except DomainError:  # the call already has its ticket: keep the first
                    pass
            return redirect("tickets:opened", ticket_id=ticket.pk)
    return render(request, "tickets/new.html", {
        "customer": customer, "devices": devices, "values": values, "errors": errors,
        "call": _own_call(request, request.GET.get("call") or request.POST.get("call")),
        "channels": Ticket.Channel.choices, "kinds": Ticket.Kind.choices,
        "priorities": Ticket.Priority.choices, "modes": Ticket.Mode.choices,
        "fault_codes": fault_code_list(), "idempotency_key": request.POST.get(
            "idempotency_key") or uuid.uuid4().hex}, status=422 if errors else 200)


def _own_call(request, call_id: str | None):
    """A call that rang at this agent's desk (the screen-pop passes its id along)."""
    if not call_id or not str(call_id).isdigit():
        return None
    return telephony_selectors.access_own_call(actor=request.user, call_id=int(call_id))


@staff_view
def opened(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return render(request, "tickets/opened.html", {
        "ticket": ticket,
        "promised_minutes": selectors.promised_callback_minutes(channel=ticket.channel)})


# -- the ticket page -------------------------------------------------------------------------

# sweeps record their alerts on the timeline under the alert's kind (response_overdue ...)
EVENT_LABELS = {**dict(Alert.Kind.choices), **actions.LABELS, "open": gettext_lazy("Opened"),
                "verify_phone": gettext_lazy("Booking phone verified"),
                "sla_breach": gettext_lazy("SLA breached"),
                "late_repair_offer": gettext_lazy("Late repair: remedy offered"),
                "late_remedy": gettext_lazy("Late repair: customer's choice")}
STATUS_LABELS = dict(Ticket.Status.choices)
CAUSES = [("none", gettext_lazy("No user fault")), ("misuse", gettext_lazy("Misuse")),
          ("self_repair", gettext_lazy("Self-repair")),
          ("force_majeure", gettext_lazy("Force majeure"))]
#: The order an engineer's phone shows the buttons in (the likely next step first).
PHONE_ORDER = ["arrive", "diagnose", "quote", "approve_quote", "reject_quote", "use_part",
               "depart", "resolve", "sign_off", "schedule_visit", "hold", "resume", "respond"]


# the main next step of each state, in order of preference; the first the user may run is
# the one clear button, the others sit in the "more actions" menu
MAIN_ACTIONS = {
    "new": ["respond", "assign"], "responded": ["assign", "schedule_visit"],
    "assigned": ["arrive", "schedule_visit", "receive"], "scheduled": ["arrive"],
    "on_site": ["diagnose"], "diagnosed": ["quote", "resolve"],
    "awaiting_approval": ["approve_quote"], "in_repair": ["resolve", "use_part", "depart"],
    "on_hold": ["resume"], "resolved": ["sign_off", "callback", "close"],
    "closed": ["reopen"],
}


def main_action(ticket, allowed: list[str]) -> str | None:
    for action in MAIN_ACTIONS.get(ticket.status, []):
        if action in allowed:
            return action
    return allowed[0] if allowed else None


def catalogue_parts(ticket) -> list:
    """The parts the quote form offers: those fitting the unit's model first, then the rest
    (the engineer searches them by name or SKU; the price comes from the catalogue)."""
    parts = list(part_list().prefetch_related("fits_models")[:300])
    model_id = ticket.device.model_id if ticket.device_id else None
    return sorted(parts, key=lambda p: (not any(m.pk == model_id for m in p.fits_models.all()),
                                        p.sku))


def actions_for(user, ticket) -> list[str]:
    """The actions the guard lets `user` run now: nobody sees a button that is refused."""
    allowed = actions.available(ticket, user)
    if ticket.signed_at is not None and "sign_off" in allowed:
        allowed.remove("sign_off")  # signed once: the page shows the signature, not a pad
    if user.role == User.Role.ENGINEER:
        allowed.sort(key=lambda a: PHONE_ORDER.index(a) if a in PHONE_ORDER else 99)
    return allowed


def ticket_context(request, ticket, *, errors=None, action=None, values=None,
                   done: str | None = None) -> dict:
    now = timezone.now()
    form_actions = actions_for(request.user, ticket)
    money = ticket_money(ticket=ticket)
    return {
        "story": story.story(ticket, money),
        "notes": list(ticket.notes.all()), "attachments": list(ticket.attachments.all()),
        "note_kinds": TicketNote.Kind.choices, "attachment_kinds": Attachment.Kind.choices,
        "warranty_today": warranty_badges([ticket.device], covers=warranty_covers_of(
            device_ids=[ticket.device_id]))[ticket.device_id] if ticket.device_id else None,
        "take_payment": request.user.is_superuser or request.user.role in (
            User.Role.ADMIN, User.Role.MANAGER, User.Role.FINANCE, User.Role.ENGINEER),
        "pay_methods": [(m.value, m.label) for m in PaymentMethod
                        if m.value in ("cash", "wechat", "alipay")],
        "catalogue_parts": catalogue_parts(ticket) if "quote" in form_actions else [],
        "main_action": main_action(ticket, form_actions),
        "done_action": actions.LABELS.get(done) if done else None,
        "ticket": ticket, "now": now,
        "events": [{"at": e.at, "actor": e.actor, "label": EVENT_LABELS.get(e.action, e.action),
                    "to": STATUS_LABELS.get(e.to_status, "") if e.to_status != e.from_status
                    else "", "data": e.data} for e in ticket.events.all()],
        "visits": list(ticket.visits.all()),
        "clocks": target_view(ticket, now=now),
        "money": money,
        "engineers": (list(staff_list(actor=request.user, role=User.Role.ENGINEER))
                      if "assign" in form_actions else []),
        "fault_codes": list(fault_code_list()) if "diagnose" in form_actions else [],
        "causes": CAUSES, "refund_methods": PaymentMethod.choices,
        "quote_rows": range(QUOTE_ROWS),
        "errors": errors or {}, "failed_action": action, "values": values or {},
        "top_error": _top_error(errors, action),
        "form_actions": [(name, actions.LABELS[name]) for name in form_actions],
        "custody": ticket.custody if hasattr(ticket, "custody") else None,
        "phone": request.resolver_match.url_name == "phone_ticket"
        or request.POST.get("phone") == "1",
    }


def _top_error(errors, action) -> str:
    """A refusal whose field the action's form does not show is shown above the form."""
    if not errors:
        return ""
    spec = actions.SPECS.get(action)
    shown = set(spec.schema.model_fields) - {"version"} if spec else set()
    if action == "quote":
        shown.add("lines")
    keys = [k for k in errors if k != "code"]
    first = keys[0].split(".")[0] if keys else ""
    return "" if keys and first in shown else next((errors[k] for k in keys), "")


@staff_view
def detail(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return render(request, "tickets/detail.html", ticket_context(request, ticket))


@staff_view
@require_POST
def act(request, ticket_id: int, action: str):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    if action not in actions.SPECS:
        raise ValidationFailed(_("Unknown action."), field="action")
    try:
        data = actions.parse(action, form_data(action, request.POST))
        ticket = services.perform(actor=request.user, ticket=ticket, action=action, data=data)
    except DomainError as exc:
        ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
        context = ticket_context(request, ticket, errors=errors_of(exc), action=action,
                                 values=request.POST)
        if request.htmx:
            return render(request, "tickets/detail.html#workspace", context, status=200)
        return render(request, "tickets/detail.html", context, status=exc.status)
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket.pk)
    context = ticket_context(request, ticket, done=action)
    if request.htmx:
        return render(request, "tickets/detail.html#workspace", context)
    messages.success(request, _("Done: %(action)s.") % {"action": actions.LABELS.get(action)})
    name = "tickets:phone_ticket" if context["phone"] else "tickets:detail"
    return redirect(name, ticket_id=ticket.pk)


# -- the engineer's phone view ---------------------------------------------------------------

@staff_view
def phone_ticket(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return render(request, "tickets/phone.html", ticket_context(request, ticket))


# -- printed documents -----------------------------------------------------------------------

def _pdf(content: bytes, name: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return response


@staff_view
def service_form_pdf(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return _pdf(documents.service_form(ticket, tracking_url=tracking_link(ticket)
                                       if ticket.tracking_secret else ""),
                f"{ticket.number}.pdf")


@staff_view
def quote_pdf(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return _pdf(documents.quote(ticket), f"{ticket.number}-quote.pdf",
                inline=request.GET.get("download") != "1")


@staff_view
def label_pdf(request, ticket_id: int):
    ticket = selectors.access_ticket(actor=request.user, ticket_id=ticket_id)
    return _pdf(documents.custody_label(ticket), f"{ticket.number}-label.pdf",
                inline=request.GET.get("download") != "1")


# -- dispatch from the board ------------------------------------------------------------------

@staff_view
@require_POST
def dispatch_move(request):
    """A job dropped on an engineer's day (or the board's form): assign and book."""
    back = request.POST.get("back") or ""
    target = redirect(reverse("console:dispatch") + (back if back.startswith("?") else ""))
    try:
        ticket = selectors.access_ticket(actor=request.user,
                                         ticket_id=_int(request.POST.get("ticket"), "ticket"))
        engineer = access_staff(actor=request.user,
                                user_id=_int(request.POST.get("engineer"), "engineer"))
        at = _when(f"{request.POST.get('day', '')}T{request.POST.get('time', '')}", "at")
        ticket = dispatch.dispatch_visit(actor=request.user, ticket=ticket, engineer=engineer,
                                         at=at)
    except DomainError as exc:
        messages.error(request, exc.message)
        return target
    if ticket.engineer_id != engineer.pk:  # the point's approval rule: the approver decides
        messages.warning(request, _("%(number)s: the assignment to %(engineer)s waits for "
                                    "approval; book the visit once it is approved.") % {
            "number": ticket.number, "engineer": engineer.display_name})
        return target
    messages.success(request, _("%(number)s: assigned to %(engineer)s, visit at %(at)s.") % {
        "number": ticket.number, "engineer": engineer.display_name,
        "at": timezone.localtime(at).strftime("%m-%d %H:%M")})
    return target


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
