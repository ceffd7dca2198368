from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import MoneyField


class Contract(models.Model):
    """合同: warranty, annual maintenance (按年), per-visit (按次) or extended warranty.

    Renewal creates the next contract pointing back at this one, so history is kept.
    """

    class Kind(models.TextChoices):
        WARRANTY = "warranty", _("Warranty")
        ANNUAL = "annual", _("Annual maintenance")
        PER_VISIT = "per_visit", _("Per visit")
        EXTENDED = "extended", _("Extended warranty")

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active (accepted)")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated")

    number = models.CharField(_("contract number"), max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="contracts", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    price = MoneyField(_("price"))
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="contracts",
                                     verbose_name=_("covered devices"))
    backup_device = models.BooleanField(_("backup device after 48 h"), default=False)
    preventive_visits_per_year = models.PositiveSmallIntegerField(
        _("preventive visits per year"), default=0)
    covers_visits = models.BooleanField(_("covers visit fees"), default=True)
    covers_parts = models.BooleanField(
        _("covers parts"), default=True,
        help_text=_("Annual and extended contracts: parts are free (else charged)."))
    renewed_from = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="renewal", verbose_name=_("renewal of"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="contract_ends_after_start"),
            models.CheckConstraint(condition=Q(price__gte=0), name="contract_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def is_active_on(self, day) -> bool:
        return self.status == self.Status.ACTIVE and self.starts_on <= day <= self.ends_on
