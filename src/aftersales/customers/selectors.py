from django.db.models import DecimalField, Q, QuerySet, Value

from aftersales.core.money import ZERO

from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from .models import Customer


def _base() -> QuerySet[Customer]:
    # outstanding: the unpaid part of the customer's charges (billing ledger).
    return Customer.objects.select_related("service_point").annotate(
        outstanding=Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2)))


def customer_list(*, actor: User, q: str | None = None) -> QuerySet[Customer]:
    """Search by name substring, phone (exact or prefix) or customer number."""
    qs = scope(_base(), actor=actor)
    q = (q or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        cond = Q(name__icontains=q) | Q(number__iexact=q) | Q(contacts__name__icontains=q)
        if digits and len(digits) >= 3:
            cond |= Q(phone__startswith=digits) | Q(contacts__phone__startswith=digits)
        qs = qs.filter(cond).distinct()
    return qs.order_by("-id")


def access_customer(*, actor: User, customer_id: int) -> Customer:
    return get_scoped(_base().prefetch_related("contacts"), actor=actor, pk=customer_id,
                      message="Customer not found.")
