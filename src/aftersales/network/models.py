from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import Audited, MoneyField, OneRowPolicy


class Region(models.Model):
    """A regional company (大区/分公司): service points and dealers belong to one.

    `routing` is the region's rule for a customer in a county without a service point:
    sent to a dealer of the region, or to the nearest point (rules in network/routing.py)."""

    class Routing(models.TextChoices):
        DEALER = "dealer", _("Dealer first")
        NEAREST_POINT = "nearest_point", _("Nearest service point")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    routing = models.CharField(_("routing without a point"), max_length=20,
                               choices=Routing.choices, default=Routing.NEAREST_POINT)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ServicePoint(models.Model):
    """A 网点: HQ, an own branch or an authorised partner."""

    class Kind(models.TextChoices):
        HQ = "hq", _("Headquarters")
        BRANCH = "branch", _("Branch")
        AUTHORIZED = "authorized", _("Authorised service point")

    class Tier(models.TextChoices):
        DIAMOND = "diamond", _("Diamond")
        GOLD = "gold", _("Gold")
        A = "a", _("Tier A")
        GENERAL = "general", _("General")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.GENERAL)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="service_points", verbose_name=_("region"))
    county = models.CharField(_("county"), max_length=50, blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Deposit(Audited):
    """A deposit (押金) paid or refunded by a service point: a ledger row, never edited."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT,
                                      related_name="deposits", verbose_name=_("service point"))
    amount = MoneyField(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="deposit_not_zero")]

    def __str__(self):
        return f"{self.service_point.code} {self.amount}"


class NetworkPolicy(OneRowPolicy):
    """Network-wide rule values (one row, editable in the admin)."""

    credit_leverage = models.DecimalField(_("credit leverage (× deposit)"), max_digits=6,
                                          decimal_places=2, default=Decimal("2.00"))
    expiry_reminder_days = models.PositiveSmallIntegerField(
        _("remind of an ending agreement or certificate (days before)"), default=30)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network policy")
        verbose_name_plural = _("network policy")

    def __str__(self):
        return str(_("Network policy"))


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MANAGER = "manager", _("Service manager")
        AGENT = "agent", _("Hotline agent")
        ENGINEER = "engineer", _("Engineer")
        WAREHOUSE = "warehouse", _("Warehouse keeper")
        FINANCE = "finance", _("Finance")
        REGIONAL_MANAGER = "regional_manager", _("Regional manager")
        SALES = "sales", _("Sales")
        RND = "rnd", _("R&D")
        PRODUCTION = "production", _("Production")

    name = models.CharField(_("name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="staff",
                                      verbose_name=_("service point"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="staff",
                               verbose_name=_("region"),
                               help_text=_("A regional manager sees every point of the region."))
    skills = models.JSONField(_("skills"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def region_point_ids(self):
        """The points a region-bound user sees (a lazy query; core/scoping.py uses it as a
        subquery), or None when the user is not bound to a region."""
        if self.region_id is None:
            return None
        return ServicePoint.objects.filter(region_id=self.region_id).values("pk")


class Dealer(models.Model):
    """A dealer (经销商): sells devices, takes customers where no point serves, and has its
    own DOA window: a unit it returns within `doa_days` of the purchase is replaced."""

    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="dealers",
                               verbose_name=_("region"))
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    county = models.CharField(_("county"), max_length=50, blank=True)
    doa_days = models.PositiveSmallIntegerField(_("DOA window (days)"), default=15)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["name"]

    def __str__(self):
        return self.name


def agreement_path(instance, filename: str) -> str:
    return f"agreements/{instance.service_point_id}/{filename}"


class Agreement(Audited):
    """The cooperation agreement (合作协议) of a service point. A new term is a new row; a
    row is never edited (its history shows any admin correction)."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT,
                                      related_name="agreements",
                                      verbose_name=_("service point"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    tier = models.CharField(_("tier"), max_length=20, choices=ServicePoint.Tier.choices)
    deposit = MoneyField(_("deposit required"))
    subsidy_rate = models.DecimalField(_("subsidy rate (%)"), max_digits=5, decimal_places=2,
                                       default=Decimal("0.00"))
    document = models.FileField(_("signed document"), upload_to=agreement_path, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["service_point", "-ends_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="agreement_term_order")]

    def __str__(self):
        return f"{self.service_point.code} {self.starts_on}–{self.ends_on}"


class QualificationRequirement(models.Model):
    """What a service point must have to serve a product category: a number of engineers
    holding a valid certificate for it, and listed equipment."""

    category = models.CharField(_("product category"), max_length=50, unique=True)
    min_certified_engineers = models.PositiveSmallIntegerField(
        _("certified engineers required"), default=1)
    equipment = models.JSONField(_("equipment required"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualification requirement")
        verbose_name_plural = _("qualification requirements")
        ordering = ["category"]

    def __str__(self):
        return self.category


class PointEquipment(models.Model):
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT,
                                      related_name="equipment",
                                      verbose_name=_("service point"))
    name = models.CharField(_("equipment"), max_length=80)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [models.UniqueConstraint(fields=["service_point", "name"],
                                               name="point_equipment_once")]

    def __str__(self):
        return self.name


class Certificate(Audited):
    """A qualification certificate of a person for a product category. An engineer's skills
    are the categories of their valid certificates."""

    user = models.ForeignKey("network.User", on_delete=models.PROTECT,
                             related_name="certificates", verbose_name=_("staff member"))
    category = models.CharField(_("product category"), max_length=50)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["user", "category", "-valid_until"]

    def __str__(self):
        return f"{self.user} {self.category} → {self.valid_until}"


class TrainingRecord(models.Model):
    user = models.ForeignKey("network.User", on_delete=models.PROTECT,
                             related_name="trainings", verbose_name=_("staff member"))
    course = models.CharField(_("course"), max_length=120)
    category = models.CharField(_("product category"), max_length=50, blank=True)
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on"]

    def __str__(self):
        return f"{self.user} {self.course}"


class ExpiryReminder(models.Model):
    """Raised by the expiry sweep: one row per (what, row, end date), so a sweep that runs
    twice reminds once; a renewed term (new end date) reminds again."""

    class Subject(models.TextChoices):
        AGREEMENT = "agreement", _("Cooperation agreement")
        CERTIFICATE = "certificate", _("Certificate")

    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    object_id = models.PositiveIntegerField()
    expires_on = models.DateField(_("expires on"))
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("service point"))
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        ordering = ["expires_on", "id"]
        constraints = [models.UniqueConstraint(fields=["subject", "object_id", "expires_on"],
                                               name="expiry_reminder_once")]

    def __str__(self):
        return self.message


class DispatchApprovalRule(models.Model):
    """An on-site assignment at this point (of this ticket kind, or any when blank) waits
    for the approver's (the department head's) approval before the engineer is dispatched."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT,
                                      related_name="dispatch_rules",
                                      verbose_name=_("service point"))
    ticket_kind = models.CharField(_("ticket kind"), max_length=20, blank=True,
                                   help_text=_("Blank: every kind."))
    approver = models.ForeignKey("network.User", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("approver"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispatch approval rule")
        verbose_name_plural = _("dispatch approval rules")

    def __str__(self):
        return f"{self.service_point.code} {self.ticket_kind or '*'}"


class AppraisalRule(models.Model):
    """A reward or penalty the admin allows managers to record in the monthly appraisal."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("Reward")
        PENALTY = "penalty", _("Penalty")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = MoneyField(_("amount"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal rule")
        verbose_name_plural = _("appraisal rules")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class AppraisalEntry(Audited):
    """A reward or penalty recorded by a manager for a person and month (never edited)."""

    user = models.ForeignKey("network.User", on_delete=models.PROTECT,
                             related_name="appraisal_entries", verbose_name=_("staff member"))
    month = models.DateField(_("month"))
    rule = models.ForeignKey(AppraisalRule, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("rule"))
    amount = MoneyField(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                   related_name="+")  # a manager always (Audited: nullable)

    class Meta:
        verbose_name = _("appraisal entry")
        verbose_name_plural = _("appraisal entries")
        ordering = ["month", "user", "id"]

    def __str__(self):
        return f"{self.user} {self.month:%Y-%m} {self.rule.code} {self.amount}"
