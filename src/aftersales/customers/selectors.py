from django.db.models import Q, QuerySet

from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from .models import Customer


def _base() -> QuerySet[Customer]:
    # outstanding: the unpaid part of the customer's charges, summed from the billing
    # ledger in one subquery (so a list page stays a fixed number of queries).
    from aftersales.billing.selectors import customer_outstanding_subquery

    return Customer.objects.select_related("service_point").annotate(
        outstanding=customer_outstanding_subquery())


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
