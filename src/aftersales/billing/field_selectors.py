"""Reads of money in the field: cash in engineers' hands with its age, the balances by
age, staff liabilities and the monthly statement, claims, disputes, invoice requests (and
what the portal shows of them), refunds. Scoped by the actor's service point."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.dates import month_bounds
from aftersales.core.errors import ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from .models import (
    CashHandover,
    Charge,
    Claim,
    FeeDispute,
    FieldMoneyPolicy,
    InvoiceRequest,
    LedgerEntry,
    PaymentMethod,
    Refund,
    StaffLiability,
)

# --------------------------------------------------------------------------
# Cash in hand
# --------------------------------------------------------------------------


def held_methods(policy: FieldMoneyPolicy | None = None) -> tuple[str, ...]:
    """Payment methods whose money an engineer holds until the hand-over."""
    policy = policy or FieldMoneyPolicy.current()
    if policy.personal_qr_counts_as_cash:
        return (PaymentMethod.CASH, PaymentMethod.WECHAT, PaymentMethod.ALIPAY)
    return (PaymentMethod.CASH,)


def cash_in_hand(*, actor=None, engineer_id: int | None = None,
                 policy: FieldMoneyPolicy | None = None) -> QuerySet[LedgerEntry]:
    """Payments engineers took and finance has not yet received, oldest first. An
    engineer sees their own; others their service point's engineers (HQ: all)."""
    qs = (LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT,
                                     method__in=held_methods(policy),
                                     created_by__role=User.Role.ENGINEER,
                                     handed_over__isnull=True)
          .select_related("created_by", "charge__ticket", "charge__contract", "customer"))
    if actor is not None:
        if getattr(actor, "role", None) == User.Role.ENGINEER and not actor.is_superuser:
            qs = qs.filter(created_by=actor)
        qs = scope(qs, actor=actor, path="created_by__service_point")
    if engineer_id is not None:
        qs = qs.filter(created_by_id=engineer_id)
    return qs.order_by("created_at", "id")


def cash_age(entry: LedgerEntry, *, now: datetime, days: int) -> dict:
    """Whole days the money has been held, when it is due, and whether it is overdue."""
    due_at = entry.created_at + timedelta(days=days)
    return {"age_days": max(0, (now - entry.created_at).days), "due_at": due_at,
            "overdue": now >= due_at}


def cash_rows(*, actor, engineer_id: int | None = None, now: datetime | None = None
              ) -> list[dict]:
    now = now or timezone.now()
    policy = FieldMoneyPolicy.current()
    rows = []
    for entry in cash_in_hand(actor=actor, engineer_id=engineer_id, policy=policy):
        charge = entry.charge
        rows.append({
            "payment": entry.pk, "engineer": entry.created_by_id,
            "engineer_name": entry.created_by.name or entry.created_by.username,
            "ticket": charge.ticket_id,
            "ticket_number": charge.ticket.number if charge.ticket_id else None,
            "contract_number": charge.contract.number if charge.contract_id else None,
            "customer": entry.customer.name, "amount": -entry.amount, "method": entry.method,
            "received_at": entry.created_at,
            **cash_age(entry, now=now, days=policy.handover_days)})
    return rows


def engineer_holding(*, actor, engineer_id) -> User:
    """An engineer the actor may see, by id as a form sends it."""
    try:
        pk = int(engineer_id)
    except (TypeError, ValueError):
        pk = None
    found = (scope(User.objects.filter(role=User.Role.ENGINEER), actor=actor)
             .filter(pk=pk).first() if pk else None)
    if found is None:
        raise ValidationFailed(_("Choose the engineer."), field="engineer")
    return found


def cash_overdue(*, now: datetime) -> QuerySet[LedgerEntry]:
    """Money held past the hand-over days (for the sweep)."""
    policy = FieldMoneyPolicy.current()
    return cash_in_hand(policy=policy).filter(
        created_at__lte=now - timedelta(days=policy.handover_days))


def cash_balances(*, actor, now: datetime | None = None) -> list[dict]:
    """Per engineer: what they hold, split by age (within the hand-over days, overdue),
    the oldest payment's age and the count."""
    now = now or timezone.now()
    by_engineer: dict[int, dict] = {}
    for row in cash_rows(actor=actor, now=now):
        line = by_engineer.setdefault(row["engineer"], {
            "engineer": row["engineer"], "engineer_name": row["engineer_name"],
            "payments": 0, "current": ZERO, "overdue": ZERO, "total": ZERO,
            "oldest_days": 0})
        line["payments"] += 1
        bucket = "overdue" if row["overdue"] else "current"
        line[bucket] = to_money(line[bucket] + row["amount"])
        line["total"] = to_money(line["total"] + row["amount"])
        line["oldest_days"] = max(line["oldest_days"], row["age_days"])
    return sorted(by_engineer.values(), key=lambda r: (-r["oldest_days"], r["engineer"]))


def handover_list(*, actor, engineer_id: int | None = None) -> QuerySet[CashHandover]:
    qs = scope(CashHandover.objects.select_related("engineer", "received_by"), actor=actor,
               path="engineer__service_point")
    if engineer_id is not None:
        qs = qs.filter(engineer_id=engineer_id)
    return qs.prefetch_related("payments").order_by("-id")


# --------------------------------------------------------------------------
# Staff liability
# --------------------------------------------------------------------------


def liability_list(*, actor, engineer_id: int | None = None, status: str | None = None
                   ) -> QuerySet[StaffLiability]:
    qs = StaffLiability.objects.select_related("engineer", "ticket", "ticket__customer")
    if getattr(actor, "role", None) == User.Role.ENGINEER and not actor.is_superuser:
        qs = qs.filter(engineer=actor)
    qs = scope(qs, actor=actor, path="engineer__service_point")
    if engineer_id is not None:
        qs = qs.filter(engineer_id=engineer_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def access_liability(*, actor, liability_id: int) -> StaffLiability:
    return get_scoped(StaffLiability.objects.select_related("engineer", "ticket"),
                      actor=actor, path="engineer__service_point", pk=liability_id,
                      message=_("Liability not found."))


def liability_statement(*, engineer: User, month: date) -> dict:
    """An engineer's staff receivables for a month, for payroll: what was open at the
    start, booked, cleared by the customer's payment, written off, and open at the end."""
    start, stop = month_bounds(month)
    rows = list(StaffLiability.objects.filter(engineer=engineer, created_at__lt=stop)
                .filter(Q(status=StaffLiability.Status.OPEN) | Q(settled_at__gte=start))
                .select_related("ticket", "ticket__customer").order_by("created_at", "id"))
    totals = {"opening": ZERO, "booked": ZERO, "cleared": ZERO, "written_off": ZERO,
              "closing": ZERO}
    lines = []
    for row in rows:
        settled_in_month = row.settled_at is not None and start <= row.settled_at < stop
        if row.created_at < start:
            totals["opening"] += row.amount
        else:
            totals["booked"] += row.amount
        if settled_in_month and row.status == StaffLiability.Status.CLEARED:
            totals["cleared"] += row.amount
        elif settled_in_month:
            totals["written_off"] += row.amount
        else:
            totals["closing"] += row.amount
        lines.append({"id": row.pk, "ticket": row.ticket.number,
                      "customer": row.ticket.customer.name, "kind": row.kind,
                      "kind_label": row.get_kind_display(), "amount": row.amount,
                      "booked_on": timezone.localdate(row.created_at),
                      "status": row.status if row.settled_at is None or row.settled_at < stop
                      else StaffLiability.Status.OPEN,
                      "settled_on": timezone.localdate(row.settled_at)
                      if settled_in_month else None,
                      "reason": row.reason, "note": row.note})
    return {"engineer": engineer.pk, "engineer_name": engineer.name or engineer.username,
            "month": f"{month:%Y-%m}", "lines": lines,
            "totals": {k: to_money(v) for k, v in totals.items()}}


# --------------------------------------------------------------------------
# Claims, disputes, refunds
# --------------------------------------------------------------------------


def claim_list(*, actor, status: str | None = None) -> QuerySet[Claim]:
    qs = scope(Claim.objects.select_related("ticket", "customer"), actor=actor,
               path="ticket__service_point")
    return (qs.filter(status=status) if status else qs).order_by("-id")


def access_claim(*, actor, claim_id: int) -> Claim:
    return get_scoped(Claim.objects.select_related("ticket", "customer"), actor=actor,
                      path="ticket__service_point", pk=claim_id, message=_("Claim not found."))


def dispute_list(*, actor, status: str | None = None) -> QuerySet[FeeDispute]:
    qs = scope(FeeDispute.objects.select_related("charge", "charge__ticket", "customer"),
               actor=actor, path="customer__service_point")
    return (qs.filter(status=status) if status else qs).order_by("-id")


def access_dispute(*, actor, dispute_id: int) -> FeeDispute:
    return get_scoped(FeeDispute.objects.select_related("charge", "charge__ticket",
                                                        "customer"),
                      actor=actor, path="customer__service_point", pk=dispute_id,
                      message=_("Dispute not found."))


def refund_list(*, actor, status: str | None = None) -> QuerySet[Refund]:
    qs = scope(Refund.objects.select_related("charge", "charge__ticket", "customer"),
               actor=actor, path="customer__service_point")
    return (qs.filter(status=status) if status else qs).order_by("-id")


def access_refund(*, actor, refund_id: int) -> Refund:
    return get_scoped(Refund.objects.select_related("charge", "customer"), actor=actor,
                      path="customer__service_point", pk=refund_id,
                      message=_("Refund not found."))


def refund_room(*, charge_id: int, excluding: int | None = None) -> dict[str, Decimal]:
    """What may still be refunded on a charge: `paid` is what the customer paid less what
    was paid back or is waiting for finance; `credit` is what they paid above the charge;
    `charged` is what a return may still reverse."""
    amounts = {"payments": ZERO, "refunds": ZERO, "charged": ZERO}
    for kind, amount in LedgerEntry.objects.filter(charge_id=charge_id).values_list(
            "kind", "amount"):
        if kind == LedgerEntry.Kind.PAYMENT:
            amounts["payments"] -= amount
        elif kind == LedgerEntry.Kind.REFUND:
            amounts["refunds"] += amount
        else:
            amounts["charged"] += amount
    pending = Refund.objects.filter(charge_id=charge_id, status=Refund.Status.PENDING)
    if excluding is not None:
        pending = pending.exclude(pk=excluding)
    waiting = {"return": ZERO, "overpayment": ZERO}
    for reason, amount in pending.values_list("reason", "amount"):
        waiting[reason] += amount
    paid = amounts["payments"] - amounts["refunds"]
    credit = paid - amounts["charged"]
    return {"paid": to_money(paid - waiting["return"] - waiting["overpayment"]),
            "credit": to_money(credit - waiting["overpayment"]),
            "charged": to_money(amounts["charged"] - waiting["return"])}


# --------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------


def invoice_list(*, actor, status: str | None = None) -> QuerySet[InvoiceRequest]:
    qs = scope(InvoiceRequest.objects.select_related("customer", "payment",
                                                     "payment__charge__ticket"),
               actor=actor, path="customer__service_point")
    return (qs.filter(status=status) if status else qs).order_by("id")


def access_invoice(*, actor, invoice_id: int) -> InvoiceRequest:
    return get_scoped(InvoiceRequest.objects.select_related("customer", "payment"),
                      actor=actor, path="customer__service_point", pk=invoice_id,
                      message=_("Invoice request not found."))


def customer_invoices(*, customer_id: int) -> list[dict]:
    """What the portal shows a customer of their invoice requests: no staff names."""
    return [{"id": row.pk, "payment": row.payment_id, "amount": row.amount,
             "kind": row.kind, "kind_label": row.get_kind_display(), "title": row.title,
             "status": row.status, "status_label": row.get_status_display(),
             "issued": row.status == InvoiceRequest.Status.ISSUED,
             "number": row.number, "issued_on": row.issued_on,
             "requested_at": row.created_at}
            for row in InvoiceRequest.objects.filter(customer_id=customer_id).order_by("-id")]


def invoice_export_rows(*, actor, status: str = InvoiceRequest.Status.REQUESTED
                        ) -> list[list]:
    """Rows for the tax system's batch import (one line per invoice to issue)."""
    rows = []
    for row in invoice_list(actor=actor, status=status):
        rows.append([row.pk, row.get_kind_display(), row.title, row.taxpayer_id,
                     row.address_phone, row.bank_account, f"{row.amount:.2f}",
                     timezone.localdate(row.created_at).isoformat(),
                     row.payment.charge.ticket.number if row.payment.charge.ticket_id else "",
                     row.number, row.issued_on.isoformat() if row.issued_on else ""])
    return rows


# --------------------------------------------------------------------------
# What the API resolves (the actor's own records, else "unknown")
# --------------------------------------------------------------------------


def charge_of(*, ticket=None, contract=None) -> Charge | None:
    """The charge of a ticket or of a contract sold (the caller checked access to it)."""
    owner = {"ticket": ticket} if ticket is not None else {"contract": contract}
    return Charge.objects.filter(**owner).first()


def payment_entry(*, payment_id: int) -> LedgerEntry | None:
    """A payment by id with its charge (the caller checks access through its ticket or
    contract)."""
    return (LedgerEntry.objects.filter(pk=payment_id, kind=LedgerEntry.Kind.PAYMENT)
            .select_related("charge").first())
