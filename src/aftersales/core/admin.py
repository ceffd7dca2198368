from django.contrib import admin

from .models import Sequence

admin.site.site_header = "Aftersales 售后服务管理系统"


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "value"]
