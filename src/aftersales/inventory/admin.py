from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    FaultyPartReturn,
    Requisition,
    RequisitionLine,
    RequisitionPolicy,
    ReturnedUnit,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMove,
    Warehouse,
)


@admin.register(Warehouse)
class WarehouseAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "service_point", "engineer", "active"]
    list_select_related = ["service_point", "engineer"]


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ["warehouse", "part", "on_hand", "in_transit", "reorder_point", "reorder_qty"]
    list_select_related = ["warehouse", "part"]
    readonly_fields = ["on_hand", "in_transit"]  # changed only through stock moves


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    list_display = ["created_at", "warehouse", "part", "kind", "qty", "reference"]
    list_select_related = ["warehouse", "part"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequisitionLineInline(admin.TabularInline):
    model = RequisitionLine
    extra = 0
    readonly_fields = ["part", "qty", "unit_cost"]
    can_delete = False


@admin.register(RequisitionPolicy)
class RequisitionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "max_line_qty", "max_amount", "planning_days"]


@admin.register(Requisition)
class RequisitionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "from_warehouse", "to_warehouse", "status", "amount",
                    "created_at"]
    list_filter = ["status"]
    list_select_related = ["from_warehouse", "to_warehouse"]
    search_fields = ["number"]
    readonly_fields = ["status", "amount", "auto_approved", "decided_at", "decided_by",
                       "shipped_at", "received_at"]  # changed only through the services
    inlines = [RequisitionLineInline]


class StockCountLineInline(admin.TabularInline):
    model = StockCountLine
    extra = 0
    readonly_fields = ["part", "expected", "counted", "variance"]
    can_delete = False


@admin.register(StockCount)
class StockCountAdmin(admin.ModelAdmin):
    list_display = ["warehouse", "created_at", "counted_by", "note"]
    list_select_related = ["warehouse", "counted_by"]
    inlines = [StockCountLineInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReturnedUnit)
class ReturnedUnitAdmin(SimpleHistoryAdmin):
    list_display = ["device", "reason", "status", "warehouse", "replacement", "created_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["device", "warehouse", "replacement"]
    search_fields = ["device__serial"]
    readonly_fields = ["status"]


@admin.register(FaultyPartReturn)
class FaultyPartReturnAdmin(SimpleHistoryAdmin):
    list_display = ["ticket", "part", "qty", "fault_code", "status", "from_warehouse",
                    "to_warehouse"]
    list_filter = ["status"]
    list_select_related = ["ticket", "part", "fault_code", "from_warehouse", "to_warehouse"]
    readonly_fields = ["status", "issue_move"]

from . import field_admin  # noqa: E402,F401  (the loaner pool, suppliers, purchasing)
