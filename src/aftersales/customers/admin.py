from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Customer


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "kind", "phone", "zone", "service_point", "blocked",
                    "provisional"]
    list_filter = ["kind", "zone", "blocked", "provisional", "service_point"]
    search_fields = ["number", "name", "phone"]
    list_select_related = ["service_point"]
    readonly_fields = ["number"]
    inlines = [ContactInline]
