from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Zone(models.TextChoices):
    """The fee zone of an address, relative to the serving point (the fee table in docs/rules.md)."""

    CITY = "city", _("City (市区)")
    PREFECTURE = "prefecture", _("Prefecture (市区外)")
    PROVINCE = "province", _("Province (地区以外, 省内)")


class Customer(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    number = models.CharField(_("customer number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    zone = models.CharField(_("fee zone"), max_length=20, choices=Zone.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="customers",
                                      verbose_name=_("service point"))
    account_owner = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="accounts",
                                      verbose_name=_("account owner (sales)"))
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("blocked reason"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    #: opened by a public API booking whose phone has not confirmed its code yet: not an
    #: archive (the phone may be an existing customer's); on confirmation it joins the
    #: archive with that phone, or becomes the archive when there is none
    provisional = models.BooleanField(
        _("web booking, phone to be verified"), default=False,
        help_text=_("Opened by a web booking whose phone has not confirmed its code yet."))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [models.Index(fields=["service_point", "-id"], name="customer_point_idx")]

    def __str__(self):
        return f"{self.number} {self.name}"


class Contact(models.Model):
    """A named contact of a customer (a company has several)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    title = models.CharField(_("title"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} {self.phone}"
