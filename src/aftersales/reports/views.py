"""The console's reports page and the manager's home dashboard: each report as an ECharts
chart with its table (the same rows as the API and the Excel), a period/model/point
filter, an Excel download per report; printable (the charts are canvases)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ValidationFailed
from aftersales.core.scoping import require_role, scope
from aftersales.core.views import errors_of, staff_view
from aftersales.network.models import ServicePoint
from aftersales.tickets.models import Ticket
from aftersales.tickets.workflow import OPEN

from . import selectors
from .faults import fault_table, sla_table
from .tables import Period, Table

OPEN_STATUSES = tuple(OPEN)


def _chart(kind: str, table: Table, *, category: str, series: list[tuple[str, str]],
           stack: bool = False) -> dict:
    """A chart spec for static/aftersales/charts.js: categories on one axis, one series
    per (column key, label); numbers as floats for drawing only (the table is exact)."""
    return {"type": kind, "stack": stack,
            "categories": [str(row.get(category) or "") for row in table.rows],
            "series": [{"name": str(label),
                        "data": [float(row.get(key) or 0) for row in table.rows]}
                       for key, label in series]}


def _labels(table: Table) -> dict:
    return {key: str(label) for key, label in table.columns}


def _section(name: str, table: Table, chart: dict | None) -> dict:
    return {"name": name, "title": str(table.title), "columns": [
        (key, str(label)) for key, label in table.columns],
        "rows": [[row.get(key) for key, _label in table.columns] for row in table.rows],
        "chart": chart, "extra": table.extra}


def _period_from(request) -> tuple[Period, dict]:
    today = timezone.localdate()
    values = {"from": request.GET.get("from") or (today - timedelta(days=89)).isoformat(),
              "to": request.GET.get("to") or today.isoformat(),
              "model": request.GET.get("model") or "",
              "service_point": request.GET.get("service_point") or "",
              "group": request.GET.get("group") or "engineer"}
    try:
        since = date.fromisoformat(values["from"])
    except ValueError:
        raise ValidationFailed(_("A date written YYYY-MM-DD."), field="from") from None
    try:
        until = date.fromisoformat(values["to"])
    except ValueError:
        raise ValidationFailed(_("A date written YYYY-MM-DD."), field="to") from None
    point = int(values["service_point"]) if values["service_point"].isdigit() else None
    period = selectors.period(actor=request.user, since=since, until=until,
                              model=values["model"] or None, service_point=point)
    return period, values


def _tables(request, period: Period, group: str) -> list[dict]:
    actor = request.user
    month = period.until.strftime("%Y-%m")
    kpi = selectors.kpis(actor=actor, period=period, group=group)
    volumes = selectors.TABLES["volumes"](actor=actor, period=period)
    weekly = _weekly_by_channel(volumes)
    faults = fault_table(selectors.fault_analysis(actor=actor, month=month), month)
    for row in faults.rows:
        row["label"] = f"{row['model']} {row['fault_name']}"
    parts = selectors.TABLES["parts"](actor=actor, period=period)
    returned = selectors.TABLES["returned-units"](actor=actor, period=period)
    complaints = selectors.TABLES["complaints"](actor=actor, period=period)
    satisfaction = selectors.TABLES["satisfaction"](actor=actor, period=period)
    revenue = selectors.TABLES["revenue"](actor=actor, period=period)
    debts = selectors.TABLES["debts"](actor=actor, period=period)
    subsidies = selectors.TABLES["subsidies"](actor=actor, period=period)
    budget = selectors.budget(actor=actor, year=period.until.year, model=period.model)
    k, p, r = _labels(kpi), _labels(parts), _labels(returned)
    return [
        _section("kpis", kpi, _chart("bar", kpi, category="name", series=[
            ("tickets", k["tickets"]), ("repeat_repairs", k["repeat_repairs"])])),
        _section("volumes", volumes, weekly),
        _section("fault-analysis", faults, _chart("bar", faults, category="label", series=[
            ("repairs", _labels(faults)["repairs"])])),
        _section("parts", parts, _chart("bar", parts, category="name",
                                        series=[("qty", p["qty"])])),
        _section("returned-units", returned, _chart("bar", returned, category="model", series=[
            ("refurbished", r["refurbished"]), ("factory_repair", r["factory_repair"]),
            ("scrapped", r["scrapped"])], stack=True)),
        _section("complaints", complaints, _chart("bar", complaints, category="month", series=[
            ("complaints", _labels(complaints)["complaints"])])),
        _section("satisfaction", satisfaction, _chart("line", satisfaction, category="month",
                                                      series=[("ticket_average", _labels(
                                                          satisfaction)["ticket_average"])])),
        _section("revenue", revenue, _chart("bar", revenue, category="month", series=[
            ("charged", _labels(revenue)["charged"]),
            ("received", _labels(revenue)["received"])])),
        _section("debts", debts, _chart("pie", debts, category="bucket_name",
                                        series=[("amount", _labels(debts)["amount"])])),
        _section("subsidies", subsidies, _chart("bar", subsidies, category="service_point_name",
                                                series=[("amount", _labels(subsidies)["amount"])])),
        _section("budget", budget, _chart("bar", budget, category="model", series=[
            ("budget", _labels(budget)["budget"]), ("spend", _labels(budget)["spend"])])),
    ]


def _weekly_by_channel(volumes: Table) -> dict:
    weeks = sorted({row["week"] for row in volumes.rows})
    channels: dict[str, dict] = {}
    for row in volumes.rows:
        per_week = channels.setdefault(row["channel_name"], {})
        per_week[row["week"]] = per_week.get(row["week"], 0) + row["tickets"]
    return {"type": "line", "stack": True, "categories": weeks,
            "series": [{"name": name, "data": [per_week.get(w, 0) for w in weeks]}
                       for name, per_week in sorted(channels.items())]}


@staff_view
def reports_page(request):
    require_role(request.user, *selectors.READERS)
    errors = {}
    try:
        period, values = _period_from(request)
    except ValidationFailed as exc:
        errors = errors_of(exc)
        today = timezone.localdate()
        period = selectors.period(actor=request.user, since=today - timedelta(days=89),
                                  until=today)
        values = {"from": period.since.isoformat(), "to": period.until.isoformat(),
                  "model": "", "service_point": "", "group": "engineer"}
    group = values["group"] if values["group"] in ("engineer", "service_point") else "engineer"
    return render(request, "reports/reports.html", {
        "sections": _tables(request, period, group), "values": values, "errors": errors,
        "query": request.GET.urlencode(),
        "models": ProductModel.objects.order_by("code").values_list("code", "name"),
        "points": scope(ServicePoint.objects, actor=request.user, path="pk")
        .order_by("code").values_list("pk", "name")})


@staff_view
def report_excel(request, name: str):
    """One report of the page as Excel (the same rows as its table)."""
    require_role(request.user, *selectors.READERS)
    period, values = _period_from(request)
    group = values["group"] if values["group"] in ("engineer", "service_point") else "engineer"
    sections = {"kpis": lambda: selectors.kpis(actor=request.user, period=period, group=group),
                "budget": lambda: selectors.budget(actor=request.user, year=period.until.year,
                                                   model=period.model),
                "fault-analysis": lambda: fault_table(selectors.fault_analysis(
                    actor=request.user, month=period.until.strftime("%Y-%m")),
                    period.until.strftime("%Y-%m"))}
    for key, build in selectors.TABLES.items():
        sections[key] = (lambda build=build: build(actor=request.user, period=period))
    if name not in sections:
        raise Http404
    return sections[name]().as_xlsx(f"{name}-{period.since}-{period.until}.xlsx")


@staff_view
def dashboard(request):
    """The manager's home: today's load, SLA compliance and breaches (30 days),
    satisfaction, the top faults by model (this month)."""
    require_role(request.user, *selectors.READERS)
    actor, today = request.user, timezone.localdate()
    last30 = Period(since=today - timedelta(days=29), until=today)
    tickets = scope(Ticket.objects, actor=actor)
    load = tickets.aggregate(
        received=Count("id", filter=Q(created_at__gte=Period(since=today, until=today).start)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        breached_open=Count("id", filter=Q(status__in=OPEN_STATUSES, sla_breached=True)),
        resolved_today=Count("id", filter=Q(resolved_at__gte=Period(since=today,
                                                                     until=today).start)))
    by_status = (tickets.filter(status__in=OPEN_STATUSES).values("status").order_by("status")
                 .annotate(n=Count("id")))
    statuses = dict(Ticket.Status.choices)
    load_table = Table(title=_("Open tickets by status"), columns=[
        ("status", _("Status")), ("tickets", _("Tickets"))],
        rows=[{"status": str(statuses.get(r["status"], r["status"])), "tickets": r["n"]}
              for r in by_status])
    sla = selectors.sla_compliance(actor=actor, since=last30.since, until=last30.until)
    sla_rows = sla_table(sla)
    compliance = [{"measure": str(label), "tickets": sla[key]}
                  for key, label in sla_rows.columns]
    sla_chart_table = Table(title=sla_rows.title, columns=[("measure", _("Measure")),
                                                           ("tickets", _("Tickets"))],
                            rows=compliance)
    satisfaction = selectors.TABLES["satisfaction"](
        actor=actor, period=Period(since=today - timedelta(days=364), until=today))
    month = today.strftime("%Y-%m")
    faults = fault_table(sorted(selectors.fault_analysis(actor=actor, month=month),
                                key=lambda r: (-r["repairs"], r["model"]))[:10], month)
    for row in faults.rows:
        row["label"] = f"{row['model']} {row['fault_name']}"
    breaches = list(tickets.filter(status__in=OPEN_STATUSES, sla_breached=True)
                    .select_related("customer").order_by("sla_next_due", "id")[:20])
    rated = [r for r in satisfaction.rows if r["ticket_average"] is not None]
    return render(request, "reports/dashboard.html", {
        "load": load, "breaches": breaches,
        "in_time_rate": _share(sla["resolved_in_time"], sla["tickets"]),
        "satisfaction_now": rated[-1]["ticket_average"] if rated else None,
        "sections": [
            _section("load", load_table, _chart("bar", load_table, category="status",
                                                series=[("tickets", _("Tickets"))])),
            _section("sla", sla_chart_table, _chart("bar", sla_chart_table, category="measure",
                                                    series=[("tickets", _("Tickets"))])),
            _section("satisfaction", satisfaction, _chart(
                "line", satisfaction, category="month",
                series=[("ticket_average", _("Ticket satisfaction (average)"))])),
            _section("faults", faults, _chart("bar", faults, category="label",
                                              series=[("repairs", _("Repairs"))])),
        ]})


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"))
