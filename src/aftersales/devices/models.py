from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy


class Device(models.Model):
    """One unit in the field, known by its serial number and (for phones) its IMEI."""

    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    imei = models.CharField(_("IMEI"), max_length=15, null=True, blank=True, unique=True)
    # indexed by (model, purchase_date) below, which also serves look-ups by model alone
    model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT,
                              related_name="devices", verbose_name=_("model"),
                              db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="devices", verbose_name=_("customer"))
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    invoice_no = models.CharField(_("invoice number"), max_length=40, blank=True)
    warranty_card_no = models.CharField(_("warranty card number"), max_length=40, blank=True)
    manufactured_on = models.DateField(_("manufactured on"), null=True, blank=True)
    dealer = models.CharField(_("dealer"), max_length=120, blank=True,
                              help_text=_("As typed before dealers were records (history)."))
    sold_by = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="devices",
                                verbose_name=_("dealer (record)"))
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="replaced_by",
                                 verbose_name=_("replacement for"))
    warranty_card_date = models.DateField(
        _("date on the warranty card"), null=True, blank=True,
        help_text=_("After an exchange the card records the exchange date."))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(serial=""), name="device_serial_not_empty"),
        ]
        indexes = [
            # the installed base of the fault analysis: units of a model bought by a day,
            # counted from the index alone
            models.Index(fields=["model", "purchase_date"], name="device_model_bought_idx"),
        ]

    def __str__(self):
        return self.serial


class RepairRecord(models.Model):
    """A completed repair of a unit: the history the warranty engine reads for repeat
    faults and the 90-day repair warranty. Written by the tickets app on resolution."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="repairs")
    repaired_on = models.DateField(_("repaired on"))
    fault_code = models.CharField(_("fault code"), max_length=40, blank=True)
    part_sku = models.CharField(_("part"), max_length=40, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("repair record")
        verbose_name_plural = _("repair records")
        ordering = ["-repaired_on", "-id"]
        indexes = [models.Index(fields=["device", "repaired_on"], name="repair_device_date_idx")]

    def __str__(self):
        return f"{self.device_id} {self.repaired_on} {self.fault_code}"


class UnitExchange(models.Model):
    """换货: what was exchanged for a unit under 三包 — only the faulty item: the unit itself
    (a new unit, whose card records the exchange date and the new IMEI) or one accessory
    (by its part SKU). Kept, never edited."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="exchanges",
                               verbose_name=_("unit exchanged"))
    new_device = models.OneToOneField(Device, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="exchanged_from",
                                      verbose_name=_("new unit"))
    item_sku = models.CharField(_("accessory exchanged"), max_length=40, blank=True,
                                help_text=_("Blank: the unit itself was exchanged."))
    exchanged_on = models.DateField(_("exchanged on"))
    periods_restart = models.BooleanField(_("三包 periods restart"), default=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=(Q(new_device__isnull=False, item_sku="")
                       | Q(new_device__isnull=True) & ~Q(item_sku="")),
            name="exchange_unit_or_accessory")]

    def __str__(self):
        return f"{self.device_id} → {self.new_device_id or self.item_sku}"


class WarrantyExtension(models.Model):
    """Days added to a unit's warranty, with why (a late bench repair's remedy). Kept, never
    edited: the unit's extension is the sum of its rows."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=200)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        verbose_name = _("warranty extension")
        verbose_name_plural = _("warranty extensions")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(days__gt=0),
                                              name="warranty_extension_positive")]

    def __str__(self):
        return f"{self.device_id} +{self.days}"


class WarrantyPolicy(OneRowPolicy):
    """三包 rule values that are not per model (one row, editable in the admin)."""

    repeat_fault_repairs = models.PositiveSmallIntegerField(
        _("repairs before a free replacement"), default=2)
    repeat_fault_window_days = models.PositiveSmallIntegerField(
        _("repeat-fault window (days)"), default=30)
    repair_warranty_days = models.PositiveSmallIntegerField(_("repair warranty (days)"),
                                                            default=90)
    own_reason_return_days = models.PositiveSmallIntegerField(
        _("own-reason return period (days)"), default=7)
    exchange_restarts_periods = models.BooleanField(
        _("an exchange restarts the 三包 periods"), default=True,
        help_text=_("After an exchange the new unit's periods start again on the exchange "
                    "date (else they run on from the original purchase)."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policy")

    def __str__(self):
        return str(_("Warranty policy"))


class DealerReturn(models.Model):
    """A unit returned by its dealer: within the dealer's DOA window it is replaced, after it
    is repaired (network/routing.dealer_return_outcome). A record, never edited."""

    class Outcome(models.TextChoices):
        REPLACE = "replace", _("Dead on arrival: replace")
        REPAIR = "repair", _("Repair")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="dealer_returns",
                               verbose_name=_("device"))
    dealer = models.ForeignKey("network.Dealer", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("dealer"))
    returned_on = models.DateField(_("returned on"))
    doa_days = models.PositiveSmallIntegerField(_("DOA window (days)"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("dealer return")
        verbose_name_plural = _("dealer returns")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.device_id} {self.returned_on} {self.outcome}"
