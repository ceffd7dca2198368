from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgentLine, Call


@admin.register(AgentLine)
class AgentLineAdmin(SimpleHistoryAdmin):
    list_display = ["extension", "agent"]
    search_fields = ["extension", "agent__username", "agent__first_name"]
    raw_id_fields = ["agent"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["received_at", "number", "extension", "agent", "customer", "ticket",
                    "popped_at"]
    search_fields = ["number", "extension", "call_id"]
    raw_id_fields = ["agent", "customer", "ticket"]
    readonly_fields = ["received_at", "popped_at", "signature"]
