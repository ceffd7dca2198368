"""Engineer and service-point KPIs (PRODUCT.md capability 17; API.md `/reports/kpis`):
over the tickets received in the period, per engineer or service point —
- tickets: how many;
- first_response_minutes_median: median minutes from receipt to the first response;
- resolve_hours_median: median hours from receipt to resolution (resolved ones);
- first_time_fix_rate: resolved tickets that took at most one visit, of the resolved;
- repeat_repairs: repairs on a unit that had another repair resolved in the 90 days
  before (the repair warranty window, a rule row);
- satisfaction_avg: mean satisfaction (1–5) of the rated tickets, two places."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.scoping import scope
from aftersales.devices.models import WarrantyPolicy
from aftersales.network.models import User
from aftersales.tickets.models import Ticket

from .rates import rate
from .tables import Period, Table, mean, median

REPAIR_KINDS = ("repair", "return", "exchange")
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
    qs = scope(Ticket.objects, actor=actor).filter(created_at__gte=period.start,
                                                    created_at__lt=period.end)
    if period.model:
        qs = qs.filter(device__model__code=period.model)
    if period.service_point:
        qs = qs.filter(service_point_id=period.service_point)
    return qs


def kpis(*, actor: User, period: Period, group: str) -> Table:
    window = WarrantyPolicy.current().repair_warranty_days
    earlier_repair = Ticket.objects.filter(
        device=OuterRef("device"), kind__in=REPAIR_KINDS, resolved_at__isnull=False,
        resolved_at__lt=OuterRef("created_at"),
        resolved_at__gte=OuterRef("created_at") - timedelta(days=window)).exclude(
        pk=OuterRef("pk"))
    if group == "engineer":
        key, name = F("engineer__username"), F("engineer__name")
        base = filtered_tickets(actor=actor, period=period).filter(engineer__isnull=False)
    else:
        key, name = F("service_point__code"), F("service_point__name")
        base = filtered_tickets(actor=actor, period=period).filter(service_point__isnull=False)
    rows = (base.annotate(group_key=key, group_name=name, trips=Count("visits"),
                          repeat=Exists(earlier_repair))
            .values("group_key", "group_name", "kind", "created_at", "responded_at",
                    "resolved_at", "satisfaction", "trips", "repeat", "device_id")
            .order_by("group_key", "pk"))
    groups: dict[str, dict] = defaultdict(lambda: {"tickets": 0, "response": [],
                                                   "resolve": [], "first_fix": 0,
                                                   "repeat": 0, "scores": []})
    names = {}
    for row in rows:
        bucket = groups[row["group_key"]]
        names[row["group_key"]] = row["group_name"] or row["group_key"]
        bucket["tickets"] += 1
        if row["responded_at"]:
            seconds = int((row["responded_at"] - row["created_at"]).total_seconds())
            bucket["response"].append(Decimal(seconds) / 60)
        if row["resolved_at"]:
            seconds = int((row["resolved_at"] - row["created_at"]).total_seconds())
            bucket["resolve"].append(Decimal(seconds) / 3600)
            bucket["first_fix"] += row["trips"] <= 1
        if row["kind"] in REPAIR_KINDS and row["device_id"] and row["repeat"]:
            bucket["repeat"] += 1
        if row["satisfaction"]:
            bucket["scores"].append(row["satisfaction"])
    out = [{"key": group_key, "name": names[group_key], "tickets": b["tickets"],
            "first_response_minutes_median": median(b["response"], "0.1"),
            "resolve_hours_median": median(b["resolve"], "0.01"),
            "first_time_fix_rate": rate(b["first_fix"], len(b["resolve"])),
            "repeat_repairs": b["repeat"],
            "satisfaction_avg": mean(b["scores"], "0.01")}
           for group_key, b in sorted(groups.items())]
    title = _("Engineer KPIs") if group == "engineer" else _("Service point KPIs")
    return Table(title=title, columns=COLUMNS, rows=out)
