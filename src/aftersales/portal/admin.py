"""Admin: the portal's rule row and service items are edited here; bookings, quote
decisions, payment orders and codes are records, read here only."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Booking,
    BookingPhoto,
    PaymentOrder,
    PhoneCode,
    PortalPolicy,
    QuoteDecision,
    ServiceItem,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PortalPolicy)
class PortalPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "hotline", "booking_days_ahead", "max_photos",
                    "code_valid_minutes", "code_max_attempts", "identity_days"]

    def has_add_permission(self, request):
        return not PortalPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "charging", "position", "published"]
    list_editable = ["position", "published"]


class PhotoInline(ReadOnly, admin.TabularInline):
    model = BookingPhoto
    fields = ["name", "image", "content_type", "size", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Booking)
class BookingAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["ticket", "city", "district", "zone", "preferred_date", "slot",
                    "created_at"]
    list_filter = ["zone", "slot"]
    search_fields = ["ticket__number", "city", "street"]
    inlines = [PhotoInline]


@admin.register(QuoteDecision)
class QuoteDecisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["ticket", "decision", "signed_by", "total", "via", "at"]
    list_filter = ["decision"]
    search_fields = ["ticket__number", "signed_by"]
    exclude = ["signature_png"]


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["out_trade_no", "ticket", "provider", "amount", "status",
                    "transaction_id", "created_at", "paid_at"]
    list_filter = ["provider", "status"]
    search_fields = ["out_trade_no", "transaction_id", "ticket__number"]


@admin.register(PhoneCode)
class PhoneCodeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
    search_fields = ["phone"]
    exclude = ["code_hash"]
