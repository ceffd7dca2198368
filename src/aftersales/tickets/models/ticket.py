"""The service ticket (售后服务维修联络单) and what it keeps: its events (the timeline and the
audit), the pauses of its SLA clocks, its running log of notes and its attached files."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        RESPONDED = "responded", _("Responded")
        ASSIGNED = "assigned", _("Assigned")
        SCHEDULED = "scheduled", _("Scheduled")
        ON_SITE = "on_site", _("On site")
        DIAGNOSED = "diagnosed", _("Diagnosed")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        IN_REPAIR = "in_repair", _("In repair")
        ON_HOLD = "on_hold", _("On hold")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        REPAIR = "repair", _("Repair")
        INSTALLATION = "installation", _("Installation")
        MAINTENANCE = "maintenance", _("Maintenance")
        TRAINING = "training", _("Training")
        RETURN = "return", _("Return")
        EXCHANGE = "exchange", _("Exchange")
        COMPLAINT = "complaint", _("Complaint")

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        SEND_IN = "send_in", _("Send-in")
        REMOTE = "remote", _("Remote / phone")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        FAX = "fax", _("Fax")
        WEB = "web", _("Web")
        WALK_IN = "walk_in", _("Walk-in")
        CHAT = "chat", _("Chat / WeChat")

    number = models.CharField(_("ticket number"), max_length=20, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.NEW)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="tickets", verbose_name=_("customer"))
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="tickets", verbose_name=_("device"))
    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="tickets",
                                      verbose_name=_("service point"))
    engineer = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="tickets",
                                 verbose_name=_("engineer"))
    fault_code = models.ForeignKey("catalog.FaultCode", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="tickets",
                                   verbose_name=_("fault code"))
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order_ref = models.CharField(_("order reference"), max_length=60, blank=True)
    # Whoever actually called, next to the archive's named contact.
    contact_name = models.CharField(_("contact who called"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True,
                                       blank=True, unique=True)
    tracking_secret = models.CharField(_("tracking secret"), max_length=64, unique=True)

    # diagnosis and warranty decision
    findings = models.TextField(_("findings"), blank=True)
    cause = models.CharField(_("cause"), max_length=20, blank=True)
    warranty_covered = models.BooleanField(_("covered by warranty"), null=True, blank=True)
    warranty_basis = models.CharField(_("warranty basis"), max_length=20, blank=True)
    warranty_options = models.JSONField(_("warranty options"), default=list, blank=True)
    warranty_reasons = models.JSONField(_("warranty reasons"), default=list, blank=True)
    fault_reproduced = models.BooleanField(
        _("fault reproduced at diagnosis"), null=True, blank=True,
        help_text=_("An exchange or a return needs the fault confirmed."))
    no_fault_found = models.BooleanField(_("no fault found"), default=False)
    tested_at = models.DateTimeField(_("tested after the repair"), null=True, blank=True)
    test_note = models.CharField(_("test result"), max_length=200, blank=True)

    # stage times (the event table has all of them; these are the ones queries need)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("engineer contacted the customer"), null=True,
                                        blank=True)
    replied_at = models.DateTimeField(_("engineer's first reply"), null=True, blank=True)
    answered_at = models.DateTimeField(_("problem answered"), null=True, blank=True)
    onsite_started_at = models.DateTimeField(_("on-site support started"), null=True,
                                             blank=True)
    repair_started_at = models.DateTimeField(_("repair started"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    hold_reason = models.CharField(_("hold reason"), max_length=20, blank=True)
    status_before_hold = models.CharField(_("status before hold"), max_length=20, blank=True)
    extra_visits_allowed = models.PositiveSmallIntegerField(
        _("extra visits allowed by a manager"), default=0)
    signed_by = models.CharField(_("signed by"), max_length=60, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signature_png = models.TextField(_("customer's signature (PNG, base64)"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    payment_refused = models.BooleanField(_("payment refused"), default=False)

    # SLA: stored due and met times, recomputed on every clock change
    respond_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    respond_met_at = models.DateTimeField(null=True, blank=True)
    onsite_due = models.DateTimeField(_("on site by"), null=True, blank=True)
    onsite_met_at = models.DateTimeField(null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)
    resolve_met_at = models.DateTimeField(null=True, blank=True)
    escalate_due = models.DateTimeField(_("escalate by"), null=True, blank=True)
    escalate_met_at = models.DateTimeField(null=True, blank=True)
    contact_due = models.DateTimeField(_("engineer's call-back by"), null=True, blank=True)
    contact_met_at = models.DateTimeField(null=True, blank=True)
    reply_due = models.DateTimeField(_("engineer's first reply by"), null=True, blank=True)
    reply_met_at = models.DateTimeField(null=True, blank=True)
    answer_due = models.DateTimeField(_("severe problem answered by"), null=True, blank=True)
    answer_met_at = models.DateTimeField(null=True, blank=True)
    # the earliest due of a target not met yet: "breaching in the next hour" is one range scan
    sla_next_due = models.DateTimeField(null=True, blank=True)
    # set once any target was met late (sticky)
    sla_breached = models.BooleanField(default=False)

    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service ticket")
        verbose_name_plural = _("service tickets")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="ticket_status_idx"),
            models.Index(fields=["service_point", "-id"], name="ticket_point_idx"),
            models.Index(fields=["engineer", "status"], name="ticket_engineer_idx"),
            models.Index(fields=["contact_phone"], name="ticket_contact_phone_idx"),
            models.Index(fields=["order_ref"], name="ticket_order_ref_idx"),
            models.Index(fields=["sla_next_due"], name="ticket_next_due_idx"),
            models.Index(fields=["respond_due"], name="ticket_respond_due_idx"),
            models.Index(fields=["onsite_due"], name="ticket_onsite_due_idx"),
            models.Index(fields=["resolve_due"], name="ticket_resolve_due_idx"),
            models.Index(fields=["escalate_due"], name="ticket_escalate_due_idx"),
            models.Index(fields=["sla_breached"], name="ticket_breached_idx",
                         condition=Q(sla_breached=True)),
            # the dispatch board's waiting jobs, newest first, without sorting the network's
            # thousands of unassigned tickets (partial: assigned tickets are most of them)
            models.Index(fields=["-id"], name="ticket_unassigned_idx",
                         condition=Q(engineer__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="ticket_version_positive"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="ticket_satisfaction_1_5"),
        ]

    def __str__(self):
        return self.number



class TicketEvent(models.Model):
    """Append-only: every action on a ticket, who did it, when, from/to status."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_ticket_at_idx"),
                   models.Index(fields=["action", "at"], name="ticket_event_action_at_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d %H:%M}"



class TicketPause(models.Model):
    """A stretch during which the SLA clocks stand still (waiting for customer or parts)."""

    class Reason(models.TextChoices):
        CUSTOMER = "customer", _("Waiting for the customer")
        PARTS = "parts", _("Waiting for parts")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(ended_at__isnull=True),
                                    name="ticket_one_open_pause"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.reason} {self.started_at:%Y-%m-%d %H:%M}"



class TicketNote(models.Model):
    """The ticket's running log: an internal note, or a customer's call (催单, a question)
    written down by whoever took it. Append-only: a wrong note is corrected by another."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CUSTOMER_CALL = "customer_call", _("Customer called")
        CHASE = "chase", _("Customer chased (催单)")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="notes",
                               verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"))
    internal = models.BooleanField(_("internal (staff only)"), default=True)
    author = models.ForeignKey("network.User", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket note")
        verbose_name_plural = _("ticket notes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="ticket_note_text_set"),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.text[:30]}"



class Attachment(models.Model):
    """A file kept with a ticket: the purchase invoice, the warranty card, a photo of the
    fault, a document. Images and PDF only (checked by content, not by name)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Purchase invoice")
        WARRANTY_CARD = "warranty_card", _("Warranty card")
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments",
                               verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=60)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
