"""Warehouse page: stock by warehouse with reorder alerts, requisitions to approve, ship and
receive. Writes go through inventory.services."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError
from aftersales.core.views import staff_view

from . import selectors, services
from .errors import InventoryCode
from .models import Requisition

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
    levels = list(selectors.stock_list(actor=actor, warehouse_code=warehouse)[:500])
    alerts = [level for level in levels if level.reorder_point and
              level.on_hand + level.in_transit <= level.reorder_point]
    pending = list(selectors.requisition_list(actor=actor)[:100])
    return render(request, "inventory/stock.html", {
        "levels": levels, "alerts": alerts, "warehouse": warehouse,
        "warehouses": list(selectors.warehouse_list(actor=actor, active_only=True)),
        "requisitions": [{"r": r, "actions": NEXT_ACTIONS.get(r.status, [])}
                         for r in pending]})


@staff_view
@require_POST
def requisition_action(request, requisition_id: int, action: str):
    requisition = selectors.access_requisition(actor=request.user,
                                               requisition_id=requisition_id)
    service = REQUISITION_ACTIONS.get(action)
    try:
        if service is None:
            raise DomainError(InventoryCode.UNKNOWN_ACTION, _("Unknown action."))
        service(actor=request.user, requisition=requisition)
    except DomainError as exc:
        messages.error(request, f"{requisition.number}: {exc.message}")
    return redirect("inventory:stock")
