from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy


class ReportPolicy(OneRowPolicy):
    """Rule values of the reports (one row, editable in the admin)."""

    budget_rate = models.DecimalField(
        _("service budget (share of the factory price)"), max_digits=5, decimal_places=4,
        default="0.0300", help_text=_("Between 0.02 and 0.04 (2–4 %)."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report policy")
        verbose_name_plural = _("report policy")
        constraints = [
            models.CheckConstraint(condition=Q(budget_rate__gte=0, budget_rate__lte=1),
                                   name="report_budget_rate"),
        ]

    def __str__(self):
        return str(_("Report policy"))


class FaultReportDelivery(models.Model):
    """The monthly fault analysis sent to R&D and production: once per month (the unique
    month decides between two sweeps), with the workbook that went out."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    workbook = models.BinaryField(_("workbook"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fault analysis sent")
        verbose_name_plural = _("fault analyses sent")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"
