from django.db import models
from django.utils.translation import gettext_lazy as _


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
