"""Billing reads: the fee schedule in force, a ticket's coverage and money, debts with
ageing, daily takings, subsidy statements. Balances are always sums of the ledger."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from aftersales.contracts.models import Contract
from aftersales.core.dates import local_day_bounds
from aftersales.core.money import ZERO, from_cents, to_money
from aftersales.core.scoping import scope

from . import fees, terms
from .models import (
    BillingPolicy,
    Charge,
    Claim,
    LedgerEntry,
    Quote,
    SubsidyStatement,
    ZoneFee,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)
CHARGED_KINDS = (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.ADJUSTMENT)
#: What the customer paid, net of what was paid back (payments negative, refunds positive).
PAID_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND)
# A debt belongs to the customer's service point (a contract sold has no ticket).
POINT_PATH = "customer__service_point"

#: Who sees the money side (debts, takings, deposits): the API and the console alike.
FINANCE_READERS = ("admin", "manager", "finance")


# --------------------------------------------------------------------------
# Fee schedule and coverage
# --------------------------------------------------------------------------


def fee_schedule() -> fees.FeeSchedule:
    """The fee table in force, from the admin-editable rows."""
    policy = BillingPolicy.current()
    rows = list(ZoneFee.objects.all())
    return fees.FeeSchedule(
        zones={row.zone: fees.ZoneFees(row.visit, row.revisit_surcharge, row.transport)
               for row in rows},
        long_visit_hours=policy.long_visit_hours,
        long_visit_zones=tuple(row.zone for row in rows if row.long_visit_counts_double),
        max_visits_without_manager=policy.max_visits_without_manager,
    )


def fee_schedule_view() -> dict:
    """The configured fee table as rows, for reading (API, console)."""
    policy = BillingPolicy.current()
    return {"zones": list(ZoneFee.objects.order_by("id")),
            "long_visit_hours": f"{policy.long_visit_hours:.2f}",
            "max_visits_without_manager": policy.max_visits_without_manager,
            "on_spot_limit": policy.on_spot_limit, "credit_days": policy.credit_days}


def payment_list(*, ticket) -> QuerySet[LedgerEntry]:
    return (LedgerEntry.objects.filter(charge__ticket=ticket, kind=LedgerEntry.Kind.PAYMENT)
            .select_related("created_by").order_by("id"))


#: Contract kinds that make service free (as their scope says). A per-visit (按次)
#: arrangement charges labour and parts every time; a plain warranty record adds
#: nothing to the 三包 decision.
FREE_SERVICE_KINDS = (Contract.Kind.ANNUAL, Contract.Kind.EXTENDED)


def covering_contract(*, device_id: int | None, on: date) -> Contract | None:
    """An active annual or extended contract covering the unit on that day (annual
    first, then the widest scope)."""
    if device_id is None:
        return None
    contracts = list(Contract.objects.filter(
        devices=device_id, status=Contract.Status.ACTIVE, starts_on__lte=on, ends_on__gte=on,
        kind__in=FREE_SERVICE_KINDS,
    ).order_by("id"))
    order = {Contract.Kind.ANNUAL: 0, Contract.Kind.EXTENDED: 1}
    contracts.sort(key=lambda c: (order.get(c.kind, 9), -c.covers_visits, -c.covers_parts))
    return contracts[0] if contracts else None


def at_our_cost(*, ticket) -> bool:
    """A manager approved a claim on the ticket: the job is free for the customer."""
    return Claim.objects.filter(ticket_id=ticket.pk, status=Claim.Status.APPROVED).exists()


def _contract_coverage(contract: Contract) -> fees.Coverage:
    return fees.Coverage(True, reason="contract", covers_visits=contract.covers_visits,
                         covers_parts=contract.covers_parts)


def coverage_for(*, ticket, on: date | None = None) -> fees.Coverage:
    """What pays for the ticket's work: an approved claim (the job is at our cost), the
    warranty decision taken at diagnosis, else an active annual or extended contract on
    the unit, as far as its scope goes (visits included or not, parts included or not).

    A ticket diagnosed as not covered keeps that answer (the warranty engine already
    weighed annual and extended contracts: misuse voids them too). A per-visit contract
    is never a coverage: labour and parts are charged every time.
    """
    if at_our_cost(ticket=ticket):
        return fees.Coverage(True, reason="claim", covers_visits=True)  # at our cost
    on = on or timezone.localdate()
    if ticket.warranty_covered:
        if ticket.warranty_basis == "contract":
            contract = covering_contract(device_id=ticket.device_id, on=on)
            if contract is not None:
                return _contract_coverage(contract)
        return fees.Coverage(True, reason=ticket.warranty_basis or "warranty")
    if ticket.warranty_covered is None:
        contract = covering_contract(device_id=ticket.device_id, on=on)
        if contract is not None:
            return _contract_coverage(contract)
    return fees.Coverage(False)


#: A trip on which the customer was not there: a new appointment, no charge and no
#: second-trip surcharge (the next trip is still the first visit).
ABSENT_OUTCOME = "customer_absent"


def visits_of(*, ticket) -> list[fees.VisitInput]:
    """The trips made for the ticket's fault, in order; the second and later are revisits.
    A visit still in progress counts until now. A trip with the customer absent is not
    a trip for the fee; one marked as our misdiagnosis is kept but waived."""
    trips = []
    now = timezone.now()
    for visit in sorted(ticket.visits.all(), key=lambda v: v.trip_no):
        if visit.arrived_at is None or visit.outcome == ABSENT_OUTCOME:
            continue
        seconds = max(0, int(((visit.departed_at or now) - visit.arrived_at).total_seconds()))
        trips.append(fees.VisitInput(hours=Decimal(seconds) / Decimal(3600),
                                     revisit=bool(trips), waived=visit.misdiagnosis))
    return trips


def current_quote(*, ticket) -> Quote | None:
    """The latest quote that was not replaced by another."""
    return (Quote.objects.filter(ticket=ticket).exclude(status=Quote.Status.SUPERSEDED)
            .prefetch_related("lines").order_by("-id").first())


# --------------------------------------------------------------------------
# Ledger sums
# --------------------------------------------------------------------------


# SQLite adds decimals as binary floats (0.1 + 0.2 - 0.3 is not 0 there), so every sum
# of money is taken in whole cents, which both databases add exactly.


def cents(field: str = "amount"):
    """An amount column as whole cents (exact on SQLite's REAL storage too)."""
    return Cast(Round(F(field) * Value(100)), BigIntegerField())


def _as_money(cents_expr):
    return ExpressionWrapper(cents_expr * Value(Decimal("0.01")), output_field=MONEY)


def _charge_sums(qs: QuerySet[Charge]) -> QuerySet[Charge]:
    """charged (charges and adjustments), paid (payments less refunds, positive) and
    outstanding."""
    charged = Coalesce(Sum(cents("entries__amount"), filter=Q(entries__kind__in=CHARGED_KINDS)),
                       Value(0), output_field=BigIntegerField())
    paid = Coalesce(Sum(cents("entries__amount"),
                        filter=Q(entries__kind__in=PAID_KINDS)), Value(0),
                    output_field=BigIntegerField())
    owed = Coalesce(Sum(cents("entries__amount")), Value(0), output_field=BigIntegerField())
    return qs.annotate(outstanding_cents=owed, charged=_as_money(charged),
                       paid=_as_money(-paid), outstanding=_as_money(owed))


def charge_outstanding(*, charge_id: int) -> Decimal:
    total = LedgerEntry.objects.filter(charge_id=charge_id).aggregate(t=Sum(cents()))["t"]
    return from_cents(total)


def customer_outstanding_subquery(outer: str = "pk"):
    """For annotating customers: the sum of their ledger (one subquery, no N+1)."""
    rows = (LedgerEntry.objects.filter(customer=OuterRef(outer)).order_by()
            .values("customer").annotate(total=Sum(cents())).values("total")[:1])
    return _as_money(Coalesce(Subquery(rows, output_field=BigIntegerField()), Value(0),
                              output_field=BigIntegerField()))


def customer_outstanding(*, customer_id: int) -> Decimal:
    total = LedgerEntry.objects.filter(customer_id=customer_id).aggregate(
        t=Sum(cents()))["t"]
    return from_cents(total)


def unpaid_charges(*, today: date | None = None) -> QuerySet[Charge]:
    """Charges with money still owed."""
    return _charge_sums(Charge.objects.all()).filter(outstanding_cents__gt=0)


def old_debts(*, today: date | None = None) -> QuerySet[Charge]:
    """Owed money that blocks service: refused, or past its due date."""
    today = today or timezone.localdate()
    return unpaid_charges().filter(Q(refused_at__isnull=False) | Q(due_on__lt=today))


def device_has_unpaid_repair(*, device_id: int, today: date | None = None) -> bool:
    return old_debts(today=today).filter(device_id=device_id).exists()


# --------------------------------------------------------------------------
# A ticket's money (GET /tickets/{id} "charges")
# --------------------------------------------------------------------------


def _line_dict(line) -> dict:
    return {"kind": line.kind, "description": line.description, "amount": line.amount}


def ticket_money(*, ticket) -> dict:
    """Lines, total, paid, outstanding and due date of a ticket. Before the charges fall
    due, the lines and total are the current quote's and nothing is outstanding."""
    charge = _charge_sums(Charge.objects.filter(ticket_id=ticket.pk)).first()
    if charge is not None:
        lines = [_line_dict(line) for line in
                 charge.lines.filter(posting=charge.posting).order_by("position")]
        return {"lines": lines, "total": to_money(charge.charged), "paid": to_money(charge.paid),
                "outstanding": to_money(charge.outstanding), "due_on": charge.due_on,
                "refused": charge.refused_at is not None}
    quote = current_quote(ticket=ticket)
    lines = [_line_dict(line) for line in quote.lines.all()] if quote else []
    return {"lines": lines, "total": quote.total if quote else ZERO, "paid": ZERO,
            "outstanding": ZERO, "due_on": None, "refused": False}


# --------------------------------------------------------------------------
# Finance views
# --------------------------------------------------------------------------

BUCKETS = terms.AGEING_BUCKETS


def _bucket_filter(bucket: str, today: date) -> Q:
    """The due-date range of an ageing bucket: the edges are terms.AGEING_EDGES, the same
    data terms.ageing_bucket reads."""
    earliest, latest = terms.bucket_due_range(bucket, today=today)
    found = Q()
    if earliest is not None:
        found &= Q(due_on__gte=earliest)
    if latest is not None:
        found &= Q(due_on__lte=latest)
    return found


def debt_list(*, actor, today: date | None = None, bucket: str | None = None,
              customer_id: int | None = None, include_contracts: bool = False
              ) -> QuerySet[Charge]:
    """Outstanding debts, oldest due first, with the ticket and customer joined in.
    Contracts sold (no ticket) only when asked for: older callers read `charge.ticket`."""
    today = today or timezone.localdate()
    qs = scope(unpaid_charges(), actor=actor, path=POINT_PATH).select_related(
        "ticket", "contract", "customer", "device")
    if not include_contracts:
        qs = qs.filter(ticket__isnull=False)
    if bucket:
        qs = qs.filter(_bucket_filter(bucket, today))
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("due_on", "id")


def debt_totals(*, actor, today: date | None = None, customer_id: int | None = None,
                include_contracts: bool = False) -> dict[str, Decimal]:
    """Outstanding per ageing bucket (one query)."""
    today = today or timezone.localdate()
    qs = scope(Charge.objects.all(), actor=actor, path=POINT_PATH)
    if not include_contracts:
        qs = qs.filter(ticket__isnull=False)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    entries = LedgerEntry.objects.filter(charge__in=qs.values("pk"))
    # Per charge first: a bucket holds only charges still owing something.
    per_charge = {row["charge"]: row for row in entries.order_by()
                  .values("charge", "charge__due_on")
                  .annotate(owed=Sum(cents())).filter(owed__gt=0)}
    totals = {name: ZERO for name in BUCKETS}
    for row in per_charge.values():
        name = terms.ageing_bucket(due_on=row["charge__due_on"], today=today)
        totals[name] = to_money(totals[name] + from_cents(row["owed"]))
    totals["total"] = to_money(sum(totals.values(), ZERO))
    return totals


def takings(*, actor, day: date) -> dict:
    """Payments received on a business day (Asia/Shanghai), by method."""
    start, end = local_day_bounds(day)
    qs = scope(LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT, created_at__gte=start,
                                          created_at__lt=end),
               actor=actor, path="charge__" + POINT_PATH)
    rows = {row["method"]: row for row in qs.order_by().values("method")
            .annotate(count=Count("id"), amount=Sum(cents()))}
    from .models import PaymentMethod

    items = [{"method": method, "count": rows.get(method, {}).get("count", 0),
              "amount": ZERO - from_cents(rows.get(method, {}).get("amount"))}
             for method in PaymentMethod.values]
    return {"date": day, "items": items,
            "total": to_money(sum((item["amount"] for item in items), ZERO))}


def subsidy_statement_list(*, actor, month: date | None = None) -> QuerySet[SubsidyStatement]:
    qs = scope(SubsidyStatement.objects.select_related("service_point"), actor=actor)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "service_point__code")


def customer_debts(*, customer, today: date | None = None) -> list[dict]:
    """A customer's unpaid charges for the archive page, oldest due first."""
    today = today or timezone.localdate()
    rows = unpaid_charges().filter(customer_id=customer.pk).select_related(
        "ticket", "contract").order_by("due_on", "id")
    return [{"ticket_id": charge.ticket_id,
             "ticket": charge.ticket.number if charge.ticket_id else None,
             "contract_id": charge.contract_id,
             "contract": charge.contract.number if charge.contract_id else None,
             "total": to_money(charge.charged), "paid": to_money(charge.paid),
             "outstanding": to_money(charge.outstanding), "due_on": charge.due_on,
             "refused": charge.refused_at is not None,
             "bucket": terms.ageing_bucket(due_on=charge.due_on, today=today)}
            for charge in rows]
