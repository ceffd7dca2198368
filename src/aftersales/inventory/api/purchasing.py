"""Suppliers, purchase orders with their incoming inspection, and claims on suppliers
(索赔). Thin: parse, access, one service call, shape."""
from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.scoping import get_scoped

from .. import field_selectors
from ..models import FaultyPartReturn, Supplier, Warehouse
from ..services import purchasing
from .common import router
from .loaners import _found

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
