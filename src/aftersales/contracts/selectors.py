from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope
from aftersales.devices import warranty
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
                      message=_("Contract not found."))


def warranty_covers(*, device_id: int) -> list[warranty.ContractCover]:
    """The unit's contracts that extend its warranty (annual and extended, in force), in
    the shape the warranty engine takes."""
    contracts = Contract.objects.filter(
        devices=device_id, status=Contract.Status.ACTIVE,
        kind__in=[Contract.Kind.ANNUAL, Contract.Kind.EXTENDED])
    return [warranty.ContractCover(kind=c.kind, starts_on=c.starts_on, ends_on=c.ends_on)
            for c in contracts]
