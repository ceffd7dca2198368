"""Operational reports: weekly volumes by channel and kind, parts consumption, returned
units (refurbished / repaired / scrapped), complaints by month and cause, satisfaction. Each is one aggregate query, scoped by the actor's service point."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.billing.selectors import cents, from_cents
from aftersales.core.scoping import scope
from aftersales.inventory.models import ReturnedUnit, StockMove
from aftersales.network.models import User
from aftersales.tickets.models import Complaint, Ticket

from .kpis import filtered_tickets
from .rates import rate
from .tables import Period, Table

L = gettext_lazy


def weekly_volumes(*, actor: User, period: Period) -> Table:
    """Tickets received per ISO week (Monday first, business dates) by channel and kind."""
    counter: Counter = Counter()
    for created, channel, kind in filtered_tickets(actor=actor, period=period).values_list(
            "created_at", "channel", "kind"):
        day = timezone.localdate(created)
        monday = day - timedelta(days=day.weekday())
        counter[(monday, channel, kind)] += 1
    channels, kinds = dict(Ticket.Channel.choices), dict(Ticket.Kind.choices)
    rows = [{"week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
             "week_start": monday.isoformat(), "channel": channel,
             "channel_name": str(channels[channel]), "kind": kind,
             "kind_name": str(kinds[kind]), "tickets": n}
            for (monday, channel, kind), n in sorted(counter.items())]
    return Table(title=_("Weekly volumes"), rows=rows, columns=[
        ("week", L("Week")), ("week_start", L("Week starting")),
        ("channel_name", L("Channel")), ("kind_name", L("Kind")), ("tickets", L("Tickets"))])


def parts_consumption(*, actor: User, period: Period) -> Table:
    """Parts used on tickets in the period (issues less returns), at the moves' cost."""
    qs = scope(StockMove.objects, actor=actor, path="warehouse__service_point").filter(
        kind__in=(StockMove.Kind.ISSUE, StockMove.Kind.RETURN), ticket__isnull=False,
        created_at__gte=period.start, created_at__lt=period.end)
    if period.model:
        qs = qs.filter(ticket__device__model__code=period.model)
    if period.service_point:
        qs = qs.filter(warehouse__service_point_id=period.service_point)
    rows = []
    for row in (qs.values("part__sku", "part__name").order_by("part__sku")
                .annotate(moved=Sum("qty"), cost=Sum(cents("unit_cost") * F("qty")),
                          tickets=Count("ticket", distinct=True))):
        rows.append({"sku": row["part__sku"], "name": row["part__name"], "qty": -row["moved"],
                     "tickets": row["tickets"], "cost": from_cents(-row["cost"])})
    return Table(title=_("Parts consumption"), rows=rows, columns=[
        ("sku", L("SKU")), ("name", L("Part")), ("qty", L("Quantity used")),
        ("tickets", L("Tickets")), ("cost", L("Cost"))])


def returned_units(*, actor: User, period: Period) -> Table:
    """Units taken back in the period by model: how many were refurbished, sent to the
    factory for repair, scrapped, and the rates of refurbishment and repair."""
    qs = scope(ReturnedUnit.objects, actor=actor, path="warehouse__service_point").filter(
        created_at__gte=period.start, created_at__lt=period.end)
    if period.model:
        qs = qs.filter(device__model__code=period.model)
    if period.service_point:
        qs = qs.filter(warehouse__service_point_id=period.service_point)
    S = ReturnedUnit.Status
    rows = []
    for row in (qs.values("device__model__code", "device__model__name")
                .order_by("device__model__code")
                .annotate(received=Count("id"),
                          refurbished=Count("id", filter=Q(status=S.REFURBISHED)),
                          factory_repair=Count("id", filter=Q(status=S.FACTORY_REPAIR)),
                          scrapped=Count("id", filter=Q(status=S.SCRAPPED)))):
        rows.append({"model": row["device__model__code"],
                     "model_name": row["device__model__name"],
                     "received": row["received"], "refurbished": row["refurbished"],
                     "factory_repair": row["factory_repair"], "scrapped": row["scrapped"],
                     "refurbish_rate": rate(row["refurbished"], row["received"]),
                     "repair_rate": rate(row["factory_repair"], row["received"])})
    return Table(title=_("Returned units"), rows=rows, columns=[
        ("model", L("Model")), ("model_name", L("Model name")), ("received", L("Received")),
        ("refurbished", L("Refurbished")), ("factory_repair", L("Factory repair")),
        ("scrapped", L("Scrapped")), ("refurbish_rate", L("Refurbishment rate")),
        ("repair_rate", L("Repair rate"))])


def complaints(*, actor: User, period: Period) -> Table:
    """Complaints received per month and cause (the cause as recorded, trimmed)."""
    qs = scope(Complaint.objects, actor=actor, path="ticket__service_point").filter(
        ticket__created_at__gte=period.start, ticket__created_at__lt=period.end)
    if period.service_point:
        qs = qs.filter(ticket__service_point_id=period.service_point)
    counter: Counter = Counter()
    for created, cause in qs.values_list("ticket__created_at", "cause"):
        month = timezone.localdate(created).strftime("%Y-%m")
        counter[(month, (cause or "").strip() or str(_("(no cause recorded)")))] += 1
    rows = [{"month": month, "cause": cause, "complaints": n}
            for (month, cause), n in sorted(counter.items())]
    return Table(title=_("Complaints"), rows=rows, columns=[
        ("month", L("Month")), ("cause", L("Cause")), ("complaints", L("Complaints"))])


def satisfaction(*, actor: User, period: Period) -> Table:
    """Per month: tickets rated at sign-off or callback and their average (1–5). The yearly
    survey's answers are the campaigns app's (`GET /surveys/{year}`): reports and
    campaigns are peers and do not read each other."""
    tickets = (filtered_tickets(actor=actor, period=period)
               .filter(satisfaction__isnull=False)
               .annotate(month=TruncMonth("created_at")).values("month").order_by("month")
               .annotate(rated=Count("id"), average=Avg("satisfaction")))
    rows = [{"month": row["month"].strftime("%Y-%m"), "rated_tickets": row["rated"],
             "ticket_average": _avg(row["average"])} for row in tickets]
    return Table(title=_("Satisfaction"), rows=rows, columns=[
        ("month", L("Month")), ("rated_tickets", L("Rated tickets")),
        ("ticket_average", L("Ticket satisfaction (average)"))])


def _avg(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
