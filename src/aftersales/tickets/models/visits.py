"""The field and bench side of a ticket: the department head's approval of an on-site
assignment, the trips (visits), the send-in unit held in custody, and what a customer is
offered when the bench repair runs late."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .ticket import Ticket


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
        # the dispatch board: a page of engineers' visits over a week
        indexes = [models.Index(fields=["engineer", "scheduled_at"],
                                name="visit_engineer_day_idx")]

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
