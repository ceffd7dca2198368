"""The outbox of messages to customers and staff, and the alerts the sweeps raise."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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

    class Delivery(models.TextChoices):
        DELIVERED = "delivered", _("Delivered to the phone")
        UNDELIVERED = "undelivered", _("Not delivered")

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
    # the values a provider's approved template is filled with (SMS in China sends only
    # approved templates: the body is for e-mail, the log and the admin)
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=80,
                                           blank=True, db_index=True)
    error_code = models.CharField(_("provider's error code"), max_length=80, blank=True)
    delivery_status = models.CharField(_("delivery"), max_length=12,
                                       choices=Delivery.choices, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # an e-mail may carry one file (e.g. the monthly fault analysis as Excel)
    attachment_name = models.CharField(_("attachment"), max_length=120, blank=True)
    attachment = models.BinaryField(null=True, blank=True)

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
        DISPATCH_APPROVAL = "dispatch_approval", _("Dispatch waiting for approval")
        CASH_OVERDUE = "cash_overdue", _("Cash not handed over")
        LOANER_OVERDUE = "loaner_overdue", _("Loaner overdue")
        ONSITE_OVERDUE = "onsite_overdue", _("On-site arrival overdue")
        RESOLVE_OVERDUE = "resolve_overdue", _("Resolution overdue")
        QUOTE_WAITING = "quote_waiting", _("Quote waiting for approval")
        VISIT_APPROVAL = "visit_approval", _("Another visit waiting for approval")
        CLOCK_OVERDUE = "clock_overdue", _("Promised time missed")

    class Role(models.TextChoices):
        MANAGER = "manager", _("Service manager")
        AGENT = "agent", _("Hotline agent")
        FINANCE = "finance", _("Finance")

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
    for_user = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("for person"),
                                 help_text=_("Set when the alert is for one person (an "
                                             "approver), not for a role."))
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
    quote_waiting_hours = models.PositiveSmallIntegerField(
        _("tell the manager when a quote waits for the customer longer than (hours)"),
        default=24)

    class Meta:
        verbose_name = _("sweep policy")
        verbose_name_plural = _("sweep policy")

    def __str__(self):
        return str(_("Sweep policy"))


class MessageTemplate(models.Model):
    """Which approved provider template carries one kind of message on one channel, and the
    order of its parameters. Providers in China send only templates approved in their
    console; the operator enters the template's code here."""

    channel = models.CharField(_("channel"), max_length=10,
                               choices=[("sms", _("SMS")), ("wechat", _("WeChat"))])
    kind = models.CharField(_("message kind"), max_length=40,
                            help_text=_("As on the outbox rows, e.g. ticket_opened."))
    template_code = models.CharField(_("template code"), max_length=80,
                                     help_text=_("The code the provider gave the approved "
                                                 "template, e.g. SMS_123456789."))
    param_names = models.JSONField(
        _("parameters"), default=list, blank=True,
        help_text=_("The template's parameters in order, e.g. [\"number\", \"link\"]."))
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["channel", "kind"],
                                               name="message_template_once")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.kind} → {self.template_code}"


class WeChatFollower(models.Model):
    """A customer who follows the official account: the openid WeChat gave us, bound to
    the phone the customer proved with a one-time code."""

    openid = models.CharField(_("openid"), max_length=64, unique=True)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    bound_at = models.DateTimeField(_("bound at"), auto_now_add=True)
    unsubscribed_at = models.DateTimeField(_("unfollowed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("WeChat follower")
        verbose_name_plural = _("WeChat followers")

    def __str__(self):
        return f"{self.phone} ({self.openid[:8]}…)"


class WeChatAccessToken(models.Model):
    """The official account's access token, shared by every worker (WeChat invalidates the
    previous token when a new one is fetched, so one process refreshes it for all)."""

    app_id = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=600)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("WeChat access token")
        verbose_name_plural = _("WeChat access tokens")

    def __str__(self):
        return f"{self.app_id} (until {self.expires_at:%Y-%m-%d %H:%M})"


class WebhookEndpoint(models.Model):
    """An integrator's URL that hears about tickets (opened, status changed, resolved).
    The signing secret is never stored: the row names the environment variable or the file
    that holds it."""

    class Event(models.TextChoices):
        TICKET_OPENED = "ticket.opened", _("Ticket opened")
        TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
        TICKET_RESOLVED = "ticket.resolved", _("Ticket resolved")

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, blank=True,
                              help_text=_("Empty: every event."))
    secret_env = models.CharField(_("secret from environment variable"), max_length=100,
                                  blank=True)
    secret_file = models.CharField(_("secret from file"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [models.CheckConstraint(
            condition=~Q(secret_env="") | ~Q(secret_file=""), name="webhook_secret_source")]

    def __str__(self):
        return self.name

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction of the change, posted after
    commit, retried with back-off until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT,
                                 related_name="deliveries", verbose_name=_("endpoint"))
    event = models.CharField(_("event"), max_length=40)
    event_id = models.CharField(_("event id"), max_length=80)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"],
                                               name="webhook_delivery_once")]
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                                name="webhook_pending_idx")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
