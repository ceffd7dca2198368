"""Reads of tickets, scoped to the actor's service point (another point's ticket is 404)."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope
from aftersales.customers.models import Customer
from aftersales.network.models import User
from aftersales.network.selectors import certified_by_engineer

from . import clocks
from .models import (
    Attachment,
    DispatchApproval,
    FollowUp,
    ProductFeedback,
    Ticket,
    TicketEvent,
    TicketNote,
    Visit,
)
from .workflow import OPEN_STATUSES


def _base() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("customer", "device", "device__model", "engineer",
                                         "service_point", "fault_code", "custody")


def _detail() -> QuerySet[Ticket]:
    return _base().select_related("complaint", "complaint__owner").prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor")
                 .order_by("at", "id")),
        Prefetch("visits", queryset=Visit.objects.select_related("engineer")
                 .order_by("trip_no")),
        Prefetch("follow_ups", queryset=FollowUp.objects.order_by("due_at", "id")),
        Prefetch("notes", queryset=TicketNote.objects.select_related("author")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")))


def access_ticket(*, actor: User, ticket_id: int) -> Ticket:
    """The ticket if the actor may see it, else NotFound (404)."""
    return get_scoped(_detail(), actor=actor, pk=ticket_id, message="Ticket not found.")


def find_by_number(*, number: str) -> Ticket | None:
    """Unscoped, for the public tracking page (which checks the phone or the secret)."""
    return _base().filter(number=(number or "").strip().upper()).first()


def find_by_tracking_secret(*, secret: str) -> Ticket | None:
    if not secret:
        return None
    return _base().filter(tracking_secret=secret).first()


def ticket_list(*, actor: User, status: str | None = None, customer_id: int | None = None,
                serial: str | None = None, phone: str | None = None, q: str | None = None,
                breached: bool | None = None, engineer_id: int | None = None,
                service_point_id: int | None = None) -> QuerySet[Ticket]:
    """Every filter is an indexed look-up (docs/tickets-indexes.md); one query per page."""
    qs = scope(_base(), actor=actor)
    if status:
        qs = qs.filter(status__in=[s for s in status.split(",") if s])
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if serial:
        serial = serial.strip().upper()
        qs = qs.filter(Q(device__serial=serial) | Q(device__imei=serial))
    if phone:
        # the customers with that phone first (a handful, by index), then their tickets by
        # the customer_id index: an OR across the join made PostgreSQL hash 2 M tickets
        digits = "".join(ch for ch in phone if ch.isdigit())
        owners = list(Customer.objects.filter(phone=digits).values_list("id", flat=True)[:100])
        qs = qs.filter(Q(contact_phone=digits) | Q(customer_id__in=owners))
    if q:
        text = q.strip()
        qs = qs.filter(Q(number=text.upper()) | Q(order_ref=text)
                       | Q(summary__text_contains=text))
    if breached is not None:
        now = timezone.now()
        late = Q(sla_breached=True) | Q(sla_next_due__lt=now)
        qs = qs.filter(late) if breached else qs.exclude(late)
    if engineer_id is not None:
        qs = qs.filter(engineer_id=engineer_id)
    if service_point_id is not None:
        qs = qs.filter(service_point_id=service_point_id)
    return qs.order_by("-id")


NUMBER_PART_MIN = 4
NUMBER_DIGITS_RUN = 8  # SR20261130-0012: the date is the longest run of digits


def tickets_by_number_part(*, actor: User, q: str) -> QuerySet[Ticket]:
    """Tickets whose number contains what the caller reads out (4+ characters, with or
    without the SR prefix).

    Numbers carry their letters in front only (SR20261123-0012), so a part that starts
    with a letter can only match from the number's start: `startswith`, answered by the
    number's pattern b-tree — the whole number read out is one probe. A part of digits is
    matched anywhere, from the pg_trgm index on PostgreSQL (migration 0005); that index
    made the whole number slow, since its trigrams (202, 000) are in every number.
    Digits are sorted newest first "NULLS LAST" (ids are never NULL: the same order): with
    a plain `ORDER BY id DESC` PostgreSQL, misjudging how many numbers hold them, walked
    the primary key backwards through 437,000 of 500,000 tickets for 0042 (one ticket a
    day) instead of sorting the index's matches. A prefix keeps the plain order: the
    b-tree's estimate is good, and a short one (SR2025) matches half the tickets, which
    the walk finds at once.

    Only the customer is joined (the box shows number, customer and status): planning
    `_base()`'s eight-table join took PostgreSQL 10–40 ms, more than running it."""
    text = "".join((q or "").split()).upper()
    if len(text) < NUMBER_PART_MIN or not any(ch.isdigit() for ch in text):
        return Ticket.objects.none()
    if text.isdigit() and len(text) > NUMBER_DIGITS_RUN:
        # no number holds more digits in a row than its date (a phone read into the
        # hotline box): nothing to ask the trigram index, whose hits would all be re-checked
        return Ticket.objects.none()
    qs = scope(Ticket.objects.select_related("customer"), actor=actor)
    if text[0].isalpha():
        return qs.filter(number__startswith=text).order_by("-id")
    return qs.filter(number__contains=text).order_by(F("id").desc(nulls_last=True))


def due_within(*, until) -> QuerySet[Ticket]:
    """Open tickets with a target falling due before `until`: one range scan on an index."""
    return Ticket.objects.filter(sla_next_due__isnull=False, sla_next_due__lte=until)


def engineer_loads(*, engineer_ids) -> dict[int, int]:
    """Open jobs per engineer in one grouped query (the open-status test is in the WHERE, so
    an index on (engineer, status) answers it; engineers without open jobs answer 0)."""
    ids = list(engineer_ids)
    loads = dict.fromkeys(ids, 0)
    if ids:
        loads.update(Ticket.objects.filter(engineer_id__in=ids, status__in=OPEN_STATUSES)
                     .values("engineer_id").annotate(n=Count("id"))
                     .values_list("engineer_id", "n").order_by())
    return loads


#: Past this many engineers in the caller's scope (a region, the whole network), the
#: candidates for a job are the engineers of its own service point and those who served its
#: customer before — ranking thousands of engineers a thousand kilometres away for every
#: waiting job would cost the board seconds and suggest nobody useful.
SUGGEST_POOL = 200


def _suggestable_engineers(actor: User, *, tickets: list[Ticket],
                           served: set[int]) -> tuple[list[User], bool]:
    """The candidates, and whether they were pooled (past SUGGEST_POOL in scope)."""
    qs = scope(User.objects.filter(role=User.Role.ENGINEER, is_active=True)
               .select_related("service_point"), actor=actor).order_by("pk")
    if len(qs.values_list("pk", flat=True)[:SUGGEST_POOL + 1]) <= SUGGEST_POOL:
        return list(qs), False
    points = {t.service_point_id for t in tickets if t.service_point_id is not None}
    return list(qs.filter(Q(service_point_id__in=points) | Q(pk__in=served))), True


def dispatch_suggestions_for(*, actor: User, tickets: list[Ticket]) -> dict[int, list[dict]]:
    """dispatch_suggestions for many tickets at once (the dispatch board): the engineers,
    their loads, their certificates and who served each customer before are read once for
    all the tickets (a fixed number of queries however many tickets), then ranked per
    ticket."""
    customers = {t.customer_id for t in tickets if t.customer_id}
    served: dict[int, set[tuple[int, int]]] = {}
    if customers:
        for customer_id, ticket_id, engineer_id in (
                Ticket.objects.filter(customer_id__in=customers, engineer__isnull=False)
                .values_list("customer_id", "pk", "engineer_id").order_by()):
            served.setdefault(customer_id, set()).add((ticket_id, engineer_id))
    engineers, pooled = _suggestable_engineers(
        actor, tickets=tickets, served={e for pairs in served.values() for _t, e in pairs})
    ids = [u.pk for u in engineers]
    loads = engineer_loads(engineer_ids=ids)
    certified = certified_by_engineer(user_ids=ids, on=timezone.localdate())
    ranked = {}
    for t in tickets:
        before = {e for pk, e in served.get(t.customer_id, ()) if pk != t.pk}
        # pooled: each job ranks its own point's engineers and those who served its customer
        mine = ([u for u in engineers if u.service_point_id == t.service_point_id
                 or u.pk in before] if pooled and t.service_point_id is not None
                else engineers)
        ranked[t.pk] = _rank(t, mine, loads=loads, certified=certified, served=before)
    return ranked


def _rank(ticket: Ticket, engineers: list[User], *, loads: dict[int, int],
          certified: dict[int, set[str]], served: set[int]) -> list[dict]:
    category = ticket.device.model.category if ticket.device_id else ""
    ranked = []
    for user in engineers:
        # skills are earned: the categories of the engineer's valid certificates
        skills = {c.strip().lower() for c in certified.get(user.pk, ())}
        skill_match = bool(category) and category.strip().lower() in skills
        same_point = (ticket.service_point_id is not None
                      and user.service_point_id == ticket.service_point_id)
        ranked.append({"engineer": user, "skill_match": skill_match, "same_point": same_point,
                       "open_load": loads.get(user.pk, 0), "served_before": user.pk in served,
                       "certified": sorted(certified.get(user.pk, ()))})
    ranked.sort(key=lambda r: (not r["served_before"], not r["skill_match"],
                               not r["same_point"], r["open_load"], r["engineer"].pk))
    return ranked


def dispatch_suggestions(*, actor: User, ticket: Ticket) -> list[dict]:
    """Engineers ranked by who served this customer before (they know the site), skill
    match with the product category (a valid certificate for it, network.Certificate), same
    service point, then open load (fewest open jobs first)."""
    return dispatch_suggestions_for(actor=actor, tickets=[ticket])[ticket.pk]


def pending_approval_of(*, ticket_ids) -> dict[int, DispatchApproval]:
    """The assignment waiting for approval per ticket (one query), for the board's cards."""
    return {a.ticket_id: a for a in DispatchApproval.objects.filter(
        ticket_id__in=list(ticket_ids), status=DispatchApproval.Status.PENDING)
        .select_related("engineer", "approver").order_by("id")}


def open_follow_ups_due(*, until) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(done_at__isnull=True, due_at__lte=until).select_related(
        "ticket")


def feedback_list(*, actor: User) -> QuerySet[ProductFeedback]:
    qs = ProductFeedback.objects.select_related("product_model", "fault_code", "ticket")
    return scope(qs, actor=actor, path="ticket__service_point").order_by("-id")


def promised_callback_minutes(*, channel: str = "") -> int | None:
    """The engineer's call-back a customer is promised at intake for a request by
    `channel`, in minutes, as configured (the SLA "contact" row); the hotline script, the
    SMS and the portal quote it."""
    return clocks.promised_minutes(channel=channel)


# -- what the console's screens read --------------------------------------------------------


def tickets_by_number(*, actor: User, q: str, limit: int = 10) -> list[Ticket]:
    """The hotline box typed a ticket number (SR...)."""
    q = (q or "").strip().upper()
    if not q.startswith("SR") or len(q) < 4:
        return []
    return list(ticket_list(actor=actor, q=q)[:limit])


def tickets_of_customer(*, actor: User, customer_id: int, limit: int = 100) -> list[Ticket]:
    return list(ticket_list(actor=actor, customer_id=customer_id)[:limit])


#: The list's tabs (the filter each applies is in `filtered_list`).
TABS = ("mine", "unassigned", "breaching", "awaiting_approval", "on_hold", "open", "all")
BREACHING_WITHIN = timedelta(hours=1)


def default_tab(actor: User) -> str:
    return "mine" if actor.role == User.Role.ENGINEER else "open"


def filtered_list(*, actor: User, tab: str | None = None, status: str | None = None,
                  q: str | None = None, kind: str | None = None, priority: str | None = None,
                  mode: str | None = None) -> tuple[str, QuerySet[Ticket]]:
    """The rows behind a tab of the list and its filters (the same rows for Excel)."""
    tab = tab or default_tab(actor)
    qs = ticket_list(actor=actor, status=status, q=q)
    if tab == "mine":
        qs = qs.filter(engineer_id=actor.pk, status__in=OPEN_STATUSES)
    elif tab == "unassigned":
        qs = qs.filter(engineer__isnull=True, status__in=OPEN_STATUSES)
    elif tab == "breaching":
        qs = qs.filter(status__in=OPEN_STATUSES,
                       sla_next_due__lte=timezone.now() + BREACHING_WITHIN)
        qs = qs.order_by("sla_next_due", "id")
    elif tab in ("awaiting_approval", "on_hold"):
        qs = qs.filter(status=tab)
    elif tab == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    for key, value in (("kind", kind), ("priority", priority), ("mode", mode)):
        if value:
            qs = qs.filter(**{key: value})
    return tab, qs


def unassigned_open(*, actor: User, limit: int,
                    service_point_id: int | None = None) -> list[Ticket]:
    return list(ticket_list(actor=actor, service_point_id=service_point_id).filter(
        engineer__isnull=True, status__in=OPEN_STATUSES)[:limit])


def open_jobs_of(*, actor: User, engineer_id: int) -> list[Ticket]:
    return list(ticket_list(actor=actor, engineer_id=engineer_id)
                .filter(status__in=OPEN_STATUSES).order_by("sla_next_due", "id"))


def visits_between(*, actor: User, start: datetime, end: datetime,
                   engineer_id: int | None = None,
                   engineer_ids: list[int] | None = None) -> list[Visit]:
    """Visits with an appointment in [start, end), scoped like their tickets (of one
    engineer, or of a page of engineers)."""
    qs = scope(Visit.objects.select_related("ticket", "ticket__customer", "engineer"),
               actor=actor, path="ticket__service_point").filter(
        scheduled_at__gte=start, scheduled_at__lt=end)
    if engineer_id is not None:
        qs = qs.filter(engineer_id=engineer_id)
    if engineer_ids is not None:
        qs = qs.filter(engineer_id__in=engineer_ids)
    return list(qs.order_by("scheduled_at"))

def pending_approvals(*, actor: User) -> QuerySet[DispatchApproval]:
    return (DispatchApproval.objects.filter(approver=actor,
                                            status=DispatchApproval.Status.PENDING)
            .select_related("ticket", "engineer", "requested_by").order_by("id"))


def access_approval(*, actor: User, approval_id: int) -> DispatchApproval:
    return get_scoped(DispatchApproval.objects.select_related("ticket"), actor=actor,
                      path="ticket__service_point", pk=approval_id,
                      message=_("Dispatch approval not found."))
