"""Admin of the loaner pool, suppliers, purchase orders and supplier claims. The loaner
policy and suppliers are edited here; loans, orders, inspections and claims change only
through the inventory services (read-only records)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Inspection,
    InspectionLine,
    Loan,
    Loaner,
    LoanerPolicy,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierClaim,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabular(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoanerPolicy)
class LoanerPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "loan_days"]

    def has_add_permission(self, request):
        return not LoanerPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class LoanInline(ReadOnlyTabular):
    model = Loan
    fields = ["ticket", "customer", "lent_at", "due_on", "returned_at", "condition_in"]


@admin.register(Loaner)
class LoanerAdmin(SimpleHistoryAdmin):
    list_display = ["code", "serial", "model", "service_point", "status", "condition"]
    list_filter = ["status", "service_point"]
    list_select_related = ["model", "service_point"]
    search_fields = ["code", "serial"]
    readonly_fields = ["status"]  # lent and returned only through the services
    inlines = [LoanInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "credit_code", "contact", "phone", "warranty_days",
                    "active"]
    search_fields = ["code", "name", "credit_code"]


class OrderLineInline(ReadOnlyTabular):
    model = PurchaseOrderLine
    fields = ["part", "qty", "unit_cost", "accepted", "rejected"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "supplier", "warehouse", "status", "amount", "created_at"]
    list_filter = ["status"]
    list_select_related = ["supplier", "warehouse"]
    search_fields = ["number", "supplier__name"]
    inlines = [OrderLineInline]


class InspectionLineInline(ReadOnlyTabular):
    model = InspectionLine
    fields = ["line", "accepted", "rejected", "reason", "move"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnly):
    list_display = ["order", "inspected_at", "inspected_by"]
    list_select_related = ["order", "inspected_by"]
    inlines = [InspectionLineInline]


@admin.register(SupplierClaim)
class SupplierClaimAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["number", "supplier", "part", "qty", "amount", "status", "credit"]
    list_filter = ["status"]
    list_select_related = ["supplier", "part"]
