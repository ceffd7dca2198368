"""Service tickets (售后服务维修联络单), their events, visits, custody, follow-up, and the
rule tables of the SLA clocks (business calendar, working hours, targets)."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy


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


class Visit(models.Model):
    class Outcome(models.TextChoices):
        NONE = "", _("Open")
        FIXED = "fixed", _("Fixed")
        REVISIT = "revisit", _("Another trip needed")
        CUSTOMER_ABSENT = "customer_absent", _("Customer not there")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="visits")
    engineer = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="visits")
    trip_no = models.PositiveSmallIntegerField(_("trip number"))
    scheduled_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    departed_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True)
    minutes_late = models.IntegerField(
        _("minutes late"), null=True, blank=True,
        help_text=_("Arrival compared with the appointment (negative: early)."))
    late_notice_at = models.DateTimeField(_("customer told of the delay at"), null=True,
                                          blank=True)
    misdiagnosis = models.BooleanField(
        _("caused by our misdiagnosis"), default=False,
        help_text=_("A trip caused by our own misdiagnosis is not charged."))
    misdiagnosis_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["trip_no"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "trip_no"], name="visit_trip_unique"),
        ]

    def __str__(self):
        return f"{self.ticket_id} #{self.trip_no}"


class Custody(models.Model):
    """A send-in unit held at the bench (送修): its unique custody label and where it is."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        SHIPPED = "shipped", _("Shipped back")

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="custody")
    label = models.CharField(_("custody label"), max_length=30, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.RECEIVED)
    condition = models.CharField(_("condition received"), max_length=200, blank=True)
    accessories = models.JSONField(_("accessories received"), default=list, blank=True)
    location = models.CharField(_("location"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    taken_on_site = models.BooleanField(
        _("taken away by the on-site engineer"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custody")
        verbose_name_plural = _("custody records")

    def __str__(self):
        return self.label


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


# -- rule tables ---------------------------------------------------------------


class BusinessDay(models.Model):
    """One exception to Mon-Fri: a statutory holiday or an adjusted working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Statutory holiday")
        WORKDAY = "workday", _("Adjusted working day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("business calendar")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose State Council schedule is loaded; other years count Mon-Fri only."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("published calendar year")
        verbose_name_plural = _("published calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class WorkingWindow(models.Model):
    """A daily window of business hours; several per day (the lunch break is the gap).
    Rows without a service point are the default for points that have none."""

    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.CASCADE,
                                      null=True, blank=True, related_name="working_windows",
                                      verbose_name=_("service point"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working hours window")
        verbose_name_plural = _("working hours")
        ordering = ["service_point_id", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")),
                                   name="window_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.service_point or '*'} {self.starts:%H:%M}-{self.ends:%H:%M}"


class SLATarget(models.Model):
    """One SLA promise. Blank priority/mode/kind/channel match any; the most specific row
    wins. The figures the customer is promised (the call-back in the hotline script, the
    SMS and the portal) are read from these rows."""

    class Name(models.TextChoices):
        RESPOND = "respond", _("First response")
        ONSITE = "onsite", _("On site")
        RESOLVE = "resolve", _("Resolution")
        ESCALATE = "escalate", _("Phone support escalation")
        CONTACT = "contact", _("Engineer's promised call-back")
        REPLY = "reply", _("Engineer's first reply")
        ANSWER = "answer", _("Severe problem answered")

    class Unit(models.TextChoices):
        CLOCK = "clock", _("Clock minutes")
        BUSINESS = "business", _("Business minutes")
        WORKING_DAYS = "working_days", _("Working days")

    class Start(models.TextChoices):
        OPENED = "opened", _("When the ticket is opened")
        ONSITE_START = "onsite_start", _("When on-site support starts")
        REPAIR_START = "repair_start", _("When the quote is approved / repair starts")

    name = models.CharField(_("target"), max_length=10, choices=Name.choices)
    priority = models.CharField(_("priority"), max_length=10, blank=True,
                                choices=Ticket.Priority.choices)
    mode = models.CharField(_("mode"), max_length=10, blank=True, choices=Ticket.Mode.choices)
    kind = models.CharField(_("ticket kind"), max_length=20, blank=True,
                            choices=Ticket.Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, blank=True,
                               choices=Ticket.Channel.choices)
    # how long, counted in `unit` (not money: the column is labelled as a time limit)
    amount = models.PositiveIntegerField(_("time allowed"),
                                         help_text=_("Counted in the unit of the next column."))
    unit = models.CharField(_("counted in"), max_length=15, choices=Unit.choices)
    starts_on = models.CharField(_("clock starts"), max_length=15, choices=Start.choices,
                                 default=Start.OPENED)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["name", "priority", "mode", "kind", "channel"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sla_target_positive"),
            models.UniqueConstraint(fields=["name", "priority", "mode", "kind", "channel"],
                                    name="sla_target_unique_by_channel"),
        ]

    def __str__(self):
        anything = _("any")
        return (f"{self.get_name_display()} · {self.get_priority_display() or anything}/"
                f"{self.get_mode_display() or anything}/{self.get_kind_display() or anything}/"
                f"{self.get_channel_display() or anything}")


class LateRepairOffer(models.Model):
    """What a customer was offered because the bench repair passed its target, and what
    they chose. The extension's days are the days of delay, fixed once the repair is done."""

    class Choice(models.TextChoices):
        NONE = "", _("Not chosen yet")
        LOANER = "loaner", _("A loaner")
        EXTENSION = "extension", _("A warranty extension")

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT,
                                  related_name="late_repair_offer", verbose_name=_("ticket"))
    due_at = models.DateTimeField(_("repair was due at"))
    offered_at = models.DateTimeField(_("offered at"))
    options = models.JSONField(_("options offered"), default=list)
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices, blank=True,
                              default="")
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    chosen_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), null=True,
                                                      blank=True)

    class Meta:
        verbose_name = _("late repair offer")
        verbose_name_plural = _("late repair offers")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.ticket_id} {self.choice or '-'}"


class TicketPolicy(OneRowPolicy):
    """Ticket rule values that are not SLA targets (one row, editable in the admin)."""

    max_visits = models.PositiveSmallIntegerField(
        _("visits per ticket before a manager must approve"), default=3)
    callback_after_hours = models.PositiveSmallIntegerField(
        _("callback due after resolution (hours)"), default=24)
    attachment_max_mb = models.PositiveSmallIntegerField(
        _("largest attachment (MB)"), default=10)
    late_repair_remedy = models.CharField(
        _("late bench repair: the customer is offered"), max_length=10, default="choice",
        choices=[("choice", _("a loaner or a warranty extension, their choice")),
                 ("loaner", _("a loaner")),
                 ("extension", _("a warranty extension by the days of delay"))])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ticket policy")
        verbose_name_plural = _("ticket policy")

    def __str__(self):
        return str(_("Ticket policy"))


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


class DispatchApproval(models.Model):
    """An on-site assignment waiting for the department head (network's dispatch approval
    rule): requested, then approved (the job is assigned) or rejected. Never deleted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT,
                               related_name="dispatch_approvals", verbose_name=_("ticket"))
    engineer = models.ForeignKey("network.User", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("engineer"))
    approver = models.ForeignKey("network.User", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("approver"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    override_reason = models.CharField(_("certificate override reason"), max_length=500,
                                       blank=True)
    requested_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispatch approval")
        verbose_name_plural = _("dispatch approvals")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(status="pending"),
                                    name="one_pending_dispatch_approval"),
        ]

    def __str__(self):
        return f"{self.ticket_id} → {self.engineer_id} ({self.status})"


__all__ = ["Attachment", "BusinessDay", "CalendarYear", "Complaint", "Custody", "DispatchApproval",
           "FollowUp", "LateRepairOffer", "ProductFeedback", "SLATarget", "Ticket", "TicketEvent",
           "TicketNote", "TicketPause", "TicketPolicy", "Visit", "WorkingWindow"]
