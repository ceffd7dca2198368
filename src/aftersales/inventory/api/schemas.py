"""The inventory API's request and response shapes."""
from datetime import date

from ninja import Schema
from pydantic import Field

from aftersales.core.api import Money, MoneyIn

# -- schemas ------------------------------------------------------------------------------

class WarehouseIn(Schema):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    service_point: int
    engineer: int | None = None


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    service_point: int = Field(alias="service_point_id")
    engineer: int | None = Field(None, alias="engineer_id")
    active: bool


class WarehouseList(Schema):
    items: list[WarehouseOut]
    next: str | None


class StockItemOut(Schema):
    warehouse: int
    warehouse_code: str
    sku: str
    name: str
    on_hand: int
    in_transit: int
    reorder_point: int
    reorder_qty: int
    bin: str
    value: Money


class StockList(Schema):
    items: list[StockItemOut]
    next: str | None


class ReceiptIn(Schema):
    warehouse: int
    sku: str = Field(min_length=1, max_length=40)
    qty: int
    unit_cost: MoneyIn | None = None
    reference: str = Field("", max_length=60)
    note: str = Field("", max_length=200)


class MoveOut(Schema):
    id: int
    warehouse: int
    sku: str
    kind: str
    qty: int
    unit_cost: Money
    ticket: int | None
    requisition: int | None
    reference: str
    note: str
    created_at: str
    on_hand: int | None = None


class MoveList(Schema):
    items: list[MoveOut]
    next: str | None


class AdjustmentIn(Schema):
    warehouse: int
    sku: str = Field(min_length=1, max_length=40)
    qty: int
    note: str = Field(min_length=1, max_length=200)


class TransferIn(Schema):
    from_warehouse: int
    to_warehouse: int
    sku: str = Field(min_length=1, max_length=40)
    qty: int
    note: str = Field("", max_length=200)


class TransferOut(Schema):
    out: MoveOut
    into: MoveOut


class CountLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    counted: int


class CountIn(Schema):
    warehouse: int
    lines: list[CountLineIn]
    note: str = Field("", max_length=200)


class CountLineOut(Schema):
    sku: str
    expected: int
    counted: int
    variance: int


class CountOut(Schema):
    id: int
    warehouse: int
    lines: list[CountLineOut]


class ReorderIn(Schema):
    warehouse: int
    sku: str = Field(min_length=1, max_length=40)
    reorder_point: int
    reorder_qty: int
    bin: str | None = Field(None, max_length=30)


class PlanItemOut(Schema):
    sku: str
    name: str
    on_hand: int
    in_transit: int
    reorder_point: int
    reorder_qty: int
    consumed: int
    alert: bool
    suggested_qty: int
    unit_cost: Money
    amount: Money


class PlanOut(Schema):
    warehouse: int
    days: int
    alerts: int
    amount: Money
    items: list[PlanItemOut]


class ValuationItemOut(Schema):
    warehouse: int
    warehouse_code: str
    sku: str
    on_hand: int
    in_transit: int
    unit_cost: Money
    value: Money


class ValuationOut(Schema):
    total: Money
    items: list[ValuationItemOut]


class RequisitionLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    qty: int


class RequisitionIn(Schema):
    from_warehouse: int
    to_warehouse: int
    lines: list[RequisitionLineIn]
    note: str = Field("", max_length=200)


class RequisitionLineOut(Schema):
    sku: str
    qty: int
    unit_cost: Money


class RequisitionOut(Schema):
    id: int
    number: str
    from_warehouse: int
    to_warehouse: int
    status: str
    amount: Money
    auto_approved: bool
    reject_reason: str
    lines: list[RequisitionLineOut]


class RequisitionList(Schema):
    items: list[RequisitionOut]
    next: str | None


class RejectIn(Schema):
    reason: str = Field("", max_length=200)


class FaultyPartOut(Schema):
    id: int
    ticket: int
    ticket_number: str
    sku: str
    qty: int
    fault_code: str | None
    from_warehouse: int
    to_warehouse: int | None
    status: str
    analysis: str


class FaultyPartList(Schema):
    items: list[FaultyPartOut]
    next: str | None


class AnalysisIn(Schema):
    analysis: str = Field("", max_length=500)


class ReturnedUnitIn(Schema):
    serial: str = Field(min_length=1, max_length=40)
    warehouse: int
    reason: str
    ticket: int | None = None
    condition: str = Field("", max_length=200)


class ReturnedUnitOut(Schema):
    id: int
    serial: str
    warehouse: int
    ticket: int | None
    reason: str
    status: str
    condition: str
    test_passed: bool | None
    findings: str
    note: str
    replacement: str | None


class ReturnedUnitList(Schema):
    items: list[ReturnedUnitOut]
    next: str | None


class UnitTestIn(Schema):
    passed: bool
    findings: str = Field("", max_length=500)


class StockNoteIn(Schema):
    note: str = Field("", max_length=200)


class ReplacementIn(Schema):
    original: str = Field(min_length=1, max_length=40)
    serial: str = Field(min_length=1, max_length=40)
    imei: str | None = None
    returned_unit: int | None = None


class ReplacementOut(Schema):
    id: int
    serial: str
    imei: str | None
    replaces: str
    purchase_date: date | None
    invoice_no: str
    warranty_card_no: str
    warranty_ends: date | None
