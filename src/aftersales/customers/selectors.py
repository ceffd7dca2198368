from collections.abc import Mapping

from django.db.models import Expression, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from .models import Customer

#: Extra per-customer columns that a higher app computes (billing's outstanding amount as
#: one subquery, so a list page stays a fixed number of queries). The caller passes them
#: in; this app does not know the ledger.
Annotations = Mapping[str, Expression]


def _base(annotations: Annotations | None = None) -> QuerySet[Customer]:
    return Customer.objects.select_related("service_point").annotate(**(annotations or {}))


def customer_list(*, actor: User, q: str | None = None,
                  annotations: Annotations | None = None) -> QuerySet[Customer]:
    """Search by name substring, phone (exact or prefix) or customer number."""
    qs = scope(_base(annotations), actor=actor)
    q = (q or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        cond = Q(name__icontains=q) | Q(number__iexact=q) | Q(contacts__name__icontains=q)
        if digits and len(digits) >= 3:
            cond |= Q(phone__startswith=digits) | Q(contacts__phone__startswith=digits)
        qs = qs.filter(cond).distinct()
    return qs.order_by("-id")


def access_customer(*, actor: User, customer_id: int,
                    annotations: Annotations | None = None) -> Customer:
    return get_scoped(_base(annotations).prefetch_related("contacts"), actor=actor, pk=customer_id,
                      message=_("Customer not found."))


def find_by_phone(*, phone: str) -> Customer | None:
    """Unscoped: the archive's customer with this phone, or with a contact who has it
    (oldest first). For the public portal, which shows no customer data from it."""
    return (Customer.objects.filter(phone=phone).order_by("pk").first()
            or Customer.objects.filter(contacts__phone=phone).order_by("pk").first())
