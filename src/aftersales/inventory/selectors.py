"""Every stock read, scoped: a user tied to a service point sees only that point's
warehouses and what is in them (404 for anything else)."""
from datetime import timedelta
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import Part
from aftersales.core.errors import NotFound
from aftersales.core.money import to_money
from aftersales.core.scoping import get_scoped, scope

from . import planning
from .models import (
    FaultyPartReturn,
    Requisition,
    RequisitionLine,
    RequisitionPolicy,
    ReturnedUnit,
    StockCount,
    StockLevel,
    StockMove,
    Warehouse,
)

LEVEL_POINT = "warehouse__service_point"


def stock_value_of_point(*, service_point_id: int) -> Decimal:
    """On hand plus in transit to the point's warehouses, at the parts' cost."""
    value = StockLevel.objects.filter(warehouse__service_point_id=service_point_id).aggregate(
        v=Sum(ExpressionWrapper((F("on_hand") + F("in_transit")) * F("part__cost"),
                                output_field=DecimalField(max_digits=16, decimal_places=2))))
    return to_money(value["v"] or 0)


# -- warehouses and levels ---------------------------------------------------------------

def warehouse_list(*, actor, active_only: bool = False) -> QuerySet[Warehouse]:
    qs = Warehouse.objects.select_related("service_point", "engineer")
    if active_only:
        qs = qs.filter(active=True)
    return scope(qs, actor=actor).order_by("code")


def access_warehouse(*, actor, warehouse_id: int) -> Warehouse:
    return get_scoped(Warehouse.objects.select_related("service_point", "engineer"),
                      actor=actor, pk=warehouse_id, message=_("Warehouse not found."))


def stock_list(*, actor, warehouse_id: int | None = None, sku: str | None = None,
               below_reorder: bool = False, warehouse_code: str | None = None
               ) -> QuerySet[StockLevel]:
    qs = scope(StockLevel.objects.select_related("warehouse", "part"), actor=actor,
               path=LEVEL_POINT)
    if warehouse_id is not None:
        qs = qs.filter(warehouse_id=warehouse_id)
    if warehouse_code:
        qs = qs.filter(warehouse__code=warehouse_code)
    if sku:
        qs = qs.filter(part__sku=sku.strip())
    if below_reorder:
        qs = qs.filter(reorder_point__gt=0,
                       reorder_point__gte=F("on_hand") + F("in_transit"))
    return qs.order_by("warehouse__code", "part__sku")


def move_list(*, actor, warehouse_id: int | None = None, sku: str | None = None,
              ticket_id: int | None = None, kind: str | None = None) -> QuerySet[StockMove]:
    qs = scope(StockMove.objects.select_related("warehouse", "part", "ticket", "created_by"),
               actor=actor, path=LEVEL_POINT)
    if warehouse_id is not None:
        qs = qs.filter(warehouse_id=warehouse_id)
    if sku:
        qs = qs.filter(part__sku=sku.strip())
    if ticket_id is not None:
        qs = qs.filter(ticket_id=ticket_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def ticket_parts(*, ticket) -> list[dict]:
    """Net parts on a ticket (issued minus returned), per part: for the ticket page."""
    rows = (StockMove.objects.filter(ticket=ticket, kind__in=[StockMove.Kind.ISSUE,
                                                               StockMove.Kind.RETURN])
            .values("part__sku", "part__name").annotate(net=Sum("qty"))
            .filter(net__lt=0).order_by("part__sku"))
    return [{"sku": r["part__sku"], "name": r["part__name"], "qty": -r["net"]} for r in rows]


def stock_count_detail(*, count_id: int) -> StockCount:
    return (StockCount.objects.select_related("warehouse")
            .prefetch_related("lines__part").get(pk=count_id))


# -- valuation and planning ----------------------------------------------------------------

def valuation(*, actor, warehouse_id: int | None = None) -> dict:
    """Stock at the part's cost, per warehouse and part, with the total."""
    items = []
    total = Decimal("0.00")
    for level in stock_list(actor=actor, warehouse_id=warehouse_id):
        qty = level.on_hand + level.in_transit
        if qty == 0:
            continue
        value = to_money(to_money(level.part.cost) * qty)
        total += value
        items.append({"warehouse": level.warehouse_id, "warehouse_code": level.warehouse.code,
                      "sku": level.part.sku, "on_hand": level.on_hand,
                      "in_transit": level.in_transit, "unit_cost": to_money(level.part.cost),
                      "value": value})
    return {"items": items, "total": to_money(total)}


def consumption(*, warehouse: Warehouse, since) -> dict[int, int]:
    """Net quantity that left the store per part since a moment: issues to tickets less
    returns, plus what was shipped on requisitions."""
    out = (StockMove.objects.filter(warehouse=warehouse, created_at__gte=since)
           .filter(Q(kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN])
                   | Q(kind=StockMove.Kind.TRANSFER_OUT, requisition__isnull=False))
           .values("part_id").annotate(net=Sum("qty")))
    return {r["part_id"]: max(0, -r["net"]) for r in out}


def purchase_plan(*, actor, warehouse: Warehouse) -> dict:
    policy = RequisitionPolicy.current()
    since = timezone.now() - timedelta(days=policy.planning_days)
    used = consumption(warehouse=warehouse, since=since)
    levels = {lv.part_id: lv for lv in stock_list(actor=actor, warehouse_id=warehouse.pk)}
    items = []
    part_ids = set(levels) | set(used)

    parts = {p.pk: p for p in Part.objects.filter(pk__in=part_ids)}
    for part_id in sorted(part_ids, key=lambda pk: parts[pk].sku):
        level = levels.get(part_id)
        position = planning.Position(
            on_hand=level.on_hand if level else 0, in_transit=level.in_transit if level else 0,
            reorder_point=level.reorder_point if level else 0,
            reorder_qty=level.reorder_qty if level else 0, consumed=used.get(part_id, 0))
        decision = planning.suggest(position)
        part = parts[part_id]
        items.append({
            "sku": part.sku, "name": part.name, "on_hand": position.on_hand,
            "in_transit": position.in_transit, "reorder_point": position.reorder_point,
            "reorder_qty": position.reorder_qty, "consumed": position.consumed,
            "alert": decision.alert, "suggested_qty": decision.suggested_qty,
            "unit_cost": to_money(part.cost),
            "amount": to_money(to_money(part.cost) * decision.suggested_qty)})
    return {"warehouse": warehouse.pk, "days": policy.planning_days, "items": items,
            "alerts": sum(1 for i in items if i["alert"]),
            "amount": to_money(sum((i["amount"] for i in items), Decimal("0.00")))}


# -- requisitions, faulty parts, returned units ---------------------------------------------

def _either_side(qs: QuerySet, *, actor) -> QuerySet:
    point_id = getattr(actor, "service_point_id", None)
    if point_id is None:
        return qs
    return qs.filter(Q(from_warehouse__service_point_id=point_id)
                     | Q(to_warehouse__service_point_id=point_id))


def _requisitions() -> QuerySet[Requisition]:
    return (Requisition.objects
            .select_related("from_warehouse__service_point", "to_warehouse__service_point",
                            "created_by")
            .prefetch_related(Prefetch("lines", queryset=RequisitionLine.objects
                                       .select_related("part").order_by("id"))))


def requisition_list(*, actor, status: str | None = None) -> QuerySet[Requisition]:
    qs = _either_side(_requisitions(), actor=actor)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def access_requisition(*, actor, requisition_id: int) -> Requisition:
    found = _either_side(_requisitions(), actor=actor).filter(pk=requisition_id).first()
    if found is None:
        raise NotFound(_("Requisition not found."))
    return found


def _faulty() -> QuerySet[FaultyPartReturn]:
    return FaultyPartReturn.objects.select_related(
        "ticket", "part", "fault_code", "from_warehouse__service_point",
        "to_warehouse__service_point")


def faulty_part_list(*, actor, status: str | None = None) -> QuerySet[FaultyPartReturn]:
    qs = _either_side(_faulty(), actor=actor)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def access_faulty_part(*, actor, faulty_id: int) -> FaultyPartReturn:
    found = _either_side(_faulty(), actor=actor).filter(pk=faulty_id).first()
    if found is None:
        raise NotFound(_("Faulty part not found."))
    return found


def _returned() -> QuerySet[ReturnedUnit]:
    return ReturnedUnit.objects.select_related("device", "warehouse__service_point",
                                               "replacement", "ticket")


def returned_unit_list(*, actor, status: str | None = None) -> QuerySet[ReturnedUnit]:
    qs = scope(_returned(), actor=actor, path=LEVEL_POINT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def access_returned_unit(*, actor, unit_id: int) -> ReturnedUnit:
    return get_scoped(_returned(), actor=actor, path=LEVEL_POINT, pk=unit_id,
                      message=_("Returned unit not found."))
