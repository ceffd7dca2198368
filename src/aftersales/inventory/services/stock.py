"""Warehouses, receipts, adjustments, transfers, counts and reorder levels."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from aftersales.catalog.models import Part
from aftersales.core.errors import Conflict, CoreCode, ValidationFailed
from aftersales.core.money import to_money
from aftersales.core.scoping import check_point, require_role
from aftersales.network.models import ServicePoint, User

from ..errors import InventoryCode
from ..models import (
    StockCount,
    StockCountLine,
    StockLevel,
    StockMove,
    Warehouse,
)
from .common import KEEPERS, MAX_QTY, _ensure_level, _insufficient, _move, _put, _take, clean_qty

# -- warehouses -----------------------------------------------------------------------

@transaction.atomic
def create_warehouse(*, actor: User, code: str, name: str, service_point: ServicePoint,
                     engineer: User | None = None) -> Warehouse:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=service_point.pk)
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise ValidationFailed(_("This field is required."), field="code", code=CoreCode.REQUIRED)
    if not name:
        raise ValidationFailed(_("This field is required."), field="name", code=CoreCode.REQUIRED)
    if engineer is not None and engineer.service_point_id not in (None, service_point.pk):
        raise ValidationFailed(_("The engineer works at another service point."),
                               field="engineer")
    if Warehouse.objects.filter(code=code).exists():
        raise Conflict(InventoryCode.DUPLICATE_CODE, _("A warehouse with this code exists."),
                       field="code")
    try:
        with transaction.atomic():
            return Warehouse.objects.create(code=code, name=name, service_point=service_point,
                                            engineer=engineer)
    except IntegrityError:
        raise Conflict(InventoryCode.DUPLICATE_CODE, _("A warehouse with this code exists."),
                       field="code") from None


# -- receipts, adjustments, transfers, counts -------------------------------------------

@transaction.atomic
def receive_stock(*, actor: User, warehouse: Warehouse, part: Part, qty: int,
                  unit_cost: Decimal | None = None, reference: str = "",
                  note: str = "") -> StockMove:
    """Goods in (from a supplier or the factory). The purchase price is recorded on the
    move; valuation stays at the part's cost."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    qty = clean_qty(qty)
    if unit_cost is not None and to_money(unit_cost) < 0:
        raise ValidationFailed(_("The unit cost must not be negative."), field="unit_cost")
    _put(warehouse=warehouse, part=part, qty=qty)
    return _move(warehouse=warehouse, part=part, kind=StockMove.Kind.RECEIPT, qty=qty,
                 actor=actor, unit_cost=unit_cost, reference=reference, note=note)


@transaction.atomic
def adjust_stock(*, actor: User, warehouse: Warehouse, part: Part, qty: int,
                 note: str) -> StockMove:
    """A signed correction (damage, loss, found) booked by a warehouse keeper."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    if isinstance(qty, bool) or not isinstance(qty, int) or qty == 0 or abs(qty) > MAX_QTY:
        raise ValidationFailed(_("The adjustment must be a non-zero whole number."),
                               field="qty")
    if not (note or "").strip():
        raise ValidationFailed(_("Say why stock is adjusted."), field="note",
                               code=CoreCode.REQUIRED)
    if qty > 0:
        _put(warehouse=warehouse, part=part, qty=qty)
    elif not _take(warehouse=warehouse, part=part, qty=-qty):
        raise _insufficient(part, warehouse)
    return _move(warehouse=warehouse, part=part, kind=StockMove.Kind.ADJUSTMENT, qty=qty,
                 actor=actor, note=note.strip())


@transaction.atomic
def transfer_stock(*, actor: User, from_warehouse: Warehouse, to_warehouse: Warehouse,
                   part: Part, qty: int, note: str = "") -> tuple[StockMove, StockMove]:
    """A direct move between two stores (e.g. a point's store and an engineer's van)."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=from_warehouse.service_point_id)
    check_point(actor=actor, service_point_id=to_warehouse.service_point_id)
    qty = clean_qty(qty)
    if from_warehouse.pk == to_warehouse.pk:
        raise ValidationFailed(_("Choose two different warehouses."), field="to_warehouse")
    if not _take(warehouse=from_warehouse, part=part, qty=qty):
        raise _insufficient(part, from_warehouse)
    _put(warehouse=to_warehouse, part=part, qty=qty)
    out = _move(warehouse=from_warehouse, part=part, kind=StockMove.Kind.TRANSFER_OUT,
                qty=-qty, actor=actor, reference=to_warehouse.code, note=note)
    into = _move(warehouse=to_warehouse, part=part, kind=StockMove.Kind.TRANSFER_IN, qty=qty,
                 actor=actor, reference=from_warehouse.code, note=note)
    return out, into


@transaction.atomic
def count_stock(*, actor: User, warehouse: Warehouse, lines: list[dict],
                note: str = "") -> StockCount:
    """A physical count: each line {"part": Part, "counted": int}; the variance against the
    balance at this moment (row locked) is booked as a count move."""
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    if not lines:
        raise ValidationFailed(_("Count at least one part."), field="lines")
    seen = set()
    for i, line in enumerate(lines):
        counted = line["counted"]
        if isinstance(counted, bool) or not isinstance(counted, int) or not 0 <= counted <= MAX_QTY:
            raise ValidationFailed(_("The counted quantity must be 0 or more."),
                                   field=f"lines.{i}.counted")
        if line["part"].pk in seen:
            raise ValidationFailed(_("A part is listed twice."), field=f"lines.{i}.sku")
        seen.add(line["part"].pk)
    count = StockCount.objects.create(warehouse=warehouse, counted_by=actor,
                                      note=(note or "")[:200])
    for line in sorted(lines, key=lambda x: x["part"].pk):  # lock order: no deadlocks
        part, counted = line["part"], line["counted"]
        level_id = _ensure_level(warehouse=warehouse, part=part)
        level = StockLevel.objects.select_for_update().get(pk=level_id)
        variance = counted - level.on_hand
        StockCountLine.objects.create(count=count, part=part, expected=level.on_hand,
                                      counted=counted, variance=variance)
        if variance:
            StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") + variance)
            _move(warehouse=warehouse, part=part, kind=StockMove.Kind.COUNT, qty=variance,
                  actor=actor, reference=f"count {count.pk}", note=note)
    return count


@transaction.atomic
def set_reorder_levels(*, actor: User, warehouse: Warehouse, part: Part, reorder_point: int,
                       reorder_qty: int, bin: str | None = None) -> StockLevel:
    require_role(actor, *KEEPERS)
    check_point(actor=actor, service_point_id=warehouse.service_point_id)
    for field, value in (("reorder_point", reorder_point), ("reorder_qty", reorder_qty)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QTY:
            raise ValidationFailed(_("Must be 0 or more."), field=field)
    level_id = _ensure_level(warehouse=warehouse, part=part)
    fields = {"reorder_point": reorder_point, "reorder_qty": reorder_qty}
    if bin is not None:
        fields["bin"] = bin.strip()[:30]
    StockLevel.objects.filter(pk=level_id).update(**fields)
    return StockLevel.objects.select_related("warehouse", "part").get(pk=level_id)
