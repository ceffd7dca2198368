"""The loaner pool (备用机), suppliers, purchase orders with their incoming inspection, and
claims on a supplier for a part that failed under its warranty. Imported by
inventory.models, so Django sees these models as the inventory app's."""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy
from aftersales.core.money import MoneyField


class LoanerPolicy(OneRowPolicy):
    """Rule values of the loaner pool (one row, editable in the admin)."""

    loan_days = models.PositiveSmallIntegerField(
        _("a loaner comes back within (days)"), default=14,
        help_text=_("After this a loaner still out is overdue and the manager is alerted."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loaner policy")
        verbose_name_plural = _("loaner policy")

    def __str__(self):
        return str(_("Loaner policy"))


class Loaner(models.Model):
    """A unit of the company's own in a service point's loaner pool. Registered as a
    device too (`device`), its own repairs are tickets like any other."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        LENT = "lent", _("Lent out")
        IN_REPAIR = "in_repair", _("In repair")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("code"), max_length=30, unique=True)
    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                                      related_name="loaners", verbose_name=_("service point"))
    model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT,
                              related_name="loaners", verbose_name=_("model"))
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    device = models.OneToOneField("devices.Device", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="loaner",
                                  verbose_name=_("device record"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.AVAILABLE)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loaner")
        verbose_name_plural = _("loaner pool")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.serial}"


class Loan(models.Model):
    """A loaner lent to a ticket's customer until it comes back."""

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        WORN = "worn", _("Worn")
        DAMAGED = "damaged", _("Damaged")
        INCOMPLETE = "incomplete", _("Parts missing")

    loaner = models.ForeignKey(Loaner, on_delete=models.PROTECT, related_name="loans",
                               verbose_name=_("loaner"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="loans", verbose_name=_("ticket"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="loans", verbose_name=_("customer"))
    lent_at = models.DateTimeField(_("lent at"))
    due_on = models.DateField(_("due back on"))
    lent_by = models.ForeignKey("network.User", on_delete=models.PROTECT, related_name="+")
    condition_out = models.CharField(_("condition when lent"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    condition_in = models.CharField(_("condition on return"), max_length=20,
                                    choices=Condition.choices, blank=True)
    return_note = models.CharField(_("note on return"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["loaner"], condition=Q(returned_at__isnull=True),
                                    name="loaner_lent_once"),
        ]
        indexes = [models.Index(fields=["due_on"], condition=Q(returned_at__isnull=True),
                                name="loan_out_due_idx")]

    def __str__(self):
        return f"{self.loaner_id} → {self.ticket_id}"


class Supplier(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18,
                                   blank=True)
    contact = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    warranty_days = models.PositiveSmallIntegerField(_("warranty on parts (days)"),
                                                     default=365)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class PurchaseOrder(models.Model):
    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        PARTLY_RECEIVED = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=30, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT,
                                 related_name="purchase_orders", verbose_name=_("supplier"))
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT,
                                  related_name="purchase_orders", verbose_name=_("warehouse"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ORDERED)
    amount = MoneyField(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-id"]

    def __str__(self):
        return self.number


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField(_("ordered"))
    unit_cost = MoneyField(_("unit cost"))
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="po_line_qty_gt_0"),
            models.CheckConstraint(condition=Q(accepted__lte=F("qty") - F("rejected")),
                                   name="po_line_inspected_within_ordered"),
            models.UniqueConstraint(fields=["order", "part"], name="po_line_unique_part"),
        ]

    def __str__(self):
        return f"{self.part_id} x{self.qty}"


class Inspection(models.Model):
    """The incoming inspection of a delivery: per line, accepted units go into stock (a
    receipt move), rejected ones go back to the supplier with a reason."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT,
                              related_name="inspections")
    note = models.CharField(_("note"), max_length=200, blank=True)
    inspected_at = models.DateTimeField(auto_now_add=True)
    inspected_by = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("incoming inspection")
        verbose_name_plural = _("incoming inspections")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.order_id} {self.inspected_at:%Y-%m-%d}"


class InspectionLine(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT,
                                   related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT,
                             related_name="inspections")
    accepted = models.PositiveIntegerField(_("accepted"))
    rejected = models.PositiveIntegerField(_("rejected"))
    reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    move = models.OneToOneField("inventory.StockMove", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="inspection_line")

    class Meta:
        verbose_name = _("inspection line")
        verbose_name_plural = _("inspection lines")
        constraints = [models.CheckConstraint(condition=Q(accepted__gt=0) | Q(rejected__gt=0),
                                              name="inspection_line_not_empty")]

    def __str__(self):
        return f"{self.line_id}: +{self.accepted} −{self.rejected}"


class SupplierClaim(models.Model):
    """索赔: a part that failed under its supplier's warranty is claimed back, with the
    faulty part returned; the supplier's credit is recorded when the claim is accepted."""

    class Status(models.TextChoices):
        OPEN = "open", _("Sent to the supplier")
        ACCEPTED = "accepted", _("Accepted (credited)")
        REJECTED = "rejected", _("Rejected by the supplier")

    number = models.CharField(_("number"), max_length=30, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="claims",
                                 verbose_name=_("supplier"))
    faulty_part = models.OneToOneField("inventory.FaultyPartReturn", on_delete=models.PROTECT,
                                       related_name="supplier_claim",
                                       verbose_name=_("faulty part returned"))
    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="supplier_claims",
                              verbose_name=_("our claim (the customer's job)"))
    part = models.ForeignKey("catalog.Part", on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField(_("quantity"))
    amount = MoneyField(_("amount claimed"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    credit = MoneyField(_("credit received"))
    credit_reference = models.CharField(_("credit note"), max_length=60, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier claim")
        verbose_name_plural = _("supplier claims")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(credit__gte=0),
                                   name="supplier_claim_amounts_not_negative"),
            models.CheckConstraint(condition=Q(credit__lte=F("amount")),
                                   name="supplier_credit_within_claim"),
        ]

    def __str__(self):
        return self.number
