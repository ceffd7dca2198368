from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.money import MoneyField


class Warehouse(models.Model):
    """A parts store at HQ or at a service point (or an engineer's van stock)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                                      related_name="warehouses",
                                      verbose_name=_("service point"))
    engineer = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="warehouses",
                                 verbose_name=_("engineer (van stock)"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class StockLevel(models.Model):
    """On-hand balance of one part in one warehouse, kept in the same transaction as the
    ledger row that changes it; the database refuses a negative balance."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="levels")
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="levels")
    on_hand = models.IntegerField(_("on hand"), default=0)
    in_transit = models.IntegerField(_("in transit to here"), default=0)
    reorder_point = models.PositiveIntegerField(_("reorder point"), default=0)
    reorder_qty = models.PositiveIntegerField(_("reorder quantity"), default=0)
    bin = models.CharField(_("bin"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "part"], name="stock_level_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_never_negative"),
            models.CheckConstraint(condition=Q(in_transit__gte=0),
                                   name="in_transit_never_negative"),
        ]

    def __str__(self):
        return f"{self.warehouse_id}/{self.part_id}: {self.on_hand}"


class StockMove(models.Model):
    """An append-only ledger row: the balance is the sum of these."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", _("Issue to a ticket")
        RETURN = "return", _("Return from a ticket")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        ADJUSTMENT = "adjustment", _("Adjustment")
        COUNT = "count", _("Stock count")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    qty = models.IntegerField(_("quantity (signed)"))
    unit_cost = MoneyField(_("unit cost"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-id"]
        indexes = [models.Index(fields=["warehouse", "part"], name="move_wh_part_idx")]
        constraints = [models.CheckConstraint(condition=~Q(qty=0), name="move_qty_not_zero")]

    def __str__(self):
        return f"{self.kind} {self.qty}"
