"""Engineer and service-point KPIs (PRODUCT.md capability 17; API.md `/reports/kpis`) — the
one home of their definitions; the monthly appraisal (reports/appraisal.py) reads them here.

Over the tickets **received** in the period, per engineer or service point:
- tickets: how many;
- first_response_minutes_median: median minutes from receipt to the first response;
- resolve_hours_median: median hours from receipt to resolution (resolved ones);
- responded_in_time / resolved_in_time: tickets whose response / resolution met its target
  (the SLA stamps), their rates of the tickets;
- first_time_fix_rate: resolved tickets that took at most one visit, of the resolved;
- repeat_repairs: repairs on a unit that had another repair resolved in the window before
  (`repeat_window_days()`: the repair warranty, 90 days, `WarrantyPolicy.repair_warranty_days`);
- satisfaction_avg: mean satisfaction (1–5) of the rated tickets, two places;
- complaints: tickets that carry a complaint report.
One query for the tickets' figures, whatever the number of rows."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.scoping import scope
from aftersales.devices.models import WarrantyPolicy
from aftersales.network.models import User
from aftersales.tickets.models import Complaint, Ticket

from .rates import rate
from .tables import Period, Table, mean, median

REPAIR_KINDS = ("repair", "return", "exchange")
GROUPS = ("engineer", "service_point")
COLUMNS = [
    ("key", gettext_lazy("Key")), ("name", gettext_lazy("Name")),
    ("tickets", gettext_lazy("Tickets")),
    ("first_response_minutes_median", gettext_lazy("First response, median (minutes)")),
    ("resolve_hours_median", gettext_lazy("Time to resolve, median (hours)")),
    ("first_time_fix_rate", gettext_lazy("First-time fix rate")),
    ("repeat_repairs", gettext_lazy("Repeat repairs")),
    ("satisfaction_avg", gettext_lazy("Satisfaction (average)")),
]


def filtered_tickets(*, actor: User, period: Period):
    """The tickets received in the period, in the actor's scope and the report's filters."""
    qs = scope(Ticket.objects, actor=actor).filter(created_at__gte=period.start,
                                                    created_at__lt=period.end)
    if period.model:
        qs = qs.filter(device__model__code=period.model)
    if period.service_point:
        qs = qs.filter(service_point_id=period.service_point)
    if period.region:
        qs = qs.filter(service_point__region_id=period.region)
    return qs


def repeat_window_days() -> int:
    """A repair counts as a repeat when the unit had another repair resolved this many days
    before its receipt: the repair warranty (PRODUCT.md: 90 days), a policy row."""
    return WarrantyPolicy.current().repair_warranty_days


def _in_time(met, due) -> bool:
    return met is not None and due is not None and met <= due


def figures(tickets, *, group: str) -> list[dict]:
    """Every engineer's or point's KPI figures over `tickets` (a ticket queryset already cut
    to the period and the reader's scope), ordered by key. Each dict: id, key (username or
    point code), name and the figures of the module docstring (rates exact, four places)."""
    window = repeat_window_days()
    earlier_repair = Ticket.objects.filter(
        device=OuterRef("device"), kind__in=REPAIR_KINDS, resolved_at__isnull=False,
        resolved_at__lt=OuterRef("created_at"),
        resolved_at__gte=OuterRef("created_at") - timedelta(days=window)).exclude(
        pk=OuterRef("pk"))
    path = "engineer" if group == "engineer" else "service_point"
    key = F("engineer__username") if group == "engineer" else F("service_point__code")
    rows = (tickets.filter(**{f"{path}__isnull": False})
            .annotate(group_id=F(f"{path}_id"), group_key=key, group_name=F(f"{path}__name"),
                      trips=Count("visits"), repeat=Exists(earlier_repair),
                      complained=Exists(Complaint.objects.filter(ticket=OuterRef("pk"))))
            .values("group_id", "group_key", "group_name", "kind", "created_at",
                    "responded_at", "resolved_at", "respond_met_at", "respond_due",
                    "resolve_met_at", "resolve_due", "satisfaction", "trips", "repeat",
                    "complained", "device_id")
            .order_by("group_key", "pk"))
    groups: dict[str, dict] = {}
    for row in rows:
        b = groups.setdefault(row["group_key"], {
            "id": row["group_id"], "key": row["group_key"],
            "name": row["group_name"] or row["group_key"], "tickets": 0, "response": [],
            "resolve": [], "first_fix": 0, "repeat": 0, "scores": [], "responded_in_time": 0,
            "resolved_in_time": 0, "complaints": 0})
        b["tickets"] += 1
        if row["responded_at"]:
            seconds = int((row["responded_at"] - row["created_at"]).total_seconds())
            b["response"].append(Decimal(seconds) / 60)
        if row["resolved_at"]:
            seconds = int((row["resolved_at"] - row["created_at"]).total_seconds())
            b["resolve"].append(Decimal(seconds) / 3600)
            b["first_fix"] += row["trips"] <= 1
        if row["kind"] in REPAIR_KINDS and row["device_id"] and row["repeat"]:
            b["repeat"] += 1
        if row["satisfaction"]:
            b["scores"].append(row["satisfaction"])
        b["responded_in_time"] += _in_time(row["respond_met_at"], row["respond_due"])
        b["resolved_in_time"] += _in_time(row["resolve_met_at"], row["resolve_due"])
        b["complaints"] += bool(row["complained"])
    return [{"id": b["id"], "key": b["key"], "name": b["name"], "tickets": b["tickets"],
             "first_response_minutes_median": median(b["response"], "0.1"),
             "resolve_hours_median": median(b["resolve"], "0.01"),
             "responded_in_time": b["responded_in_time"],
             "response_rate": rate(b["responded_in_time"], b["tickets"]),
             "resolved": len(b["resolve"]),
             "resolved_in_time": b["resolved_in_time"],
             "resolution_rate": rate(b["resolved_in_time"], b["tickets"]),
             "first_time_fix": b["first_fix"],
             "first_time_fix_rate": rate(b["first_fix"], len(b["resolve"])),
             "repeat_repairs": b["repeat"],
             "satisfaction_avg": mean(b["scores"], "0.01"),
             "complaints": b["complaints"]}
            for _key, b in sorted(groups.items())]


def kpis(*, actor: User, period: Period, group: str) -> Table:
    out = [{key: row[key] for key, _label in COLUMNS}
           for row in figures(filtered_tickets(actor=actor, period=period), group=group)]
    title = _("Engineer KPIs") if group == "engineer" else _("Service point KPIs")
    return Table(title=title, columns=COLUMNS, rows=out)
