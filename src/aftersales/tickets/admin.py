"""Admin: the rule tables are edited here; tickets and their timeline are read here and
changed only through the workflow (services)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .checks import calendar_warnings
from .models import (
    Attachment,
    BusinessDay,
    CalendarYear,
    Complaint,
    Custody,
    DispatchApproval,
    FollowUp,
    LateRepairOffer,
    ProductFeedback,
    SLATarget,
    Ticket,
    TicketEvent,
    TicketPolicy,
    Visit,
    WorkingWindow,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = TicketEvent
    fields = ["at", "action", "actor", "from_status", "to_status", "data"]
    readonly_fields = fields
    extra = 0


class VisitInline(ReadOnlyMixin, admin.TabularInline):
    model = Visit
    fields = ["trip_no", "engineer", "scheduled_at", "arrived_at", "departed_at", "outcome"]
    readonly_fields = fields
    extra = 0


@admin.register(Ticket)
class TicketAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "status", "kind", "mode", "priority", "customer", "engineer",
                    "service_point", "sla_next_due", "sla_breached", "created_at"]
    list_filter = ["status", "kind", "mode", "priority", "channel", "sla_breached",
                   "service_point"]
    search_fields = ["number", "order_ref", "contact_phone", "customer__name",
                     "device__serial"]
    list_select_related = ["customer", "engineer", "service_point"]
    exclude = ["tracking_secret", "idempotency_key"]
    inlines = [VisitInline, EventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "action", "actor", "at", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["ticket", "actor"]
    search_fields = ["ticket__number"]


@admin.register(Custody)
class CustodyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["label", "ticket", "state", "location", "received_at", "shipped_at"]
    search_fields = ["label", "ticket__number", "tracking_no"]
    list_select_related = ["ticket"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "due_at", "done_at", "satisfaction"]
    list_select_related = ["ticket"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ticket", "owner", "updated_at"]
    list_select_related = ["ticket", "owner"]


@admin.register(ProductFeedback)
class ProductFeedbackAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "product_model", "fault_code", "status", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["product_model", "fault_code"]


class CalendarWarningMixin:
    """Tell the admin which coming year still lacks the State Council schedule."""

    def changelist_view(self, request, extra_context=None):
        missing = calendar_warnings()
        if missing:
            messages.warning(request, _(
                "No holiday schedule for %(years)s: working days there count weekends only. "
                "Add the statutory holidays and adjusted working days, then the year under "
                "published calendar years.") % {"years": ", ".join(missing)})
        return super().changelist_view(request, extra_context)


@admin.register(BusinessDay)
class BusinessDayAdmin(CalendarWarningMixin, SimpleHistoryAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarWarningMixin, admin.ModelAdmin):
    list_display = ["year", "note"]


@admin.register(WorkingWindow)
class WorkingWindowAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "service_point", "starts", "ends"]
    list_filter = ["service_point"]


@admin.register(SLATarget)
class SLATargetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "priority", "mode", "kind", "channel", "amount", "unit",
                    "starts_on", "active"]
    list_filter = ["name", "channel", "unit", "active"]


@admin.register(TicketPolicy)
class TicketPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "max_visits", "callback_after_hours", "attachment_max_mb",
                    "late_repair_remedy"]


@admin.register(DispatchApproval)
class DispatchApprovalAdmin(SimpleHistoryAdmin):
    list_display = ["ticket", "engineer", "approver", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["ticket", "engineer", "approver"]

    def has_add_permission(self, request):
        return False  # requested by an assignment, decided by the approver

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "kind", "name", "size", "content_type", "uploaded_by",
                    "created_at"]
    list_filter = ["kind"]


@admin.register(LateRepairOffer)
class LateRepairOfferAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "due_at", "offered_at", "choice", "extension_days"]
    list_filter = ["choice"]
