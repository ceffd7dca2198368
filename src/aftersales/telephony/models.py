"""Agents' extensions and the calls the call centre reports."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AgentLine(models.Model):
    """Which extension of the call centre rings at which agent's desk."""

    agent = models.OneToOneField("network.User", on_delete=models.CASCADE,
                                 related_name="line", verbose_name=_("agent"))
    extension = models.CharField(_("extension"), max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agent's extension")
        verbose_name_plural = _("agents' extensions")

    def __str__(self):
        return f"{self.extension} {self.agent}"


class Call(models.Model):
    """One incoming call: logged on the customer it came from (when the number is known)
    and, once a ticket is opened from the screen-pop, on that ticket."""

    number = models.CharField(_("caller's number"), max_length=20)
    extension = models.CharField(_("extension"), max_length=20)
    agent = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("agent"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="calls", verbose_name=_("customer"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="calls", verbose_name=_("ticket"))
    call_id = models.CharField(_("call centre's call id"), max_length=80, blank=True)
    # the request's signature: the same signed request twice is a replay
    signature = models.CharField(max_length=100, unique=True)
    received_at = models.DateTimeField(_("rang at"))
    popped_at = models.DateTimeField(_("shown to the agent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["call_id"], condition=~Q(call_id=""),
                                               name="call_id_once")]
        indexes = [models.Index(fields=["agent", "-id"], condition=Q(popped_at__isnull=True),
                                name="call_unpopped_idx"),
                   models.Index(fields=["customer", "-id"], name="call_customer_idx")]

    def __str__(self):
        return f"{self.number} → {self.extension}"
