"""An Excel import (capability 18): the uploaded workbook, its progress and the row-level
error report. Nothing here is a customer's or the money's record: the rows it imports are
written through the customers, devices, catalog and inventory services."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        DEVICES = "devices", _("Devices")
        SALES = "sales", _("Sales records")
        STOCK = "stock", _("Opening stock")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        SKIP_BAD_ROWS = "skip_bad_rows", _("Skip bad rows")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused (nothing imported)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    content = models.BinaryField(_("workbook"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    checked = models.PositiveIntegerField(_("rows checked"), default=0)
    imported = models.PositiveIntegerField(_("rows imported"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def progress(self) -> int:
        """Percent of the rows checked (100 when finished)."""
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        return int(self.checked * 100 / self.rows) if self.rows else 0
