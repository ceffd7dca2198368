"""The customer side's own records: its rule values (hotline, booking, code and cookie
limits), the published service items, bookings with their address and slot, the one-time
codes of the identity without accounts, the customer's decisions on quotes (with the drawn
signature) and the payment orders sent to a payment provider."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy
from aftersales.core.money import MoneyField
from aftersales.customers.models import Zone


class PortalPolicy(OneRowPolicy):
    """What the portal promises and allows (one row, editable in the admin)."""

    hotline = models.CharField(_("service hotline"), max_length=30, blank=True,
                               help_text=_("Shown on every booking confirmation and on the "
                                           "service information page."))
    hotline_hours = models.CharField(_("hotline hours"), max_length=60, blank=True)
    booking_days_ahead = models.PositiveSmallIntegerField(
        _("bookable working days ahead"), default=7)
    max_photos = models.PositiveSmallIntegerField(_("fault photos per booking"), default=5)
    photo_max_kb = models.PositiveIntegerField(_("largest fault photo (KB)"), default=5120)
    code_valid_minutes = models.PositiveSmallIntegerField(
        _("one-time code valid for (minutes)"), default=10)
    code_max_attempts = models.PositiveSmallIntegerField(
        _("wrong tries before a code is void"), default=5)
    identity_days = models.PositiveSmallIntegerField(
        _("a confirmed phone is remembered on the browser for (days)"), default=30)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("portal policy")
        verbose_name_plural = _("portal policy")

    def __str__(self):
        return str(_("Portal policy"))


class ServiceItem(models.Model):
    """A published service item (服务项目): what we do and how it is charged."""

    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    charging = models.CharField(_("how it is charged"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Slot(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class Booking(models.Model):
    """What a web booking adds to its ticket: where, when, and which unit or model."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT,
                                  related_name="booking", verbose_name=_("ticket"))
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district / county"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=120, blank=True)
    zone = models.CharField(_("fee zone"), max_length=20, choices=Zone.choices, blank=True)
    zone_reason = models.CharField(_("how the zone was found"), max_length=40, blank=True)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    slot = models.CharField(_("half-day"), max_length=2, choices=Slot.choices, blank=True)
    product_model = models.ForeignKey("catalog.ProductModel", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("product model"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("web booking")
        verbose_name_plural = _("web bookings")
        ordering = ["-id"]

    def __str__(self):
        return str(self.ticket_id)

    @property
    def address(self) -> str:
        return "".join(part for part in (self.province, self.city, self.district, self.street)
                       if part)


class PendingBooking(models.Model):
    """A public-API booking and the code sent to its phone (POST /public/bookings). Step
    one opens the web ticket at once for a new provisional customer record
    (`Customer.provisional`, never an existing archive) and answers its number; this row
    waits for the code. The caller gets `token`, an opaque random id, so no name, phone or
    address travels in a URL or a log line. Confirmed (`confirmed_at`), the ticket joins
    the archive with that phone; unconfirmed, the row expires (`expires_at`) and the sweep
    deletes it, while the ticket stays for staff to call back. `request` holds only what
    the confirmation needs (the serial given) and is emptied on confirmation."""

    token = models.CharField(_("booking id"), max_length=64, unique=True)
    phone = models.CharField(_("phone"), max_length=20)
    request = models.JSONField(_("request"), default=dict, blank=True)
    #: the client's Idempotency-Key and the hash of the request it came with: the same
    #: key with the same request answers the same booking (no second code, no second
    #: ticket); the same key with another request is refused (409)
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    confirmed_at = models.DateTimeField(_("phone confirmed at"), null=True, blank=True)
    #: set by step one (empty only on a request waiting from before tickets opened there)
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="+", verbose_name=_("ticket"))

    class Meta:
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(
            fields=["idempotency_key"], condition=~Q(idempotency_key=""),
            name="pendingbooking_key_uniq")]

    def __str__(self):
        return f"{self.token[:8]}…"


class BookingPhoto(models.Model):
    """A photo of the fault sent with a booking (images only, size-limited)."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("photo"), upload_to="portal/bookings/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fault photo")
        verbose_name_plural = _("fault photos")
        ordering = ["id"]

    def __str__(self):
        return self.name


class PhoneCode(models.Model):
    """A one-time code sent to a phone: only its hash is kept; it expires, allows a few
    wrong tries and is used once."""

    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=20, default="identity")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-id"]
        indexes = [models.Index(fields=["phone", "purpose", "-id"], name="phonecode_lookup_idx")]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class QuoteDecision(models.Model):
    """The customer's own answer to a quote on the portal: approved with a drawn
    signature (the consent the fee rules need before chargeable work) or rejected with a
    reason. One per quote."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="portal_decisions", verbose_name=_("ticket"))
    quote = models.OneToOneField("billing.Quote", on_delete=models.PROTECT,
                                 related_name="portal_decision", verbose_name=_("quote"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    signed_by = models.CharField(_("signed by"), max_length=60, blank=True)
    signature_png = models.TextField(_("signature (PNG, base64)"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    total = MoneyField(_("total agreed or refused"))
    via = models.CharField(_("how the customer was identified"), max_length=20)
    client_ip = models.CharField(_("client address"), max_length=45, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer's quote decision")
        verbose_name_plural = _("customers' quote decisions")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="rejected") | ~Q(signature_png=""),
                name="quote_approval_is_signed"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.decision}"


class PaymentOrder(models.Model):
    """One attempt to pay a ticket's outstanding amount through a payment provider. Only
    the provider's verified notification marks it paid, and books the payment once."""

    class Status(models.TextChoices):
        CREATED = "created", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="payment_orders", verbose_name=_("ticket"))
    provider = models.CharField(_("provider"), max_length=20)
    out_trade_no = models.CharField(_("our order number"), max_length=32, unique=True)
    amount = MoneyField(_("amount"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.CREATED)
    pay_url = models.CharField(_("payment link"), max_length=300, blank=True)
    transaction_id = models.CharField(_("provider's transaction"), max_length=64, null=True,
                                      blank=True, unique=True)
    ledger_entry = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="payment_order_positive")]

    def __str__(self):
        return self.out_trade_no
