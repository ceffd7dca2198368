"""API.md "Parts": warehouses, stock, receipts, transfers, counts, requisitions, faulty
parts back to HQ, returned units (DOA / refurbishment) and replacement units."""
from datetime import date

from ninja import Router, Schema, Status
from pydantic import Field

from aftersales.core.api import ERRORS, Money, MoneyIn, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.money import to_money
from aftersales.devices.selectors import access_device, warranty_ends
from aftersales.network.selectors import access_service_point, access_staff
from aftersales.tickets.selectors import access_ticket

from . import selectors, services
from .models import FaultyPartReturn, Requisition, ReturnedUnit, StockLevel, StockMove, Warehouse

router = Router(tags=["inventory"])


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


class NoteIn(Schema):
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


# -- rendering ------------------------------------------------------------------------------

def _level_out(level: StockLevel) -> dict:
    return {"warehouse": level.warehouse_id, "warehouse_code": level.warehouse.code,
            "sku": level.part.sku, "name": level.part.name, "on_hand": level.on_hand,
            "in_transit": level.in_transit, "reorder_point": level.reorder_point,
            "reorder_qty": level.reorder_qty, "bin": level.bin,
            "value": to_money(to_money(level.part.cost) * (level.on_hand + level.in_transit))}


def _move_out(move: StockMove, *, with_balance: bool = False) -> dict:
    data = {"id": move.pk, "warehouse": move.warehouse_id, "sku": move.part.sku,
            "kind": move.kind, "qty": move.qty, "unit_cost": move.unit_cost,
            "ticket": move.ticket_id, "requisition": move.requisition_id,
            "reference": move.reference, "note": move.note,
            "created_at": move.created_at.isoformat()}
    if with_balance:
        data["on_hand"] = StockLevel.objects.get(warehouse_id=move.warehouse_id,
                                                 part_id=move.part_id).on_hand
    return data


def _requisition_out(req: Requisition) -> dict:
    return {"id": req.pk, "number": req.number, "from_warehouse": req.from_warehouse_id,
            "to_warehouse": req.to_warehouse_id, "status": req.status, "amount": req.amount,
            "auto_approved": req.auto_approved, "reject_reason": req.reject_reason,
            "lines": [{"sku": ln.part.sku, "qty": ln.qty, "unit_cost": ln.unit_cost}
                      for ln in req.lines.all()]}


def _faulty_out(f: FaultyPartReturn) -> dict:
    return {"id": f.pk, "ticket": f.ticket_id, "ticket_number": f.ticket.number,
            "sku": f.part.sku, "qty": f.qty,
            "fault_code": f.fault_code.code if f.fault_code_id else None,
            "from_warehouse": f.from_warehouse_id, "to_warehouse": f.to_warehouse_id,
            "status": f.status, "analysis": f.analysis}


def _unit_out(u: ReturnedUnit) -> dict:
    return {"id": u.pk, "serial": u.device.serial, "warehouse": u.warehouse_id,
            "ticket": u.ticket_id, "reason": u.reason, "status": u.status,
            "condition": u.condition, "test_passed": u.test_passed, "findings": u.findings,
            "note": u.note, "replacement": u.replacement.serial if u.replacement_id else None}


def _warehouse(actor, warehouse_id: int, *, field: str, scoped: bool = True) -> Warehouse:
    return services.resolve_warehouse(warehouse_id, actor=actor, field=field, scoped=scoped)


# -- warehouses -------------------------------------------------------------------------------

@router.post("/warehouses", response={201: WarehouseOut, **ERRORS})
def create_warehouse(request, payload: WarehouseIn):
    try:
        point = access_service_point(actor=request.auth, service_point_id=payload.service_point)
    except NotFound:
        raise ValidationFailed("Unknown service point.", field="service_point") from None
    engineer = None
    if payload.engineer is not None:
        try:
            engineer = access_staff(actor=request.auth, user_id=payload.engineer)
        except NotFound:
            raise ValidationFailed("Unknown engineer.", field="engineer") from None
    return Status(201, services.create_warehouse(actor=request.auth, code=payload.code,
                                                 name=payload.name, service_point=point,
                                                 engineer=engineer))


@router.get("/warehouses", response={200: WarehouseList, **ERRORS})
def list_warehouses(request, page: int = 1, page_size: int = 50):
    return paginate(request, selectors.warehouse_list(actor=request.auth), page=page,
                    page_size=page_size)


@router.get("/warehouses/{warehouse_id}", response={200: WarehouseOut, **ERRORS})
def get_warehouse(request, warehouse_id: int):
    return selectors.access_warehouse(actor=request.auth, warehouse_id=warehouse_id)


# -- stock ------------------------------------------------------------------------------------

@router.get("/stock", response={200: StockList, **ERRORS})
def list_stock(request, warehouse: int | None = None, sku: str | None = None,
               below_reorder: bool = False, page: int = 1, page_size: int = 50):
    if warehouse is not None:
        selectors.access_warehouse(actor=request.auth, warehouse_id=warehouse)
    result = paginate(request, selectors.stock_list(actor=request.auth, warehouse_id=warehouse,
                                                    sku=sku, below_reorder=below_reorder),
                      page=page, page_size=page_size)
    return {"items": [_level_out(lv) for lv in result["items"]], "next": result["next"]}


@router.get("/stock/moves", response={200: MoveList, **ERRORS})
def list_moves(request, warehouse: int | None = None, sku: str | None = None,
               ticket: int | None = None, kind: str | None = None, page: int = 1,
               page_size: int = 50):
    if warehouse is not None:
        selectors.access_warehouse(actor=request.auth, warehouse_id=warehouse)
    result = paginate(request, selectors.move_list(actor=request.auth, warehouse_id=warehouse,
                                                   sku=sku, ticket_id=ticket, kind=kind),
                      page=page, page_size=page_size)
    return {"items": [_move_out(m) for m in result["items"]], "next": result["next"]}


@router.post("/stock/receipts", response={201: MoveOut, **ERRORS})
def create_receipt(request, payload: ReceiptIn):
    warehouse = _warehouse(request.auth, payload.warehouse, field="warehouse")
    move = services.receive_stock(actor=request.auth, warehouse=warehouse,
                                  part=services.resolve_part(payload.sku), qty=payload.qty,
                                  unit_cost=payload.unit_cost, reference=payload.reference,
                                  note=payload.note)
    return Status(201, _move_out(move, with_balance=True))


@router.post("/stock/adjustments", response={201: MoveOut, **ERRORS})
def create_adjustment(request, payload: AdjustmentIn):
    warehouse = _warehouse(request.auth, payload.warehouse, field="warehouse")
    move = services.adjust_stock(actor=request.auth, warehouse=warehouse,
                                 part=services.resolve_part(payload.sku), qty=payload.qty,
                                 note=payload.note)
    return Status(201, _move_out(move, with_balance=True))


@router.post("/stock/transfers", response={201: TransferOut, **ERRORS})
def create_transfer(request, payload: TransferIn):
    source = _warehouse(request.auth, payload.from_warehouse, field="from_warehouse")
    target = _warehouse(request.auth, payload.to_warehouse, field="to_warehouse")
    out, into = services.transfer_stock(actor=request.auth, from_warehouse=source,
                                        to_warehouse=target,
                                        part=services.resolve_part(payload.sku),
                                        qty=payload.qty, note=payload.note)
    return Status(201, {"out": _move_out(out, with_balance=True),
                        "into": _move_out(into, with_balance=True)})


@router.post("/stock/counts", response={201: CountOut, **ERRORS})
def create_count(request, payload: CountIn):
    warehouse = _warehouse(request.auth, payload.warehouse, field="warehouse")
    lines = [{"part": services.resolve_part(line.sku, field=f"lines.{i}.sku"),
              "counted": line.counted} for i, line in enumerate(payload.lines)]
    count = services.count_stock(actor=request.auth, warehouse=warehouse, lines=lines,
                                 note=payload.note)
    count = selectors.stock_count_detail(count_id=count.pk)
    return Status(201, {"id": count.pk, "warehouse": count.warehouse_id,
                        "lines": [{"sku": ln.part.sku, "expected": ln.expected,
                                   "counted": ln.counted, "variance": ln.variance}
                                  for ln in count.lines.all()]})


@router.post("/stock/reorder-levels", response={200: StockItemOut, **ERRORS})
def set_reorder_levels(request, payload: ReorderIn):
    warehouse = _warehouse(request.auth, payload.warehouse, field="warehouse")
    level = services.set_reorder_levels(actor=request.auth, warehouse=warehouse,
                                        part=services.resolve_part(payload.sku),
                                        reorder_point=payload.reorder_point,
                                        reorder_qty=payload.reorder_qty, bin=payload.bin)
    return _level_out(level)


@router.get("/stock/purchase-plan", response={200: PlanOut, **ERRORS})
def purchase_plan(request, warehouse: int):
    found = selectors.access_warehouse(actor=request.auth, warehouse_id=warehouse)
    return selectors.purchase_plan(actor=request.auth, warehouse=found)


@router.get("/stock/valuation", response={200: ValuationOut, **ERRORS})
def stock_valuation(request, warehouse: int | None = None):
    if warehouse is not None:
        selectors.access_warehouse(actor=request.auth, warehouse_id=warehouse)
    return selectors.valuation(actor=request.auth, warehouse_id=warehouse)


# -- requisitions -------------------------------------------------------------------------------

@router.post("/requisitions", response={201: RequisitionOut, **ERRORS})
def create_requisition(request, payload: RequisitionIn):
    source = _warehouse(request.auth, payload.from_warehouse, field="from_warehouse",
                        scoped=False)
    target = _warehouse(request.auth, payload.to_warehouse, field="to_warehouse")
    lines = [{"part": services.resolve_part(line.sku, field=f"lines.{i}.sku"),
              "qty": line.qty} for i, line in enumerate(payload.lines)]
    req = services.create_requisition(actor=request.auth, from_warehouse=source,
                                      to_warehouse=target, lines=lines, note=payload.note)
    return Status(201, _requisition_out(
        selectors.access_requisition(actor=request.auth, requisition_id=req.pk)))


@router.get("/requisitions", response={200: RequisitionList, **ERRORS})
def list_requisitions(request, status: str | None = None, page: int = 1, page_size: int = 50):
    result = paginate(request, selectors.requisition_list(actor=request.auth, status=status),
                      page=page, page_size=page_size)
    return {"items": [_requisition_out(r) for r in result["items"]], "next": result["next"]}


@router.get("/requisitions/{requisition_id}", response={200: RequisitionOut, **ERRORS})
def get_requisition(request, requisition_id: int):
    return _requisition_out(selectors.access_requisition(actor=request.auth,
                                                         requisition_id=requisition_id))


def _requisition_action(request, requisition_id: int, action, **kwargs) -> dict:
    req = selectors.access_requisition(actor=request.auth, requisition_id=requisition_id)
    action(actor=request.auth, requisition=req, **kwargs)
    return _requisition_out(selectors.access_requisition(actor=request.auth,
                                                         requisition_id=requisition_id))


@router.post("/requisitions/{requisition_id}/approve", response={200: RequisitionOut, **ERRORS})
def approve_requisition(request, requisition_id: int):
    return _requisition_action(request, requisition_id, services.approve_requisition)


@router.post("/requisitions/{requisition_id}/reject", response={200: RequisitionOut, **ERRORS})
def reject_requisition(request, requisition_id: int, payload: RejectIn | None = None):
    return _requisition_action(request, requisition_id, services.reject_requisition,
                               reason=payload.reason if payload else "")


@router.post("/requisitions/{requisition_id}/ship", response={200: RequisitionOut, **ERRORS})
def ship_requisition(request, requisition_id: int):
    return _requisition_action(request, requisition_id, services.ship_requisition)


@router.post("/requisitions/{requisition_id}/receive", response={200: RequisitionOut, **ERRORS})
def receive_requisition(request, requisition_id: int):
    return _requisition_action(request, requisition_id, services.receive_requisition)


# -- faulty parts back to HQ ----------------------------------------------------------------------

@router.get("/faulty-parts", response={200: FaultyPartList, **ERRORS})
def list_faulty_parts(request, status: str | None = None, page: int = 1, page_size: int = 50):
    result = paginate(request, selectors.faulty_part_list(actor=request.auth, status=status),
                      page=page, page_size=page_size)
    return {"items": [_faulty_out(f) for f in result["items"]], "next": result["next"]}


@router.post("/faulty-parts/{faulty_id}/ship", response={200: FaultyPartOut, **ERRORS})
def ship_faulty_part(request, faulty_id: int):
    found = selectors.access_faulty_part(actor=request.auth, faulty_id=faulty_id)
    services.ship_faulty_part(actor=request.auth, faulty=found)
    return _faulty_out(selectors.access_faulty_part(actor=request.auth, faulty_id=faulty_id))


@router.post("/faulty-parts/{faulty_id}/receive", response={200: FaultyPartOut, **ERRORS})
def receive_faulty_part(request, faulty_id: int, payload: AnalysisIn | None = None):
    found = selectors.access_faulty_part(actor=request.auth, faulty_id=faulty_id)
    services.receive_faulty_part(actor=request.auth, faulty=found,
                                 analysis=payload.analysis if payload else "")
    return _faulty_out(selectors.access_faulty_part(actor=request.auth, faulty_id=faulty_id))


# -- returned units and replacements ----------------------------------------------------------------

def _device(actor, serial: str, *, field: str):
    try:
        return access_device(actor=actor, serial=serial)
    except NotFound:
        raise ValidationFailed("Unknown device.", field=field, code="unknown_device") from None


@router.post("/returned-units", response={201: ReturnedUnitOut, **ERRORS})
def create_returned_unit(request, payload: ReturnedUnitIn):
    device = _device(request.auth, payload.serial, field="serial")
    warehouse = _warehouse(request.auth, payload.warehouse, field="warehouse")
    ticket = None
    if payload.ticket is not None:
        try:
            ticket = access_ticket(actor=request.auth, ticket_id=payload.ticket)
        except NotFound:
            raise ValidationFailed("Unknown ticket.", field="ticket") from None
    unit = services.receive_returned_unit(actor=request.auth, device=device,
                                          warehouse=warehouse, reason=payload.reason,
                                          ticket=ticket, condition=payload.condition)
    return Status(201, _unit_out(selectors.access_returned_unit(actor=request.auth,
                                                                unit_id=unit.pk)))


@router.get("/returned-units", response={200: ReturnedUnitList, **ERRORS})
def list_returned_units(request, status: str | None = None, page: int = 1,
                        page_size: int = 50):
    result = paginate(request, selectors.returned_unit_list(actor=request.auth, status=status),
                      page=page, page_size=page_size)
    return {"items": [_unit_out(u) for u in result["items"]], "next": result["next"]}


@router.get("/returned-units/{unit_id}", response={200: ReturnedUnitOut, **ERRORS})
def get_returned_unit(request, unit_id: int):
    return _unit_out(selectors.access_returned_unit(actor=request.auth, unit_id=unit_id))


def _unit_action(request, unit_id: int, action, **kwargs) -> dict:
    unit = selectors.access_returned_unit(actor=request.auth, unit_id=unit_id)
    action(actor=request.auth, unit=unit, **kwargs)
    return _unit_out(selectors.access_returned_unit(actor=request.auth, unit_id=unit_id))


@router.post("/returned-units/{unit_id}/test", response={200: ReturnedUnitOut, **ERRORS})
def test_returned_unit(request, unit_id: int, payload: UnitTestIn):
    return _unit_action(request, unit_id, services.record_returned_unit_test,
                        passed=payload.passed, findings=payload.findings)


@router.post("/returned-units/{unit_id}/refurbish", response={200: ReturnedUnitOut, **ERRORS})
def refurbish_returned_unit(request, unit_id: int, payload: NoteIn | None = None):
    return _unit_action(request, unit_id, services.refurbish_returned_unit,
                        note=payload.note if payload else "")


@router.post("/returned-units/{unit_id}/factory-repair",
             response={200: ReturnedUnitOut, **ERRORS})
def send_to_factory(request, unit_id: int, payload: NoteIn | None = None):
    return _unit_action(request, unit_id, services.send_returned_unit_to_factory,
                        note=payload.note if payload else "")


@router.post("/returned-units/{unit_id}/scrap", response={200: ReturnedUnitOut, **ERRORS})
def scrap_returned_unit(request, unit_id: int, payload: NoteIn | None = None):
    return _unit_action(request, unit_id, services.scrap_returned_unit,
                        note=payload.note if payload else "")


@router.post("/replacements", response={201: ReplacementOut, **ERRORS})
def create_replacement(request, payload: ReplacementIn):
    original = _device(request.auth, payload.original, field="original")
    unit = None
    if payload.returned_unit is not None:
        try:
            unit = selectors.access_returned_unit(actor=request.auth,
                                                  unit_id=payload.returned_unit)
        except NotFound:
            raise ValidationFailed("Unknown returned unit.", field="returned_unit") from None
    device = services.replace_device(actor=request.auth, original=original,
                                     serial=payload.serial, imei=payload.imei,
                                     returned_unit=unit)
    return Status(201, {"id": device.pk, "serial": device.serial, "imei": device.imei,
                        "replaces": original.serial, "purchase_date": device.purchase_date,
                        "invoice_no": device.invoice_no,
                        "warranty_card_no": device.warranty_card_no,
                        "warranty_ends": warranty_ends(device)})
