from django.contrib import admin

from .auth import AdminLoginForm
from .models import Sequence

admin.site.site_header = "Aftersales 售后服务管理系统"
admin.site.login_form = AdminLoginForm  # the same sign-in lockout as the console and API


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "value"]
