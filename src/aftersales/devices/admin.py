from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DealerReturn,
    Device,
    RepairRecord,
    UnitExchange,
    WarrantyExtension,
    WarrantyPolicy,
)


@admin.register(Device)
class DeviceAdmin(SimpleHistoryAdmin):
    list_display = ["serial", "imei", "model", "customer", "purchase_date"]
    search_fields = ["serial", "imei", "customer__name", "customer__phone"]
    list_select_related = ["model", "customer"]
    raw_id_fields = ["customer", "replaces"]


@admin.register(RepairRecord)
class RepairRecordAdmin(SimpleHistoryAdmin):
    list_display = ["device", "repaired_on", "fault_code", "part_sku", "reference"]
    list_select_related = ["device"]
    raw_id_fields = ["device"]


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "repeat_fault_repairs", "repeat_fault_window_days",
                    "repair_warranty_days", "own_reason_return_days"]


@admin.register(DealerReturn)
class DealerReturnAdmin(admin.ModelAdmin):
    list_display = ["device", "dealer", "returned_on", "doa_days", "outcome", "created_by"]
    list_filter = ["outcome"]
    list_select_related = ["device", "dealer", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitExchange)
class UnitExchangeAdmin(admin.ModelAdmin):
    """Exchanges are written by the 三包 exchange action; read here."""

    list_display = ["device", "new_device", "item_sku", "exchanged_on", "periods_restart",
                    "reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WarrantyExtension)
class WarrantyExtensionAdmin(admin.ModelAdmin):
    list_display = ["device", "days", "reason", "reference", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
