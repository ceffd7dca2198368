from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import MoneyField, OneRowPolicy


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
    requisition = models.ForeignKey("inventory.Requisition", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="moves")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="stock_moves")

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-id"]
        indexes = [models.Index(fields=["warehouse", "part"], name="move_wh_part_idx")]
        constraints = [models.CheckConstraint(condition=~Q(qty=0), name="move_qty_not_zero")]

    def __str__(self):
        return f"{self.kind} {self.qty}"


class RequisitionPolicy(OneRowPolicy):
    """Approver-free limits of a requisition (one row, editable in the admin)."""

    max_line_qty = models.PositiveIntegerField(_("max quantity per line without approval"),
                                               default=10)
    max_amount = MoneyField(_("max amount per requisition without approval"),
                            default=Decimal("2000.00"))
    planning_days = models.PositiveSmallIntegerField(
        _("consumption window for purchase plans (days)"), default=90)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requisition policy")
        verbose_name_plural = _("requisition policy")

    def __str__(self):
        return str(_("Requisition policy"))


class Requisition(models.Model):
    """A service point asks HQ (or another store) for parts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SHIPPED = "shipped", _("Shipped")
        RECEIVED = "received", _("Received")

    number = models.CharField(_("number"), max_length=30, unique=True)
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT,
                                       related_name="requisitions_out",
                                       verbose_name=_("from warehouse"))
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT,
                                     related_name="requisitions_in",
                                     verbose_name=_("to warehouse"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    amount = MoneyField(_("amount at cost"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    auto_approved = models.BooleanField(_("approved within the limits"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_warehouse=models.F("to_warehouse")),
                                   name="requisition_two_warehouses"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="requisition_amount_gte_0"),
        ]

    def __str__(self):
        return self.number


class RequisitionLine(models.Model):
    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField(_("quantity"))
    unit_cost = MoneyField(_("unit cost"))

    class Meta:
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="requisition_line_qty_gt_0"),
            models.UniqueConstraint(fields=["requisition", "part"],
                                    name="requisition_line_unique_part"),
        ]

    def __str__(self):
        return f"{self.part_id} x{self.qty}"


class StockCount(models.Model):
    """A physical count of a warehouse; each variance is booked as a count move."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="counts")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    counted_by = models.ForeignKey("network.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.warehouse_id} {self.created_at:%Y-%m-%d}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="+")
    expected = models.IntegerField(_("on hand before"))
    counted = models.PositiveIntegerField(_("counted"))
    variance = models.IntegerField(_("variance"))

    class Meta:
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["count", "part"],
                                               name="count_line_unique_part")]

    def __str__(self):
        return f"{self.part_id}: {self.expected} → {self.counted}"


class ReturnedUnit(models.Model):
    """A unit taken back (DOA, return, exchange): tested, then refurbished into refurbished
    stock, sent to factory repair, or scrapped."""

    class Reason(models.TextChoices):
        DOA = "doa", _("Dead on arrival")
        RETURN = "return", _("Return")
        EXCHANGE = "exchange", _("Exchange")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TESTED = "tested", _("Tested")
        FACTORY_REPAIR = "factory_repair", _("At factory repair")
        REFURBISHED = "refurbished", _("Refurbished stock")
        SCRAPPED = "scrapped", _("Scrapped")

    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT,
                               related_name="returns", verbose_name=_("device"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT,
                                  related_name="returned_units", verbose_name=_("warehouse"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="returned_units",
                               verbose_name=_("ticket"))
    replacement = models.ForeignKey("devices.Device", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("replacement unit"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RECEIVED)
    condition = models.CharField(_("condition on receipt"), max_length=200, blank=True)
    test_passed = models.BooleanField(_("test passed"), null=True, blank=True)
    findings = models.CharField(_("test findings"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("returned unit")
        verbose_name_plural = _("returned units")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.device_id} {self.status}"


class FaultyPartReturn(models.Model):
    """The faulty part taken out on a ticket, on its way back to HQ for analysis with the
    ticket's fault code."""

    class Status(models.TextChoices):
        PENDING = "pending", _("At the service point")
        SHIPPED = "shipped", _("On the way to HQ")
        RECEIVED = "received", _("Received at HQ")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="faulty_parts", verbose_name=_("ticket"))
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField(_("quantity"))
    fault_code = models.ForeignKey("catalog.FaultCode", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("fault code"))
    issue_move = models.OneToOneField(StockMove, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="faulty_part")
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="faulty_parts_in")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    analysis = models.CharField(_("analysis"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("faulty part return")
        verbose_name_plural = _("faulty part returns")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(qty__gt=0),
                                              name="faulty_part_qty_gt_0")]

    def __str__(self):
        return f"{self.ticket_id} {self.part_id} x{self.qty}"
