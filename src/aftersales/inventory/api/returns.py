"""Returned units (DOA, returns, exchanges) and replacement units."""

from django.utils.translation import gettext as _
from ninja import Status

from aftersales.core.api import ERRORS, paginate
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.devices.selectors import warranty_ends
from aftersales.tickets.selectors import access_ticket

from .. import selectors, services
from .common import _device, _unit_out, _warehouse, router
from .schemas import (
    ReplacementIn,
    ReplacementOut,
    ReturnedUnitIn,
    ReturnedUnitList,
    ReturnedUnitOut,
    StockNoteIn,
    UnitTestIn,
)

# -- returned units and replacements ----------------------------------------------------------------


@router.post("/returned-units", response={201: ReturnedUnitOut, **ERRORS})
def create_returned_unit(request, payload: ReturnedUnitIn):
    device = _device(request.auth, payload.serial, field="serial")
    warehouse = _warehouse(request.auth, payload.warehouse, field="warehouse")
    ticket = None
    if payload.ticket is not None:
        try:
            ticket = access_ticket(actor=request.auth, ticket_id=payload.ticket)
        except NotFound:
            raise ValidationFailed(_("Unknown ticket."), field="ticket") from None
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
def refurbish_returned_unit(request, unit_id: int, payload: StockNoteIn | None = None):
    return _unit_action(request, unit_id, services.refurbish_returned_unit,
                        note=payload.note if payload else "")


@router.post("/returned-units/{unit_id}/factory-repair",
             response={200: ReturnedUnitOut, **ERRORS})
def send_to_factory(request, unit_id: int, payload: StockNoteIn | None = None):
    return _unit_action(request, unit_id, services.send_returned_unit_to_factory,
                        note=payload.note if payload else "")


@router.post("/returned-units/{unit_id}/scrap", response={200: ReturnedUnitOut, **ERRORS})
def scrap_returned_unit(request, unit_id: int, payload: StockNoteIn | None = None):
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
            raise ValidationFailed(_("Unknown returned unit."), field="returned_unit") from None
    device = services.replace_device(actor=request.auth, original=original,
                                     serial=payload.serial, imei=payload.imei,
                                     returned_unit=unit)
    return Status(201, {"id": device.pk, "serial": device.serial, "imei": device.imei,
                        "replaces": original.serial, "purchase_date": device.purchase_date,
                        "invoice_no": device.invoice_no,
                        "warranty_card_no": device.warranty_card_no,
                        "warranty_ends": warranty_ends(device)})
