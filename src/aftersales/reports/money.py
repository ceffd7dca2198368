"""Money reports: revenue by month, debts by age, subsidy statements and the service budget
against spend (PRODUCT.md capability 17: budget = 2–4 % of the factory price, a rule row).
Amounts are summed as whole cents (exact on SQLite too) and shown as Decimal(2)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.billing import selectors as billing_selectors
from aftersales.billing.models import LedgerEntry, SubsidyLine, SubsidyStatement
from aftersales.billing.selectors import cents, from_cents
from aftersales.catalog.models import ProductModel, SalesRecord
from aftersales.core.money import to_money
from aftersales.core.scoping import scope
from aftersales.devices.models import Device
from aftersales.inventory.models import StockMove
from aftersales.network.models import User

from .models import ReportPolicy
from .rates import rate
from .tables import Period, Table, year_period

L = gettext_lazy
ZERO = Decimal("0.00")


def revenue(*, actor: User, period: Period) -> Table:
    """Per month: charged (charges and adjustments booked) and received (payments)."""
    qs = scope(LedgerEntry.objects, actor=actor, path="charge__customer__service_point").filter(
        created_at__gte=period.start, created_at__lt=period.end)
    if period.model:
        qs = qs.filter(charge__device__model__code=period.model)
    if period.service_point:
        qs = qs.filter(charge__customer__service_point_id=period.service_point)
    months: dict[str, dict] = defaultdict(lambda: {"charged": 0, "received": 0, "entries": 0})
    for created, kind, amount_cents in qs.values_list("created_at", "kind",
                                                      cents("amount")).order_by("pk"):
        month = months[timezone.localdate(created).strftime("%Y-%m")]
        month["entries"] += 1
        if kind == LedgerEntry.Kind.PAYMENT:
            month["received"] -= amount_cents
        else:
            month["charged"] += amount_cents
    rows = [{"month": month, "charged": from_cents(v["charged"]),
             "received": from_cents(v["received"]), "entries": v["entries"]}
            for month, v in sorted(months.items())]
    return Table(title=_("Revenue"), rows=rows, columns=[
        ("month", L("Month")), ("charged", L("Charged")), ("received", L("Received")),
        ("entries", L("Ledger entries"))])


def debts_by_age(*, actor: User, period: Period) -> Table:
    """Money owed today by how long past due (the billing ageing buckets)."""
    totals = billing_selectors.debt_totals(actor=actor, today=period.until,
                                           include_contracts=True)
    labels = {"current": L("Not yet due"), "1_15": L("1–15 days overdue"),
              "16_60": L("16–60 days overdue"), "60_plus": L("More than 60 days overdue")}
    rows = [{"bucket": name, "bucket_name": str(labels.get(name, name)),
             "amount": totals[name]} for name in billing_selectors.BUCKETS]
    return Table(title=_("Debts by age"), rows=rows,
                 columns=[("bucket_name", L("Age")), ("amount", L("Outstanding"))],
                 extra={"total": totals["total"]})


def subsidies(*, actor: User, period: Period) -> Table:
    """The monthly subsidy statements of the service points in the period."""
    qs = scope(SubsidyStatement.objects.select_related("service_point"), actor=actor).filter(
        month__gte=period.since.replace(day=1), month__lte=period.until)
    if period.service_point:
        qs = qs.filter(service_point_id=period.service_point)
    rows = [{"month": s.month.strftime("%Y-%m"), "service_point": s.service_point.code,
             "service_point_name": s.service_point.name, "tier": s.get_tier_display(),
             "jobs": s.jobs, "per_job": s.per_job, "amount": s.amount}
            for s in qs.order_by("month", "service_point__code")]
    return Table(title=_("Subsidy statements"), rows=rows, columns=[
        ("month", L("Month")), ("service_point", L("Service point")),
        ("service_point_name", L("Name")), ("tier", L("Tier")), ("jobs", L("Completed jobs")),
        ("per_job", L("Subsidy per job")), ("amount", L("Amount"))],
        extra={"total": to_money(sum((r["amount"] for r in rows), ZERO))})


def budget(*, actor: User, year: int, model: str | None = None) -> Table:
    """Per model, for the year: units sold (the imported sales records, else the units
    registered as bought that year) × factory price × the budget rate, against the spend:
    the cost of the parts used on free (warranty-covered) repairs of the model's units and
    the subsidies paid for jobs on them, both in the year."""
    since, until = year_period(year)
    period = Period(since=since, until=until)
    share = ReportPolicy.current().budget_rate
    models = ProductModel.objects.order_by("code")
    if model:
        models = models.filter(code=model)
    recorded = dict(SalesRecord.objects.filter(month__gte=since, month__lte=until)
                    .values_list("model_id").annotate(n=Sum("units")))
    registered = dict(scope(Device.objects, actor=actor, path="customer__service_point")
                      .filter(purchase_date__gte=since, purchase_date__lte=until)
                      .values_list("model_id").annotate(n=Count("id")))
    parts = dict(scope(StockMove.objects, actor=actor, path="warehouse__service_point")
                 .filter(kind__in=(StockMove.Kind.ISSUE, StockMove.Kind.RETURN),
                         ticket__warranty_covered=True, ticket__device__isnull=False,
                         created_at__gte=period.start, created_at__lt=period.end)
                 .values_list("ticket__device__model_id")
                 .annotate(c=Sum(cents("unit_cost") * F("qty"))))
    paid = dict(scope(SubsidyLine.objects, actor=actor, path="statement__service_point")
                .filter(statement__month__gte=since, statement__month__lte=until,
                        ticket__device__isnull=False)
                .values_list("ticket__device__model_id").annotate(c=Sum(cents("amount"))))
    rows = []
    for product in models:
        units = recorded.get(product.pk, registered.get(product.pk, 0))
        price = product.factory_price
        planned = to_money(Decimal(units) * price * share) if price is not None else ZERO
        parts_cost = from_cents(-(parts.get(product.pk) or 0))
        subsidy = from_cents(paid.get(product.pk) or 0)
        spend = to_money(parts_cost + subsidy)
        if not (units or spend):
            continue
        rows.append({"model": product.code, "model_name": product.name, "units_sold": units,
                     "factory_price": price, "budget": planned, "parts_cost": parts_cost,
                     "subsidies": subsidy, "spend": spend,
                     "remaining": to_money(planned - spend),
                     "spend_rate": rate(int(spend * 100), int(planned * 100))})
    total_budget = to_money(sum((r["budget"] for r in rows), ZERO))
    total_spend = to_money(sum((r["spend"] for r in rows), ZERO))
    return Table(title=_("Service budget"), rows=rows, columns=[
        ("model", L("Model")), ("model_name", L("Model name")), ("units_sold", L("Units sold")),
        ("factory_price", L("Factory price")), ("budget", L("Budget")),
        ("parts_cost", L("Parts on free repairs")), ("subsidies", L("Subsidies")),
        ("spend", L("Spend")), ("remaining", L("Remaining")), ("spend_rate", L("Spent share"))],
        extra={"year": year, "budget_rate": share, "budget": total_budget,
               "spend": total_spend})
