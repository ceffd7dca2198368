"""What happens between repairs (PRODUCT.md "Follow-up", capability 14): sales leads,
preventive maintenance visits, recalls and notices, the yearly satisfaction survey.

Every row a sweep writes carries a unique `key` (or a unique constraint), so a sweep that
runs twice, or two at once, writes nothing twice."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy


class FollowUpPolicy(OneRowPolicy):
    """Rule values of the follow-up sweeps (one row, editable in the admin)."""

    renewal_lead_days = models.PositiveSmallIntegerField(
        _("renewal lead before a warranty or contract ends (days)"), default=60)
    intake_lookback_days = models.PositiveSmallIntegerField(
        _("new requests looked at by the sweep (days back)"), default=7)
    survey_month = models.PositiveSmallIntegerField(
        _("month of the yearly satisfaction survey"), default=12)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up policy")
        verbose_name_plural = _("follow-up policy")
        constraints = [
            models.CheckConstraint(condition=Q(survey_month__gte=1, survey_month__lte=12),
                                   name="followup_survey_month"),
        ]

    def __str__(self):
        return str(_("Follow-up policy"))


class Lead(models.Model):
    """A sales lead: a renewal before a warranty or contract ends, or a request that
    arrived on an expired warranty."""

    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal")
        EXPIRED_WARRANTY = "expired_warranty", _("Expired warranty")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won (contract signed)")
        LOST = "lost", _("Lost")

    key = models.CharField(
        max_length=80, unique=True,
        help_text=_("What the lead is about, once (e.g. contract:12:2027-01-31)."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="leads", verbose_name=_("customer"))
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="leads", verbose_name=_("device"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="leads", verbose_name=_("contract"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="leads", verbose_name=_("request"))
    owner = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="leads", verbose_name=_("account owner"))
    due_on = models.DateField(_("due on"),
                              help_text=_("The day the warranty or contract ends."))
    won_contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="won_leads",
                                     verbose_name=_("contract signed"))
    lost_reason = models.CharField(_("reason lost"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="lead_status_due_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="lost") | ~Q(lost_reason=""),
                                   name="lead_lost_has_reason"),
            models.CheckConstraint(condition=~Q(status="won") | Q(won_contract__isnull=False),
                                   name="lead_won_has_contract"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.customer_id} {self.due_on}"


class PreventiveVisit(models.Model):
    """One quarterly preventive maintenance visit (预防性维护) of a contract's unit, with the
    maintenance ticket it opened; done when that ticket is resolved within the quarter,
    missed when the quarter ends first."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")

    key = models.CharField(max_length=80, unique=True)
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT,
                                 related_name="preventive_visits",
                                 verbose_name=_("contract"))
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="preventive_visits",
                               verbose_name=_("device"))
    quarter = models.CharField(_("quarter"), max_length=7, help_text="2026Q4")
    due_on = models.DateField(_("due by"), help_text=_("The quarter's last day."))
    free = models.BooleanField(_("free (in warranty)"), default=True)
    health_check = models.BooleanField(_("yearly health check"), default=False)
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT,
                                  related_name="preventive_visit", verbose_name=_("ticket"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("preventive visit")
        verbose_name_plural = _("preventive visits")
        ordering = ["-due_on", "id"]

    def __str__(self):
        return f"{self.contract_id} {self.quarter}"


class Campaign(models.Model):
    """A recall (召回), a patch/upgrade notice or a preventive round, by model and a serial
    range or list."""

    class Kind(models.TextChoices):
        RECALL = "recall", _("Recall")
        NOTICE = "notice", _("Patch / upgrade notice")
        PREVENTIVE = "preventive", _("Preventive round")

    number = models.CharField(_("campaign number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT,
                              related_name="campaigns", verbose_name=_("model"))
    serial_from = models.CharField(_("serial from"), max_length=40, blank=True)
    serial_to = models.CharField(_("serial to"), max_length=40, blank=True)
    serials = models.JSONField(_("serials"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.number} {self.title}"


class CampaignUnit(models.Model):
    """One unit a campaign reaches: told (reached), its ticket done, or refused."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not reached yet")
        REACHED = "reached", _("Reached")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="units")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT,
                               related_name="campaign_units", verbose_name=_("device"))
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="campaign_unit",
                                  verbose_name=_("ticket"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    reached_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    refused_reason = models.CharField(_("reason refused"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("campaign unit")
        verbose_name_plural = _("campaign units")
        ordering = ["campaign", "device__serial"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "device"], name="campaign_unit_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.device_id} {self.status}"


class Survey(models.Model):
    """The yearly satisfaction survey: one per year, an invitation per active customer."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class SurveyInvitation(models.Model):
    """A customer's invitation (a secret portal link) and answer, kept on their record."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="survey_invitations",
                                 verbose_name=_("customer"))
    secret = models.CharField(max_length=64, unique=True)
    score = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "customer"], name="survey_once"),
            models.CheckConstraint(condition=Q(score__isnull=True)
                                   | Q(score__gte=1, score__lte=5), name="survey_score_1_5"),
        ]

    def __str__(self):
        return f"{self.survey_id} {self.customer_id}"
