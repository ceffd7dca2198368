"""Warehouses and stock: levels, moves, receipts, adjustments, transfers, counts, plans."""

from django.utils.translation import gettext as _
from ninja import Status

from aftersales.core.api import ERRORS, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.network.selectors import access_service_point, access_staff

from .. import selectors, services
from .common import _level_out, _move_out, _warehouse, router
from .schemas import (
    AdjustmentIn,
    CountIn,
    CountOut,
    MoveList,
    MoveOut,
    PlanOut,
    ReceiptIn,
    ReorderIn,
    StockItemOut,
    StockList,
    TransferIn,
    TransferOut,
    ValuationOut,
    WarehouseIn,
    WarehouseList,
    WarehouseOut,
)

# -- warehouses -------------------------------------------------------------------------------

@router.post("/warehouses", response={201: WarehouseOut, **ERRORS})
def create_warehouse(request, payload: WarehouseIn):
    try:
        point = access_service_point(actor=request.auth, service_point_id=payload.service_point)
    except NotFound:
        raise ValidationFailed(_("Unknown service point."), field="service_point") from None
    engineer = None
    if payload.engineer is not None:
        try:
            engineer = access_staff(actor=request.auth, user_id=payload.engineer)
        except NotFound:
            raise ValidationFailed(_("Unknown engineer."), field="engineer") from None
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
