"""Reads of the loaner pool, suppliers, purchase orders and supplier claims, scoped by the
actor's service point."""
from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope

from .models import Loan, Loaner, PurchaseOrder, Supplier, SupplierClaim


def loaner_list(*, actor, out: bool | None = None) -> QuerySet[Loaner]:
    """The pool with each unit's open loan (who holds it, since when) prefetched."""
    qs = scope(Loaner.objects.select_related("model", "service_point", "device"), actor=actor)
    if out is True:
        qs = qs.filter(status=Loaner.Status.LENT)
    elif out is False:
        qs = qs.exclude(status=Loaner.Status.LENT)
    return qs.prefetch_related(Prefetch(
        "loans", queryset=Loan.objects.filter(returned_at__isnull=True)
        .select_related("ticket", "customer"), to_attr="open_loans")).order_by("code")


def access_loaner(*, actor, loaner_id: int) -> Loaner:
    return get_scoped(Loaner.objects.select_related("model", "service_point"), actor=actor,
                      pk=loaner_id, message=_("Loaner not found."))


def loans_overdue(*, today: date | None = None) -> QuerySet[Loan]:
    """Loans past their due day and still out (for the sweep)."""
    today = today or timezone.localdate()
    return (Loan.objects.filter(returned_at__isnull=True, due_on__lt=today)
            .select_related("loaner", "ticket", "customer").order_by("due_on", "id"))


def loans_held_by(*, customer_id: int) -> list[dict]:
    """What a customer holds of ours, for their archive (staff console) and the portal:
    the loaner, the ticket it was lent for, since when, due back, overdue."""
    today = timezone.localdate()
    return [{"loan": loan.pk, "loaner": loan.loaner.code, "serial": loan.loaner.serial,
             "model": loan.loaner.model.name, "ticket_id": loan.ticket_id,
             "ticket": loan.ticket.number, "lent_at": loan.lent_at, "due_on": loan.due_on,
             "overdue": loan.due_on < today}
            for loan in Loan.objects.filter(customer_id=customer_id, returned_at__isnull=True)
            .select_related("loaner", "loaner__model", "ticket").order_by("lent_at", "id")]


def supplier_list(*, active_only: bool = False) -> QuerySet[Supplier]:
    qs = Supplier.objects.all()
    return (qs.filter(active=True) if active_only else qs).order_by("code")


def purchase_order_list(*, actor, status: str | None = None) -> QuerySet[PurchaseOrder]:
    qs = scope(PurchaseOrder.objects.select_related("supplier", "warehouse"), actor=actor,
               path="warehouse__service_point")
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related("lines__part").order_by("-id")


def access_purchase_order(*, actor, order_id: int) -> PurchaseOrder:
    return get_scoped(PurchaseOrder.objects.select_related("supplier", "warehouse")
                      .prefetch_related("lines__part"), actor=actor,
                      path="warehouse__service_point", pk=order_id,
                      message=_("Purchase order not found."))


def supplier_claim_list(*, status: str | None = None) -> QuerySet[SupplierClaim]:
    qs = SupplierClaim.objects.select_related("supplier", "part", "faulty_part__ticket")
    return (qs.filter(status=status) if status else qs).order_by("-id")
