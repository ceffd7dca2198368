from django.contrib import admin

from .models import Alert, Outbox, SweepPolicy


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "kind", "status", "attempts",
                    "sent_at", "ticket"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["recipient", "subject", "ticket__number"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error", "locked_until",
                       "dedupe_key"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "ticket", "for_role", "service_point", "due_at",
                    "acknowledged_at"]
    list_filter = ["kind", "for_role"]
    search_fields = ["ticket__number", "message"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["created_at"]


@admin.register(SweepPolicy)
class SweepPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "backup_device_after_hours"]
