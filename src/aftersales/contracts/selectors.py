from django.db.models import QuerySet

from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from .models import Contract

POINT_PATH = "customer__service_point"


def contract_list(*, actor: User, customer_id: int | None = None) -> QuerySet[Contract]:
    qs = scope(Contract.objects.select_related("customer").prefetch_related("devices"),
               actor=actor, path=POINT_PATH)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("-starts_on", "-id")


def access_contract(*, actor: User, contract_id: int) -> Contract:
    return get_scoped(Contract.objects.select_related("customer").prefetch_related("devices"),
                      actor=actor, path=POINT_PATH, pk=contract_id,
                      message="Contract not found.")
