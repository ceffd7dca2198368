from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agreement,
    AppraisalEntry,
    AppraisalRule,
    Certificate,
    Dealer,
    Deposit,
    DispatchApprovalRule,
    ExpiryReminder,
    NetworkPolicy,
    PointEquipment,
    QualificationRequirement,
    Region,
    ServicePoint,
    TrainingRecord,
    User,
)


class PointEquipmentInline(admin.TabularInline):
    model = PointEquipment
    extra = 0


@admin.register(ServicePoint)
class ServicePointAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "tier", "region", "province", "city", "county",
                    "active"]
    list_filter = ["kind", "tier", "region", "active"]
    list_select_related = ["region"]
    search_fields = ["code", "name", "city", "county"]
    inlines = [PointEquipmentInline]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "routing"]
    search_fields = ["code", "name"]


@admin.register(Dealer)
class DealerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "county", "doa_days", "credit_code", "active"]
    list_filter = ["region", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "credit_code"]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["service_point", "starts_on", "ends_on", "tier", "deposit", "subsidy_rate",
                    "document"]
    list_filter = ["tier"]
    list_select_related = ["service_point"]
    readonly_fields = ["created_by"]

    def has_delete_permission(self, request, obj=None):
        return False  # a term is kept: a new term is a new row

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(QualificationRequirement)
class QualificationRequirementAdmin(SimpleHistoryAdmin):
    list_display = ["category", "min_certified_engineers", "equipment"]


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    list_display = ["user", "category", "valid_from", "valid_until", "issuer"]
    list_filter = ["category"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__name", "category"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "category", "completed_on", "hours"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__name", "course"]


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(admin.ModelAdmin):
    list_display = ["subject", "expires_on", "service_point", "message", "created_at"]
    list_filter = ["subject"]

    def has_add_permission(self, request):
        return False  # raised by the sweep

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DispatchApprovalRule)
class DispatchApprovalRuleAdmin(SimpleHistoryAdmin):
    list_display = ["service_point", "ticket_kind", "approver", "active"]
    list_filter = ["active"]
    list_select_related = ["service_point", "approver"]


@admin.register(AppraisalRule)
class AppraisalRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "amount", "active"]
    list_filter = ["kind", "active"]


@admin.register(AppraisalEntry)
class AppraisalEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "month", "rule", "amount", "note", "created_by"]
    list_select_related = ["user", "rule", "created_by"]
    list_filter = ["month"]

    def has_change_permission(self, request, obj=None):
        return False  # recorded by a manager; a correction is a new entry

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ["username", "name", "role", "service_point", "region", "is_active"]
    list_filter = ["role", "service_point", "region", "is_active"]
    list_select_related = ["service_point", "region"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Aftersales"), {"fields": ("name", "role", "service_point", "region", "skills",
                                      "phone")}),
    )
