"""Report queries: one aggregate query each, scoped by the actor's service point."""
from datetime import date, timedelta

from django.db import connections
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import FaultCode, ProductModel, SalesRecord
from aftersales.core.dates import local_days_bounds, month_bounds, next_month, parse_month
from aftersales.core.errors import ValidationFailed
from aftersales.core.scoping import require_role, scope
from aftersales.devices.models import Device
from aftersales.network.models import Region, ServicePoint, User
from aftersales.tickets.models import Ticket

from . import kpis as kpi_queries
from . import money, operations
from .rates import rate
from .tables import Period, Table

READERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER,
           User.Role.FINANCE, User.Role.RND, User.Role.PRODUCTION)
REPAIR_KINDS = ("repair", "return", "exchange")


def in_region(qs, region: int | None, path: str = "service_point"):
    """The reports' region filter (on top of the actor's own scope)."""
    return qs if region is None else qs.filter(**{f"{path}__region_id": region})


def month_range(month: str) -> tuple[date, date]:
    """'2026-11' -> (1 Nov, 30 Nov); 422 on `month` otherwise."""
    try:
        first = parse_month(month)
    except ValueError:
        raise ValidationFailed(_("The month is written YYYY-MM."), field="month") from None
    return first, next_month(first) - timedelta(days=1)


def fault_analysis(*, actor: User, month: str, region: int | None = None) -> list[dict]:
    """Repairs resolved in the month by model and fault code, with the repair rate against
    the units sold of that model up to the month's end (the installed base)."""
    require_role(actor, *READERS)
    first, last = month_range(month)
    return fault_rows(first=first, last=last,
                      tickets=in_region(scope(Ticket.objects, actor=actor), region),
                      devices=in_region(scope(Device.objects, actor=actor,
                                              path="customer__service_point"),
                                        region, "customer__service_point"))


def fault_rows(*, first: date, last: date, tickets, devices) -> list[dict]:
    """The fault analysis over the given ticket and device querysets (already scoped).
    Units sold: the imported sales records up to the month's end where a model has them,
    else the registered units bought by then."""
    rows = _repairs_by_model_and_fault(first=first, tickets=tickets)
    model_ids = {r["model_id"] for r in rows}
    sold = dict(SalesRecord.objects.filter(model_id__in=model_ids, month__lte=last)
                .order_by().values_list("model_id").annotate(n=Sum("units")))
    unrecorded = model_ids - set(sold)
    # the installed base: an index-only count over devices (model_id, purchase_date)
    sold.update(devices.filter(model_id__in=unrecorded, purchase_date__lte=last)
                .order_by().values_list("model_id").annotate(n=Count("*")))
    return [{"model": r["model"], "model_name": r["model_name"], "fault_code": r["fault"],
             "fault_name": r["fault_name"], "component": r["component"],
             "repairs": r["repairs"], "units_sold": sold.get(r["model_id"], 0),
             "repair_rate": rate(r["repairs"], sold.get(r["model_id"], 0))} for r in rows]


def _repairs_by_model_and_fault(*, first: date, tickets) -> list[dict]:
    """Repairs resolved in `first`'s month, counted by the unit's model and the fault code,
    ordered by model code and fault code.

    Shaped for millions of tickets (docs/scaling.md): the month's repairs are read from the
    covering index on resolved_at (no ticket rows), in the order of their units, so that
    each unit's model is looked up in the devices' (id, model_id) index walking forward;
    the counting is by ids, and the codes and names are joined to the counted groups only.
    """
    since, until = month_bounds(first)
    month = (tickets.filter(kind__in=REPAIR_KINDS, resolved_at__gte=since,
                            resolved_at__lt=until, device__isnull=False,
                            fault_code__isnull=False)
             .order_by("device_id").values_list("device_id", "fault_code_id"))
    connection = connections[month.db]  # the replica's for a report request (core/replica.py)
    inner, params = month.query.get_compiler(connection=connection).as_sql()
    qn = connection.ops.quote_name
    sql = (f"SELECT m.id, m.{qn('code')}, m.{qn('name')}, f.{qn('code')}, f.{qn('name')}, "
           f"f.{qn('component')}, c.repairs "
           f"FROM (SELECT d.{qn('model_id')} AS model_id, t.fault_code_id, COUNT(*) AS repairs "
           f"FROM ({inner}) t INNER JOIN {qn(Device._meta.db_table)} d "
           f"ON d.{qn('id')} = t.device_id GROUP BY d.{qn('model_id')}, t.fault_code_id) c "
           f"INNER JOIN {qn(ProductModel._meta.db_table)} m ON m.{qn('id')} = c.model_id "
           f"INNER JOIN {qn(FaultCode._meta.db_table)} f ON f.{qn('id')} = c.fault_code_id "
           f"ORDER BY m.{qn('code')} ASC, f.{qn('code')} ASC")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{"model_id": model_id, "model": model, "model_name": model_name, "fault": fault,
                 "fault_name": fault_name, "component": component, "repairs": repairs}
                for model_id, model, model_name, fault, fault_name, component, repairs
                in cursor.fetchall()]


def sla_compliance(*, actor: User, since: date, until: date, region: int | None = None
                   ) -> dict:
    """Tickets received in [since, until] (business dates) and how many met each target."""
    require_role(actor, *READERS)
    if until < since:
        raise ValidationFailed(_("The end date is before the start date."), field="to")
    start, end = local_days_bounds(since, until)
    qs = in_region(scope(Ticket.objects, actor=actor), region).filter(
        created_at__gte=start, created_at__lt=end)
    totals = qs.aggregate(
        tickets=Count("id"),
        responded_in_time=Count("id", filter=Q(respond_met_at__isnull=False,
                                               respond_met_at__lte=F("respond_due"))),
        onsite_in_time=Count("id", filter=Q(onsite_met_at__isnull=False,
                                            onsite_met_at__lte=F("onsite_due"))),
        resolved_in_time=Count("id", filter=Q(resolve_met_at__isnull=False,
                                              resolve_met_at__lte=F("resolve_due"))),
        # breached as soon as a clock passed unmet, not only once it is met or closed
        breached=Count("id", filter=Q(sla_breached=True) | Q(sla_next_due__lt=timezone.now())),
    )
    return totals


# -- the reports of issue 15: KPIs, volumes, parts, returned units, money, budget ----------

def period(*, actor: User, since: date, until: date, model: str | None = None,
           service_point: int | None = None, region: int | None = None) -> Period:
    """The filters of a report, checked (readers only; a known model and point)."""
    require_role(actor, *READERS)
    if until < since:
        raise ValidationFailed(_("The end date is before the start date."), field="to")
    if (until - since).days > 3660:
        raise ValidationFailed(_("At most ten years at once."), field="from")
    if model and not ProductModel.objects.filter(code=model).exists():
        raise ValidationFailed(_("Unknown model."), field="model")
    if service_point is not None:
        if not ServicePoint.objects.filter(pk=service_point).exists() or (
                actor.service_point_id not in (None, service_point)):
            raise ValidationFailed(_("Unknown service point."), field="service_point")
    if region is not None and not Region.objects.filter(pk=region).exists():
        raise ValidationFailed(_("Unknown region."), field="region")
    return Period(since=since, until=until, model=model or None, service_point=service_point,
                  region=region)


def kpis(*, actor: User, period: Period, group: str) -> Table:
    require_role(actor, *READERS)
    return kpi_queries.kpis(actor=actor, period=period, group=group)


def budget(*, actor: User, year: int, model: str | None = None) -> Table:
    require_role(actor, *READERS)
    if model and not ProductModel.objects.filter(code=model).exists():
        raise ValidationFailed(_("Unknown model."), field="model")
    return money.budget(actor=actor, year=year, model=model)


TABLES = {
    "volumes": operations.weekly_volumes,
    "parts": operations.parts_consumption,
    "returned-units": operations.returned_units,
    "complaints": operations.complaints,
    "satisfaction": operations.satisfaction,
    "revenue": money.revenue,
    "debts": money.debts_by_age,
    "subsidies": money.subsidies,
}
