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


def warranty_covers_of(*, device_ids: list[int]) -> dict[int, list[warranty.ContractCover]]:
    """`warranty_covers` for many units in one query (a customer's archive, a hit list)."""
    covers: dict[int, list[warranty.ContractCover]] = {pk: [] for pk in device_ids}
    for device_id, kind, starts, ends in Contract.devices.through.objects.filter(
            device_id__in=device_ids, contract__status=Contract.Status.ACTIVE,
            contract__kind__in=[Contract.Kind.ANNUAL, Contract.Kind.EXTENDED]).values_list(
            "device_id", "contract__kind", "contract__starts_on", "contract__ends_on"):
        covers[device_id].append(warranty.ContractCover(kind=kind, starts_on=starts,
                                                        ends_on=ends))
    return covers
