"""Requisitions between warehouses and faulty parts back to HQ."""

from ninja import Status

from aftersales.core.api import ERRORS, paginate

from .. import selectors, services
from .common import _faulty_out, _requisition_out, _warehouse, router
from .schemas import (
    AnalysisIn,
    FaultyPartList,
    FaultyPartOut,
    RejectIn,
    RequisitionIn,
    RequisitionList,
    RequisitionOut,
)

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
