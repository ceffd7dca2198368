from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import MoneyField, OneRowPolicy


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
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Deposit(models.Model):
    """A deposit (押金) paid or refunded by a service point: a ledger row, never edited."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT,
                                      related_name="deposits", verbose_name=_("service point"))
    amount = MoneyField(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")

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

    name = models.CharField(_("name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="staff",
                                      verbose_name=_("service point"))
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
