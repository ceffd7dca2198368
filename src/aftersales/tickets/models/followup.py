"""After the repair: the callback (回访), the complaint report (顾客抱怨处理报告) and the
product feedback sent to R&D (产品信息反馈单)."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .ticket import Ticket


class FollowUp(models.Model):
    """The callback (回访) due after every resolution."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="follow_ups")
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["due_at"], condition=Q(done_at__isnull=True),
                                name="followup_open_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_5"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.due_at:%Y-%m-%d}"



class Complaint(models.Model):
    """顾客抱怨处理报告: the report of a complaint ticket."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="complaint")
    cause = models.TextField(_("cause"), blank=True)
    handling = models.TextField(_("handling"), blank=True)
    result = models.TextField(_("result"), blank=True)
    owner = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint report")
        verbose_name_plural = _("complaint reports")

    def __str__(self):
        return str(self.ticket_id)



class ProductFeedback(models.Model):
    """产品信息反馈单: a field observation sent to R&D / production."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to R&D")

    number = models.CharField(_("number"), max_length=20, unique=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="feedback")
    product_model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("product model"))
    fault_code = models.ForeignKey("catalog.FaultCode", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    suggestion = models.TextField(_("suggestion"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product feedback")
        verbose_name_plural = _("product feedback")
        ordering = ["-id"]

    def __str__(self):
        return self.number
