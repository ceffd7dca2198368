"""Warehouse page: stock by warehouse with reorder alerts, requisitions to approve, ship and
receive. Writes go through inventory.services."""
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError
from aftersales.core.exports import xlsx_response
from aftersales.core.views import staff_view

from aftersales.core.scoping import get_scoped, scope

from . import services
from .models import Requisition, StockLevel, Warehouse

POINT = "warehouse__service_point"


def stock_levels(*, actor, warehouse_code=None):
    qs = scope(StockLevel.objects.select_related("warehouse", "part"), actor=actor, path=POINT)
    if warehouse_code:
        qs = qs.filter(warehouse__code=warehouse_code)
    return qs.order_by("warehouse__code", "part__sku")


def warehouses(*, actor):
    return list(scope(Warehouse.objects.filter(active=True), actor=actor).order_by("code"))


def _requisitions():
    return Requisition.objects.select_related(
        "from_warehouse", "to_warehouse", "created_by").prefetch_related("lines__part")


def requisitions(*, actor):
    """Requisitions touching the actor's point (sending or receiving), newest first."""
    qs = _requisitions()
    point = getattr(actor, "service_point_id", None)
    if point is not None:
        qs = qs.filter(Q(from_warehouse__service_point_id=point)
                       | Q(to_warehouse__service_point_id=point))
    return qs.order_by("-id")


def access_requisition(*, actor, requisition_id: int) -> Requisition:
    return get_scoped(requisitions(actor=actor), actor=None, pk=requisition_id,
                      message="Requisition not found.")

REQUISITION_ACTIONS = {
    "approve": services.approve_requisition,
    "reject": services.reject_requisition,
    "ship": services.ship_requisition,
    "receive": services.receive_requisition,
}
NEXT_ACTIONS = {
    Requisition.Status.PENDING: ["approve", "reject"],
    Requisition.Status.APPROVED: ["ship"],
    Requisition.Status.SHIPPED: ["receive"],
}


@staff_view
def stock(request):
    actor = request.user
    warehouse = request.GET.get("warehouse") or None
    levels = list(stock_levels(actor=actor, warehouse_code=warehouse)[:500])
    alerts = [level for level in levels if level.reorder_point and
              level.on_hand + level.in_transit <= level.reorder_point]
    pending = list(requisitions(actor=actor)[:100])
    return render(request, "inventory/stock.html", {
        "levels": levels, "alerts": alerts, "warehouse": warehouse,
        "warehouses": warehouses(actor=actor),
        "requisitions": [{"r": r, "actions": NEXT_ACTIONS.get(r.status, [])}
                         for r in pending]})


@staff_view
def stock_export(request):
    """The stock levels as Excel (the warehouse the page shows)."""
    warehouse = request.GET.get("warehouse") or None
    levels = stock_levels(actor=request.user, warehouse_code=warehouse)[:20000]
    return xlsx_response(
        filename=f"stock-{warehouse or 'all'}.xlsx", title=_("Stock"),
        header=[_("Warehouse"), _("SKU"), _("Part"), _("On hand"), _("In transit"),
                _("Reorder point"), _("Bin")],
        rows=([lv.warehouse.code, lv.part.sku, lv.part.name, lv.on_hand, lv.in_transit,
               lv.reorder_point, lv.bin] for lv in levels))


@staff_view
@require_POST
def requisition_action(request, requisition_id: int, action: str):
    requisition = access_requisition(actor=request.user,
                                               requisition_id=requisition_id)
    service = REQUISITION_ACTIONS.get(action)
    try:
        if service is None:
            raise DomainError("unknown_action", "Unknown action.")
        service(actor=request.user, requisition=requisition)
    except DomainError as exc:
        messages.error(request, f"{requisition.number}: {exc.message}")
    return redirect("inventory:stock")
