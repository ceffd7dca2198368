from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .money import ZERO


class MoneyField(models.DecimalField):
    """CNY amount: 14 digits, 2 places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class Audited(models.Model):
    """The audit columns of a record written once (a ledger row, a term, a certificate):
    when it was recorded and by whom (None: the system or an import). One definition; a
    model that needs the author always sets `created_by` non-null in its own class."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")

    class Meta:
        abstract = True


class Sequence(models.Model):
    """A counter per (name, period) for readable unique numbers such as SR20261123-0042."""

    name = models.CharField(max_length=40)
    period = models.CharField(max_length=20, blank=True, default="")
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="core_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.name}/{self.period}: {self.value}"


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class OneRowPolicy(models.Model):
    """Rule values kept as one row edited in the admin (seeded by a data migration).

    `current()` answers that row, or the model's defaults while none is saved yet."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class RateCounter(models.Model):
    """One window of a shared rate counter (core.throttle) when no Redis is configured."""

    bucket = models.CharField(max_length=250, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.bucket}: {self.count}"


class IdempotentRequest(models.Model):
    """A write asked for with an Idempotency-Key: what it was (a hash of the body) and the
    id of what it created, so a retry answers the first result and books nothing."""

    scope = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    result_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["scope", "key"],
                                               name="core_idempotent_request_unique")]

    def __str__(self):
        return f"{self.scope}/{self.key}"
