from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingRequest(models.Model):
    """A repair booked on the public side, waiting for the code sent to its phone.

    Only a confirmed code proves the caller holds the phone; until then nothing touches
    the customer archive (no customer, no ticket, no message but the code)."""

    public_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    serial = models.CharField(_("serial number"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=200)
    mode = models.CharField(_("mode"), max_length=20)
    code_hash = models.CharField(max_length=64)
    code_expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="booking_request",
                                  verbose_name=_("ticket"))
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")

    def __str__(self):
        return f"{self.public_id} {self.phone}"
