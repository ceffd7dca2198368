"""Admin: the fee schedule, billing policy and subsidy rates are edited here (rule values
are configuration); quotes, charges, the ledger and statements are read-only records."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BillingPolicy,
    Charge,
    ChargeLine,
    DebtBlockEvent,
    LabourRate,
    LedgerEntry,
    Quote,
    QuoteLine,
    SubsidyRate,
    SubsidyStatement,
    ZoneFee,
)


@admin.register(ZoneFee)
class ZoneFeeAdmin(SimpleHistoryAdmin):
    list_display = ["zone", "visit", "revisit_surcharge", "transport",
                    "long_visit_counts_double"]
    list_editable = ["visit", "revisit_surcharge", "transport", "long_visit_counts_double"]

    def has_delete_permission(self, request, obj=None):
        return False  # a zone without fees could not be quoted


@admin.register(LabourRate)
class LabourRateAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "price", "active"]
    list_editable = ["price", "active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # quotes name their rate; retire one by making it inactive


@admin.register(BillingPolicy)
class BillingPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "long_visit_hours", "max_visits_without_manager",
                    "on_spot_limit", "credit_days", "block_after_refusals"]

    def has_add_permission(self, request):
        return not BillingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SubsidyRate)
class SubsidyRateAdmin(SimpleHistoryAdmin):
    list_display = ["tier", "per_job"]
    list_editable = ["per_job"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuoteLineInline(ReadOnlyInline):
    model = QuoteLine
    fields = ["position", "kind", "description", "sku", "qty", "unit_price", "amount",
              "covered_reason"]


class ChargeLineInline(ReadOnlyInline):
    model = ChargeLine
    fields = ["posting", "position", "kind", "description", "qty", "unit_price", "amount",
              "covered_reason"]


class LedgerInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["created_at", "kind", "amount", "method", "note", "created_by"]
    readonly_fields = ["created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records change only through the billing services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["ticket", "status", "total", "coverage", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__number"]
    inlines = [QuoteLineInline]


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["ticket", "customer", "resolved_on", "due_on", "refused_at"]
    list_select_related = ["ticket", "customer"]
    search_fields = ["ticket__number", "customer__name", "customer__phone"]
    inlines = [ChargeLineInline, LedgerInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "charge", "customer", "kind", "amount", "method"]
    list_filter = ["kind", "method"]
    list_select_related = ["charge", "customer"]
    date_hierarchy = "created_at"


@admin.register(DebtBlockEvent)
class DebtBlockEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "customer", "blocked", "reason", "by"]
    list_select_related = ["customer", "by"]


@admin.register(SubsidyStatement)
class SubsidyStatementAdmin(ReadOnlyAdmin):
    list_display = ["month", "service_point", "tier", "per_job", "jobs", "amount"]
    list_select_related = ["service_point"]
    list_filter = ["month", "tier"]

from . import field_admin  # noqa: E402,F401  (money in the field)
