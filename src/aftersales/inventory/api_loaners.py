"""API.md "Additions": the loaner pool (`POST /loaners`, `/loaners/{id}/lend`,
`/loaners/{id}/return`, `GET /loaners?out=true`), and suppliers, purchase orders with
their incoming inspection, and claims on suppliers. Thin: parse, access, one service
call, shape."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.catalog.models import ProductModel
from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.scoping import get_scoped
from aftersales.devices.models import Device
from aftersales.network.models import ServicePoint
from aftersales.tickets.selectors import access_ticket

from . import field_selectors, loaners, purchasing
from .models import FaultyPartReturn, Supplier, Warehouse

router = Router(tags=["loaners and purchasing"])


def _found(fn, field: str, message: str, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound:
        raise ValidationFailed(message, field=field) from None


# --------------------------------------------------------------------------
# Loaners
# --------------------------------------------------------------------------


class LoanerIn(Schema):
    code: str = Field(max_length=30)
    serial: str = Field(max_length=40)
    model: str = Field(description="product model code")
    service_point: int | None = Field(None, description="default: the actor's own")
    condition: str = Field("", max_length=200)
    device: str | None = Field(None, description="serial of the unit's device record, so "
                                                 "its own repairs are tickets like any other")


class LendIn(Schema):
    ticket: int
    condition: str = Field("", max_length=200, description="condition as it leaves")


class ReturnIn(Schema):
    condition: Literal["good", "worn", "damaged", "incomplete"]
    note: str = Field("", max_length=200)


class LoanOut(Schema):
    id: int
    ticket: int = Field(alias="ticket_id")
    ticket_number: str
    customer: int = Field(alias="customer_id")
    customer_name: str
    lent_at: datetime
    due_on: date
    returned_at: datetime | None
    condition_in: str

    @staticmethod
    def resolve_ticket_number(obj):
        return obj.ticket.number

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name


class LoanerOut(Schema):
    id: int
    code: str
    serial: str
    model: str
    device: str | None = Field(None, description="serial of its device record")
    service_point: int = Field(alias="service_point_id")
    status: Literal["available", "lent", "in_repair", "retired"]
    condition: str
    loan: LoanOut | None = Field(None, description="who holds it and since when")

    @staticmethod
    def resolve_model(obj):
        return obj.model.code

    @staticmethod
    def resolve_device(obj):
        return obj.device.serial if obj.device_id else None

    @staticmethod
    def resolve_loan(obj):
        open_loans = getattr(obj, "open_loans", None)
        if open_loans is None:
            open_loans = list(obj.loans.filter(returned_at__isnull=True)
                              .select_related("ticket", "customer"))
        return open_loans[0] if open_loans else None


class LoanerList(Schema):
    items: list[LoanerOut]
    next: str | None


@router.post("/loaners", response={201: LoanerOut, **ERRORS})
def add_loaner(request, payload: LoanerIn):
    """A unit of the company's own into a service point's loaner pool."""
    point_id = payload.service_point or request.auth.service_point_id
    point = ServicePoint.objects.filter(pk=point_id).first() if point_id else None
    if point is None:
        raise ValidationFailed(_("Unknown service point."), field="service_point")
    model = ProductModel.objects.filter(code=payload.model.strip()).first()
    if model is None:
        raise ValidationFailed(_("Unknown model."), field="model")
    device = None
    if payload.device:
        device = Device.objects.filter(serial=payload.device.strip()).first()
        if device is None:
            raise ValidationFailed(_("Unknown device."), field="device")
    loaner = loaners.add_loaner(actor=request.auth, service_point=point, model=model,
                                code=payload.code, serial=payload.serial,
                                condition=payload.condition, device=device)
    return Status(201, loaner)


@router.get("/loaners", response={200: LoanerList, **ERRORS})
def list_loaners(request, out: bool | None = None, page: int = 1, page_size: int = 50):
    """The pool; `?out=true` only the units lent out, with who holds them since when."""
    return paginate(request, field_selectors.loaner_list(actor=request.auth, out=out),
                    page=page, page_size=page_size)


@router.post("/loaners/{loaner_id}/lend", response={201: LoanOut, **ERRORS})
def lend_loaner(request, loaner_id: int, payload: LendIn):
    loaner = field_selectors.access_loaner(actor=request.auth, loaner_id=loaner_id)
    ticket = _found(access_ticket, "ticket", _("Unknown ticket."), actor=request.auth,
                    ticket_id=payload.ticket)
    return Status(201, loaners.lend_loaner(actor=request.auth, loaner=loaner, ticket=ticket,
                                           condition=payload.condition))


@router.post("/loaners/{loaner_id}/return", response={200: LoanOut, **ERRORS})
def return_loaner(request, loaner_id: int, payload: ReturnIn):
    loaner = field_selectors.access_loaner(actor=request.auth, loaner_id=loaner_id)
    return loaners.return_loaner(actor=request.auth, loaner=loaner,
                                 condition=payload.condition, note=payload.note)


# --------------------------------------------------------------------------
# Suppliers and purchase orders
# --------------------------------------------------------------------------


class SupplierIn(Schema):
    code: str = Field(max_length=20)
    name: str = Field(max_length=120)
    credit_code: str = Field("", max_length=40, description="统一社会信用代码 (checked)")
    contact: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)
    warranty_days: int = Field(365, description="the supplier's warranty on its parts")


class SupplierOut(Schema):
    id: int
    code: str
    name: str
    credit_code: str
    warranty_days: int
    active: bool


class SupplierList(Schema):
    items: list[SupplierOut]
    next: str | None


class OrderLineIn(Schema):
    sku: str
    qty: int
    unit_cost: MoneyIn | None = None


class OrderIn(Schema):
    supplier: int
    warehouse: int
    lines: list[OrderLineIn]
    note: str = Field("", max_length=200)


class InspectLineIn(Schema):
    sku: str
    accepted: int = 0
    rejected: int = 0
    reason: str = Field("", max_length=200, description="required when units are rejected")


class InspectIn(Schema):
    lines: list[InspectLineIn]
    note: str = Field("", max_length=200)


class OrderLineOut(Schema):
    sku: str
    qty: int
    unit_cost: Money
    accepted: int
    rejected: int

    @staticmethod
    def resolve_sku(obj):
        return obj.part.sku


class OrderOut(Schema):
    id: int
    number: str
    supplier: int = Field(alias="supplier_id")
    warehouse: int = Field(alias="warehouse_id")
    status: Literal["ordered", "partly_received", "received", "cancelled"]
    amount: Money
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class OrderList(Schema):
    items: list[OrderOut]
    next: str | None


@router.post("/suppliers", response={201: SupplierOut, **ERRORS})
def create_supplier(request, payload: SupplierIn):
    return Status(201, purchasing.create_supplier(actor=request.auth, **payload.dict()))


@router.get("/suppliers", response={200: SupplierList, **ERRORS})
def list_suppliers(request, page: int = 1, page_size: int = 50):
    return paginate(request, field_selectors.supplier_list(), page=page, page_size=page_size)


def _supplier(supplier_id: int) -> Supplier:
    found = Supplier.objects.filter(pk=supplier_id).first()
    if found is None:
        raise ValidationFailed(_("Unknown supplier."), field="supplier")
    return found


@router.post("/purchase-orders", response={201: OrderOut, **ERRORS})
def create_purchase_order(request, payload: OrderIn):
    supplier = _supplier(payload.supplier)
    warehouse = _found(get_scoped, "warehouse", _("Unknown warehouse."),
                       qs=Warehouse.objects.all(), actor=request.auth, pk=payload.warehouse)
    order = purchasing.create_purchase_order(
        actor=request.auth, supplier=supplier, warehouse=warehouse,
        lines=[line.dict() for line in payload.lines], note=payload.note)
    return Status(201, field_selectors.access_purchase_order(actor=request.auth,
                                                             order_id=order.pk))


@router.get("/purchase-orders", response={200: OrderList, **ERRORS})
def list_purchase_orders(request, status: Literal["ordered", "partly_received", "received",
                                                  "cancelled"] | None = None,
                         page: int = 1, page_size: int = 50):
    return paginate(request, field_selectors.purchase_order_list(actor=request.auth,
                                                                 status=status),
                    page=page, page_size=page_size)


@router.get("/purchase-orders/{order_id}", response={200: OrderOut, **ERRORS})
def get_purchase_order(request, order_id: int):
    return field_selectors.access_purchase_order(actor=request.auth, order_id=order_id)


@router.post("/purchase-orders/{order_id}/inspections", response={201: OrderOut, **ERRORS})
def inspect_delivery(request, order_id: int, payload: InspectIn):
    """The incoming inspection of a delivery: accepted units go into stock."""
    order = field_selectors.access_purchase_order(actor=request.auth, order_id=order_id)
    purchasing.inspect_delivery(actor=request.auth, order=order,
                                lines=[line.dict() for line in payload.lines],
                                note=payload.note)
    return Status(201, field_selectors.access_purchase_order(actor=request.auth,
                                                             order_id=order_id))


# --------------------------------------------------------------------------
# Supplier claims
# --------------------------------------------------------------------------


class SupplierClaimIn(Schema):
    faulty_part: int = Field(description="the faulty-part return, received at HQ")
    supplier: int
    claim: int | None = Field(None, description="our claim for the customer's job, if any")
    note: str = Field("", max_length=200)


class SupplierDecisionIn(Schema):
    accepted: bool
    credit: MoneyIn | None = Field(None, description="default: the amount claimed")
    reference: str = Field("", max_length=60, description="the supplier's credit note")
    note: str = Field("", max_length=200)


class SupplierClaimOut(Schema):
    id: int
    number: str
    supplier: int = Field(alias="supplier_id")
    faulty_part: int = Field(alias="faulty_part_id")
    sku: str
    qty: int
    amount: Money
    status: Literal["open", "accepted", "rejected"]
    credit: Money
    credit_reference: str

    @staticmethod
    def resolve_sku(obj):
        return obj.part.sku


class SupplierClaimList(Schema):
    items: list[SupplierClaimOut]
    next: str | None


@router.post("/supplier-claims", response={201: SupplierClaimOut, **ERRORS})
def claim_from_supplier(request, payload: SupplierClaimIn):
    faulty = FaultyPartReturn.objects.filter(pk=payload.faulty_part).first()
    if faulty is None:
        raise ValidationFailed(_("Unknown faulty part."), field="faulty_part")
    return Status(201, purchasing.claim_from_supplier(
        actor=request.auth, faulty=faulty, supplier=_supplier(payload.supplier),
        claim_id=payload.claim, note=payload.note))


@router.get("/supplier-claims", response={200: SupplierClaimList, **ERRORS})
def list_supplier_claims(request, status: Literal["open", "accepted", "rejected"] | None = None,
                         page: int = 1, page_size: int = 50):
    return paginate(request, field_selectors.supplier_claim_list(status=status), page=page,
                    page_size=page_size)


@router.post("/supplier-claims/{claim_id}/decide", response={200: SupplierClaimOut, **ERRORS})
def decide_supplier_claim(request, claim_id: int, payload: SupplierDecisionIn):
    found = field_selectors.supplier_claim_list().filter(pk=claim_id).first()
    if found is None:
        raise NotFound(_("Supplier claim not found."))
    return purchasing.decide_supplier_claim(actor=request.auth, claim=found,
                                            accepted=payload.accepted, credit=payload.credit,
                                            reference=payload.reference, note=payload.note)
