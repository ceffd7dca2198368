"""What every stock write shares: roles, input checks and the ledger primitives
(callers hold a transaction)."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from aftersales.catalog.errors import CatalogCode
from aftersales.catalog.models import Part
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.money import to_money
from aftersales.core.scoping import require_role, scope
from aftersales.network.models import ServicePoint, User

from ..errors import InventoryCode
from ..models import (
    StockLevel,
    StockMove,
    Warehouse,
)

KEEPERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE)
ISSUERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.WAREHOUSE, User.Role.ENGINEER)
MAX_QTY = 100_000
# Ticket kinds whose issued part replaces a faulty one that goes back to HQ.
FAULTY_PART_KINDS = {"repair", "maintenance", "exchange", "return"}


# -- input checks ---------------------------------------------------------------------

def _require(actor: User | None, roles) -> None:
    """actor None is the system itself (e.g. a workflow step without a user)."""
    if actor is not None:
        require_role(actor, *roles)


def clean_qty(qty, *, field: str = "qty") -> int:
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise ValidationFailed(_("The quantity must be a whole number."), field=field)
    if not 1 <= qty <= MAX_QTY:
        raise ValidationFailed(_("The quantity must be between 1 and %(n)d.") % {"n": MAX_QTY},
                               field=field)
    return qty


def resolve_part(sku, *, field: str = "sku") -> Part:
    if isinstance(sku, Part):
        return sku
    found = Part.objects.filter(sku=(sku or "").strip()).first() if isinstance(sku, str) else None
    if found is None:
        raise ValidationFailed(_("Unknown part."), field=field, code=CatalogCode.UNKNOWN_PART)
    return found


def resolve_warehouse(warehouse, *, actor: User | None, field: str = "warehouse",
                      scoped: bool = True) -> Warehouse:
    """A warehouse by instance, id or code that the actor may use; anything else reads as
    unknown (another point's warehouse included, unless scoped=False: e.g. the HQ store a
    point asks parts from)."""
    qs = Warehouse.objects.select_related("service_point")
    if scoped:
        qs = scope(qs, actor=actor)
    if isinstance(warehouse, Warehouse):
        found = qs.filter(pk=warehouse.pk).first()
    elif isinstance(warehouse, int) and not isinstance(warehouse, bool):
        found = qs.filter(pk=warehouse).first()
    elif isinstance(warehouse, str) and warehouse.strip():
        found = qs.filter(code=warehouse.strip()).first()
    else:
        found = None
    if found is None:
        raise ValidationFailed(_("Unknown warehouse."), field=field,
                               code=InventoryCode.UNKNOWN_WAREHOUSE)
    if not found.active:
        raise ValidationFailed(_("The warehouse is closed."), field=field,
                               code=InventoryCode.WAREHOUSE_INACTIVE)
    return found


def hq_warehouse() -> Warehouse | None:
    """The central store: the first active non-van warehouse of an HQ service point."""
    return (Warehouse.objects.filter(service_point__kind=ServicePoint.Kind.HQ, active=True,
                                     engineer__isnull=True).order_by("code").first())


# -- the ledger primitives (callers hold a transaction) ---------------------------------

def _ensure_level(*, warehouse: Warehouse, part: Part) -> int:
    """The level row's id, created if missing (safe against a concurrent creator)."""
    found = StockLevel.objects.filter(warehouse=warehouse, part=part).values_list(
        "pk", flat=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return StockLevel.objects.create(warehouse=warehouse, part=part).pk
    except IntegrityError:  # created by a concurrent caller: it exists now
        return StockLevel.objects.get(warehouse=warehouse, part=part).pk


def _take(*, warehouse: Warehouse, part: Part, qty: int) -> bool:
    """Decrease on-hand by qty if (and only if) that much is there. The condition and the
    write are one statement, so concurrent takers can never drive it below zero."""
    return StockLevel.objects.filter(warehouse=warehouse, part=part, on_hand__gte=qty).update(
        on_hand=F("on_hand") - qty) == 1


def _put(*, warehouse: Warehouse, part: Part, qty: int) -> None:
    level_id = _ensure_level(warehouse=warehouse, part=part)
    StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") + qty)


def _move(*, warehouse: Warehouse, part: Part, kind: str, qty: int, actor: User | None,
          unit_cost: Decimal | None = None, ticket=None, requisition=None,
          reference: str = "", note: str = "") -> StockMove:
    return StockMove.objects.create(
        warehouse=warehouse, part=part, kind=kind, qty=qty,
        unit_cost=to_money(part.cost if unit_cost is None else unit_cost),
        ticket=ticket, requisition=requisition, reference=reference[:60], note=note[:200],
        created_by=actor)


def _insufficient(part: Part, warehouse: Warehouse | None = None) -> Conflict:
    if warehouse is None:
        message = _("Not enough %(sku)s in stock.") % {"sku": part.sku}
    else:
        message = _("Not enough %(sku)s in %(wh)s.") % {"sku": part.sku, "wh": warehouse.code}
    return Conflict(InventoryCode.INSUFFICIENT_STOCK, message, field="qty")
