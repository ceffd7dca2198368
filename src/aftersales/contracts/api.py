from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.billing.services import bill_contract
from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.api_types import choices_literal
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.customers.selectors import access_customer
from aftersales.devices.selectors import access_device

from . import selectors, services
from .models import Contract

router = Router(tags=["contracts"])


class ContractIn(Schema):
    customer: int
    kind: choices_literal(Contract.Kind)
    starts_on: date
    ends_on: date
    price: MoneyIn = Decimal("0.00")
    devices: list[str] = Field([], description="serials of the covered devices")
    backup_device: bool | None = None
    preventive_visits_per_year: int | None = Field(None, ge=0, le=52)
    covers_visits: bool | None = None
    covers_parts: bool = Field(True, description="annual/extended: parts are free "
                               "(false: parts charged, labour free)")
    signed_on: date | None = None
    notes: str = ""


class RenewIn(Schema):
    price: MoneyIn | None = None
    months: int = Field(12, ge=1, le=120)


class ContractOut(Schema):
    id: int
    number: str
    customer: int = Field(alias="customer_id")
    kind: str
    status: str
    starts_on: date
    ends_on: date
    price: Money
    devices: list[str]
    backup_device: bool
    preventive_visits_per_year: int
    covers_visits: bool
    covers_parts: bool
    renewed_from: int | None = Field(None, alias="renewed_from_id")

    @staticmethod
    def resolve_devices(obj):
        return [d.serial for d in obj.devices.all()]


class ContractList(Schema):
    items: list[ContractOut]
    next: str | None


@router.post("/contracts", response={201: ContractOut, **ERRORS})
def sign_contract(request, payload: ContractIn):
    try:
        customer = access_customer(actor=request.auth, customer_id=payload.customer)
    except NotFound:
        raise ValidationFailed(_("Unknown customer."), field="customer") from None
    devices = []
    for serial in payload.devices:
        try:
            devices.append(access_device(actor=request.auth, serial=serial))
        except NotFound:
            raise ValidationFailed(_("Unknown device %(serial)s.") % {"serial": serial},
                                   field="devices") from None
    data = payload.dict(exclude={"customer", "devices"})
    contract = services.sign_contract(actor=request.auth, customer=customer, devices=devices,
                                      bill=bill_contract, **data)
    return Status(201, selectors.access_contract(actor=request.auth, contract_id=contract.pk))


@router.get("/contracts", response={200: ContractList, **ERRORS})
def list_contracts(request, customer: int | None = None, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.contract_list(actor=request.auth, customer_id=customer),
                    page=page, page_size=page_size)


@router.get("/contracts/{contract_id}", response={200: ContractOut, **ERRORS})
def get_contract(request, contract_id: int):
    return selectors.access_contract(actor=request.auth, contract_id=contract_id)


@router.post("/contracts/{contract_id}/renew", response={201: ContractOut, **ERRORS})
def renew_contract(request, contract_id: int, payload: RenewIn):
    contract = selectors.access_contract(actor=request.auth, contract_id=contract_id)
    renewed = services.renew_contract(actor=request.auth, contract=contract,
                                      price=payload.price, months=payload.months,
                                      bill=bill_contract)
    return Status(201, selectors.access_contract(actor=request.auth, contract_id=renewed.pk))
