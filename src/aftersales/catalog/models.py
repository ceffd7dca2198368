from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import MoneyField


class ProductModel(models.Model):
    code = models.CharField(_("model code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=60)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    return_days = models.PositiveSmallIntegerField(_("return period (days)"), default=7)
    exchange_days = models.PositiveSmallIntegerField(_("exchange period (days)"), default=15)
    factory_price = MoneyField(_("factory price"), null=True, blank=True, default=None)
    serial_date_pattern = models.CharField(
        _("serial date pattern"), max_length=120, blank=True,
        help_text=_("Regular expression with named groups year, month and optional day, "
                    "e.g. ^[A-Z]{2}(?P<year>\\d{2})(?P<month>\\d{2})"))
    large_unit = models.BooleanField(_("large unit (transport fee)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(exchange_days__gte=models.F("return_days")),
                                   name="model_exchange_after_return"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Part(models.Model):
    class AccessoryKind(models.TextChoices):
        EARPHONE = "earphone", _("Earphone")
        BATTERY = "battery", _("Battery")
        CHARGER = "charger", _("Charger")
        CABLE = "cable", _("Data cable")

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    price = MoneyField(_("price"))
    cost = MoneyField(_("cost"))
    accessory_kind = models.CharField(_("accessory kind"), max_length=20, blank=True,
                                      choices=AccessoryKind.choices)
    fits_models = models.ManyToManyField(ProductModel, blank=True, related_name="parts",
                                         verbose_name=_("fits models"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0) & Q(cost__gte=0),
                                   name="part_money_not_negative"),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class FaultCode(models.Model):
    code = models.CharField(_("fault code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    component = models.CharField(_("component"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class AccessoryPeriod(models.Model):
    """Warranty months of an accessory kind (earphone 3, battery 6, charger/cable 12)."""

    kind = models.CharField(_("accessory kind"), max_length=20, unique=True,
                            choices=Part.AccessoryKind.choices)
    months = models.PositiveSmallIntegerField(_("warranty (months)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accessory warranty period")
        verbose_name_plural = _("accessory warranty periods")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.months}"


class KnowledgeArticle(models.Model):
    """知识库: a known fault of a model with its fix, or an FAQ answer, for the hotline.

    Searched by substring (Chinese has no spaces to tokenise on): LIKE on SQLite, and on
    PostgreSQL LIKE backed by pg_trgm GIN indexes (migration 0005) ranked by similarity.
    """

    class Kind(models.TextChoices):
        FAULT_FIX = "fault_fix", _("Fault and fix")
        FAQ = "faq", _("FAQ")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.FAULT_FIX)
    model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="knowledge_articles", verbose_name=_("model"),
                              help_text=_("Empty: applies to every model."))
    fault_code = models.ForeignKey(FaultCode, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="knowledge_articles",
                                   verbose_name=_("fault code"))
    title = models.CharField(_("title"), max_length=200)
    symptoms = models.TextField(_("symptoms"), blank=True)
    answer = models.TextField(_("fix or answer"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="knowledge_title_not_empty"),
        ]

    def __str__(self):
        return self.title
