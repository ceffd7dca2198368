from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contract


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["number", "customer", "kind", "status", "starts_on", "ends_on", "price"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "renewed_from"]
    filter_horizontal = ["devices"]
