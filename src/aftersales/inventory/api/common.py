"""The inventory router and what its endpoints share: rendering and look-ups."""

from django.utils.translation import gettext as _
from ninja import Router

from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.money import to_money
from aftersales.devices.errors import DeviceCode
from aftersales.devices.selectors import access_device

from .. import services
from ..models import FaultyPartReturn, Requisition, ReturnedUnit, StockLevel, StockMove, Warehouse

router = Router(tags=["inventory"])


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



def _device(actor, serial: str, *, field: str):
    try:
        return access_device(actor=actor, serial=serial)
    except NotFound:
        raise ValidationFailed(_("Unknown device."), field=field,
                               code=DeviceCode.UNKNOWN_DEVICE) from None
