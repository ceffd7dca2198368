"""Admin of money in the field: the policy is edited here (rule values are
configuration); hand-overs, liabilities, claims, disputes, invoice requests and refunds
are read-only records, changed only through the billing services."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin import ReadOnlyAdmin, ReadOnlyInline
from .models import (
    CashHandover,
    Claim,
    FeeDispute,
    FieldMoneyPolicy,
    HandedOverPayment,
    InvoiceRequest,
    Refund,
    StaffLiability,
)


@admin.register(FieldMoneyPolicy)
class FieldMoneyPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "handover_days", "personal_qr_counts_as_cash",
                    "return_refund_days"]

    def has_add_permission(self, request):
        return not FieldMoneyPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class HandedOverInline(ReadOnlyInline):
    model = HandedOverPayment
    fields = ["entry", "amount"]


@admin.register(CashHandover)
class CashHandoverAdmin(ReadOnlyAdmin):
    list_display = ["number", "engineer", "total", "received_at", "received_by"]
    list_select_related = ["engineer", "received_by"]
    search_fields = ["number", "engineer__username", "engineer__name"]
    date_hierarchy = "received_at"
    inlines = [HandedOverInline]


@admin.register(StaffLiability)
class StaffLiabilityAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["engineer", "ticket", "kind", "amount", "status", "created_at",
                    "settled_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["engineer", "ticket"]
    search_fields = ["ticket__number", "engineer__username", "engineer__name"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["number", "kind", "ticket", "customer", "cost", "waived", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["ticket", "customer"]
    search_fields = ["number", "ticket__number", "customer__name"]


@admin.register(FeeDispute)
class FeeDisputeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["charge", "customer", "status", "reduced_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["charge", "customer"]


@admin.register(InvoiceRequest)
class InvoiceRequestAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["id", "customer", "kind", "title", "taxpayer_id", "amount", "status",
                    "number", "issued_on"]
    list_filter = ["status", "kind"]
    list_select_related = ["customer"]
    search_fields = ["title", "taxpayer_id", "number", "customer__name"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["charge", "customer", "reason", "amount", "method", "reference", "status"]
    list_filter = ["status", "reason", "method"]
    list_select_related = ["charge", "customer"]
