from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import to_money
from aftersales.core.numbering import next_number
from aftersales.core.scoping import require_role
from aftersales.customers.models import Customer
from aftersales.devices.models import Device
from aftersales.devices.warranty import add_months
from aftersales.network.models import User

from .errors import ContractCode
from .models import Contract

EDITORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER)

#: How a contract sold is billed: `bill(actor=..., contract=...)`. Billing sits above
#: contracts, so the caller passes it in (billing.services.bill_contract).
Bill = Callable[..., object]


def _check(*, kind: str, starts_on: date, ends_on: date, customer: Customer,
           devices: list[Device]) -> None:
    if kind not in Contract.Kind.values:
        raise ValidationFailed(_("Unknown contract kind."), field="kind")
    if ends_on < starts_on:
        raise ValidationFailed(_("The contract ends before it starts."), field="ends_on")
    for device in devices:
        if device.customer_id != customer.pk:
            raise ValidationFailed(_("A covered device belongs to another customer."),
                                   field="devices")


@transaction.atomic
def sign_contract(*, actor: User, customer: Customer, kind: str, starts_on: date,
                  ends_on: date, price: Decimal, devices: list[Device] = (),
                  backup_device: bool | None = None, preventive_visits_per_year: int | None = None,
                  covers_visits: bool | None = None, covers_parts: bool = True,
                  signed_on: date | None = None, notes: str = "",
                  renewed_from: Contract | None = None, bill: Bill) -> Contract:
    """签约: a contract with its covered devices. Annual maintenance includes a backup
    device after 48 h and quarterly preventive visits unless told otherwise."""
    require_role(actor, *EDITORS)
    devices = list(devices)
    _check(kind=kind, starts_on=starts_on, ends_on=ends_on, customer=customer, devices=devices)
    annual = kind == Contract.Kind.ANNUAL
    contract = Contract.objects.create(
        number=next_number(prefix="HT", period=f"{starts_on:%Y}", width=5),
        customer=customer, kind=kind, starts_on=starts_on, ends_on=ends_on,
        price=to_money(price), status=Contract.Status.ACTIVE,
        backup_device=annual if backup_device is None else backup_device,
        preventive_visits_per_year=(4 if annual else 0) if preventive_visits_per_year is None
        else preventive_visits_per_year,
        covers_visits=(kind != Contract.Kind.PER_VISIT) if covers_visits is None
        else covers_visits,
        covers_parts=bool(covers_parts),
        signed_on=signed_on or starts_on, notes=notes, renewed_from=renewed_from)
    if devices:
        contract.devices.set(devices)
    bill(actor=actor, contract=contract)  # the price is owed from signing
    return contract


@transaction.atomic
def renew_contract(*, actor: User, contract: Contract, price: Decimal | None = None,
                   months: int = 12, bill: Bill) -> Contract:
    """续签: the next contract starts the day after this one ends; the old one is kept."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if Contract.objects.filter(renewed_from=locked).exists():
        raise Conflict(ContractCode.ALREADY_RENEWED, _("This contract has already been renewed."))
    if locked.status == Contract.Status.TERMINATED:
        raise Conflict(ContractCode.CONTRACT_TERMINATED,
                       _("A terminated contract cannot be renewed."))
    starts_on = locked.ends_on + timedelta(days=1)
    ends_on = add_months(locked.ends_on, months)
    return sign_contract(
        actor=actor, customer=locked.customer, kind=locked.kind, starts_on=starts_on,
        ends_on=ends_on, price=locked.price if price is None else price,
        devices=list(locked.devices.all()), backup_device=locked.backup_device,
        preventive_visits_per_year=locked.preventive_visits_per_year,
        covers_visits=locked.covers_visits, covers_parts=locked.covers_parts,
        renewed_from=locked, bill=bill)
