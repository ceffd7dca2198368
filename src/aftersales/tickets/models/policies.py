"""The rule tables of the SLA clocks (business calendar, working hours, targets) and the
ticket policy: admin-editable rows, not settings."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy

from .ticket import Ticket


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
