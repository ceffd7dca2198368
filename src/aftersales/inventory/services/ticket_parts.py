"""Parts on tickets (what the tickets app calls) and faulty parts back to HQ."""


from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import Part
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import check_point, require_role
from aftersales.network.models import User

from ..errors import InventoryCode
from ..models import (
    FaultyPartReturn,
    StockMove,
    Warehouse,
)
from .common import (
    FAULTY_PART_KINDS,
    ISSUERS,
    KEEPERS,
    _insufficient,
    _move,
    _put,
    _require,
    _take,
    clean_qty,
    hq_warehouse,
    resolve_part,
    resolve_warehouse,
)

# -- parts on tickets (the contract with the tickets app) --------------------------------

def _ticket_warehouses(ticket) -> list[Warehouse]:
    """The engineer's own (van) stores first, then the ticket's service point's stores."""
    found: list[Warehouse] = []
    if ticket.engineer_id:
        found += list(Warehouse.objects.filter(engineer_id=ticket.engineer_id, active=True)
                      .select_related("service_point").order_by("code"))
    if ticket.service_point_id:
        found += list(Warehouse.objects.filter(service_point_id=ticket.service_point_id,
                                               engineer__isnull=True, active=True)
                      .select_related("service_point").order_by("code"))
    return found


@transaction.atomic
def issue_to_ticket(*, actor: User, ticket, sku: str, qty: int, warehouse=None) -> StockMove:
    """Issue parts to a ticket from the given warehouse (instance, id or code), else from
    the engineer's own store, else from the ticket's service point's store: the first of
    these that holds enough. The faulty part taken out is registered to go back to HQ."""
    _require(actor, ISSUERS)
    part = resolve_part(sku)
    qty = clean_qty(qty)
    if warehouse is not None:
        candidates = [resolve_warehouse(warehouse, actor=actor)]
    else:
        candidates = _ticket_warehouses(ticket)
        if not candidates:
            raise ValidationFailed(_("There is no warehouse to issue from."), field="warehouse",
                                   code=InventoryCode.NO_WAREHOUSE)
    source = next((wh for wh in candidates if _take(warehouse=wh, part=part, qty=qty)), None)
    if source is None:
        raise _insufficient(part, candidates[0] if len(candidates) == 1 else None)
    move = _move(warehouse=source, part=part, kind=StockMove.Kind.ISSUE, qty=-qty, actor=actor,
                 ticket=ticket, reference=ticket.number)
    if ticket.kind in FAULTY_PART_KINDS:
        FaultyPartReturn.objects.create(
            ticket=ticket, part=part, qty=qty, fault_code_id=ticket.fault_code_id,
            issue_move=move, from_warehouse=source, to_warehouse=hq_warehouse())
    return move


@transaction.atomic
def return_ticket_parts(*, actor: User, ticket) -> list[StockMove]:
    """On cancel or reopen: parts issued to the ticket and not yet returned go back to the
    warehouse they came from. Parts issued before the ticket was resolved were fitted, so a
    resolved ticket keeps them (call this before resolved_at is cleared)."""
    type(ticket).objects.select_for_update().filter(pk=ticket.pk).first()
    moves = StockMove.objects.filter(ticket=ticket, kind__in=[StockMove.Kind.ISSUE,
                                                               StockMove.Kind.RETURN])
    if ticket.resolved_at is not None:
        fitted = StockMove.objects.filter(ticket=ticket, kind=StockMove.Kind.ISSUE,
                                          created_at__lte=ticket.resolved_at)
        moves = moves.exclude(pk__in=fitted.values("pk"))
    open_lines = (moves.values("warehouse_id", "part_id").annotate(net=Sum("qty"))
                  .filter(net__lt=0).order_by("warehouse_id", "part_id"))
    returned = []
    for row in open_lines:
        warehouse = Warehouse.objects.get(pk=row["warehouse_id"])
        part = Part.objects.get(pk=row["part_id"])
        qty = -row["net"]
        _put(warehouse=warehouse, part=part, qty=qty)
        returned.append(_move(warehouse=warehouse, part=part, kind=StockMove.Kind.RETURN,
                              qty=qty, actor=actor, ticket=ticket, reference=ticket.number))
        pending = list(FaultyPartReturn.objects.filter(
            ticket=ticket, part=part, from_warehouse=warehouse,
            status=FaultyPartReturn.Status.PENDING).order_by("-id"))
        left = qty
        for faulty in pending:  # the part was not fitted: nothing faulty comes out
            if left <= 0:
                break
            faulty.status = FaultyPartReturn.Status.CANCELLED
            faulty.save(update_fields=["status"])
            left -= faulty.qty
    return returned


# -- faulty parts back to HQ -------------------------------------------------------------

@transaction.atomic
def ship_faulty_part(*, actor: User, faulty: FaultyPartReturn) -> FaultyPartReturn:
    require_role(actor, *ISSUERS)
    check_point(actor=actor, service_point_id=faulty.from_warehouse.service_point_id)
    locked = FaultyPartReturn.objects.select_for_update().get(pk=faulty.pk)
    if locked.status != FaultyPartReturn.Status.PENDING:
        raise Conflict(InventoryCode.INVALID_TRANSITION, _("This faulty part was already sent."))
    if locked.to_warehouse_id is None:
        locked.to_warehouse = hq_warehouse()
        if locked.to_warehouse is None:
            raise Conflict(InventoryCode.NO_HQ_WAREHOUSE, _("HQ has no warehouse to receive it."))
    if locked.fault_code_id is None and locked.ticket.fault_code_id is not None:
        locked.fault_code_id = locked.ticket.fault_code_id
    locked.status = FaultyPartReturn.Status.SHIPPED
    locked.shipped_at = timezone.now()
    locked.save(update_fields=["status", "shipped_at", "to_warehouse", "fault_code"])
    return locked


@transaction.atomic
def receive_faulty_part(*, actor: User, faulty: FaultyPartReturn,
                        analysis: str = "") -> FaultyPartReturn:
    require_role(actor, *KEEPERS)
    locked = FaultyPartReturn.objects.select_for_update().get(pk=faulty.pk)
    check_point(actor=actor, service_point_id=locked.to_warehouse.service_point_id
                if locked.to_warehouse_id else None)
    if locked.status != FaultyPartReturn.Status.SHIPPED:
        raise Conflict(InventoryCode.INVALID_TRANSITION, _("This faulty part is not on its way."))
    locked.status = FaultyPartReturn.Status.RECEIVED
    locked.received_at = timezone.now()
    locked.received_by = actor
    locked.analysis = (analysis or "").strip()[:500]
    locked.save(update_fields=["status", "received_at", "received_by", "analysis"])
    return locked
