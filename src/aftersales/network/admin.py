from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Deposit, NetworkPolicy, ServicePoint, User


@admin.register(ServicePoint)
class ServicePointAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "tier", "province", "city", "active"]
    list_filter = ["kind", "tier", "active"]
    search_fields = ["code", "name", "city"]


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ["service_point", "amount", "note", "created_at", "created_by"]
    list_select_related = ["service_point", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False  # a ledger row: correct it with a new row, never by editing

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NetworkPolicy)
class NetworkPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "credit_leverage"]


@admin.register(User)
class StaffAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "name", "role", "service_point", "is_active"]
    list_filter = ["role", "service_point", "is_active"]
    list_select_related = ["service_point"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Aftersales"), {"fields": ("name", "role", "service_point", "skills", "phone")}),
    )
