from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import StockLevel, StockMove, Warehouse


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
