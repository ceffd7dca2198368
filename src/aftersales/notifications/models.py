"""The outbox of messages to customers and staff, and the alerts the sweeps raise."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import OneRowPolicy


class Outbox(models.Model):
    """A message written in the same transaction as the change it tells about, sent after
    commit by a task (and re-tried by the sweep while pending)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    kind = models.CharField(_("kind"), max_length=40, blank=True,
                            help_text=_("What the message is about, e.g. ticket_opened."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # a sender claims the row until then, so two workers never send it at once
    locked_until = models.DateTimeField(null=True, blank=True)
    # the same message is queued once however often its cause is seen (e.g. by a sweep)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="notifications",
                               verbose_name=_("ticket"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="pending"),
                         name="outbox_pending_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(recipient=""), name="outbox_recipient_set"),
            models.CheckConstraint(condition=Q(status="sent", sent_at__isnull=False)
                                   | ~Q(status="sent"), name="outbox_sent_has_time"),
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient}: {self.subject or self.body[:30]}"


class Alert(models.Model):
    """Raised by a sweep for staff: one row per (kind, ticket, key), so a sweep that runs
    twice raises nothing twice. The manager's escalation list and the agent's callback
    list are these rows."""

    class Kind(models.TextChoices):
        RESPONSE_OVERDUE = "response_overdue", _("Response overdue")
        PHONE_ESCALATION = "phone_escalation", _("Phone support unsolved (escalated)")
        BACKUP_DEVICE = "backup_device", _("Backup device due")
        CALLBACK_DUE = "callback_due", _("Callback due")
        CLOCK_OVERDUE = "clock_overdue", _("Promised time missed")

    class Role(models.TextChoices):
        MANAGER = "manager", _("Service manager")
        AGENT = "agent", _("Hotline agent")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="alerts", verbose_name=_("ticket"))
    key = models.CharField(_("key"), max_length=60, blank=True,
                           help_text=_("Distinguishes repeated alerts of one kind, e.g. the "
                                       "callback's id."))
    for_role = models.CharField(_("for"), max_length=10, choices=Role.choices)
    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("service point"))
    message = models.CharField(_("message"), max_length=300)
    due_at = models.DateTimeField(_("was due at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "ticket", "key"], name="alert_once"),
        ]
        indexes = [
            models.Index(fields=["for_role", "service_point", "-id"],
                         condition=Q(acknowledged_at__isnull=True), name="alert_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ticket_id}"


class SweepPolicy(OneRowPolicy):
    """Rule values of the sweeps (one row, editable in the admin)."""

    backup_device_after_hours = models.PositiveSmallIntegerField(
        _("backup device due when a fault is not fixed within (hours)"), default=48)

    class Meta:
        verbose_name = _("sweep policy")
        verbose_name_plural = _("sweep policy")

    def __str__(self):
        return str(_("Sweep policy"))
