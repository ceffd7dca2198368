from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessoryPeriod, FaultCode, KnowledgeArticle, Part, ProductModel, Synonym


@admin.register(ProductModel)
class ProductModelAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "warranty_months", "return_days",
                    "exchange_days", "factory_price", "large_unit"]
    list_filter = ["category", "large_unit"]
    search_fields = ["code", "name"]


@admin.register(Part)
class PartAdmin(SimpleHistoryAdmin):
    list_display = ["sku", "name", "price", "cost", "accessory_kind"]
    list_filter = ["accessory_kind"]
    search_fields = ["sku", "name"]
    filter_horizontal = ["fits_models"]


@admin.register(FaultCode)
class FaultCodeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "component"]
    search_fields = ["code", "name", "component"]


@admin.register(AccessoryPeriod)
class AccessoryPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "months"]


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "model", "fault_code", "active", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["title", "symptoms", "answer"]
    autocomplete_fields = ["model", "fault_code"]


@admin.register(Synonym)
class SynonymAdmin(SimpleHistoryAdmin):
    list_display = ["words", "active"]
    list_filter = ["active"]
    search_fields = ["words"]
