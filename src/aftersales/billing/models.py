"""Billing data: the fee schedule (configuration), quotes, charges, the money ledger,
debt blocks and service-point subsidies.

Balances are never stored: what a ticket or a customer owes is the sum of its
LedgerEntry rows (charges positive, payments negative).
"""
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import MoneyField, OneRowPolicy
from aftersales.customers.models import Zone
from aftersales.network.models import ServicePoint

# --------------------------------------------------------------------------
# Configuration (admin-editable, seeded with the defaults of docs/rules.md)
# --------------------------------------------------------------------------


class ZoneFee(models.Model):
    """One row of the on-site fee table, per person per trip (CNY)."""

    zone = models.CharField(_("fee zone"), max_length=20, choices=Zone.choices, unique=True)
    visit = MoneyField(_("visit fee"))
    revisit_surcharge = MoneyField(_("second-trip surcharge"))
    transport = MoneyField(_("large-unit transport"))
    long_visit_counts_double = models.BooleanField(
        _("a long visit counts as two"), default=False,
        help_text=_("A visit longer than the policy's hours counts as two visits."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone fee")
        verbose_name_plural = _("fee schedule")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__gte=0) & Q(revisit_surcharge__gte=0) & Q(transport__gte=0),
                name="zone_fee_not_negative"),
        ]

    def __str__(self):
        return self.get_zone_display()


class BillingPolicy(OneRowPolicy):
    """Billing rule values that are not per zone (one row, editable in the admin)."""

    long_visit_hours = models.DecimalField(_("long visit after (hours)"), max_digits=5,
                                           decimal_places=2, default=Decimal("8.00"))
    max_visits_without_manager = models.PositiveSmallIntegerField(
        _("visits per fault without a manager"), default=3)
    on_spot_limit = MoneyField(_("paid on the spot up to"), default=Decimal("2000.00"))
    credit_days = models.PositiveSmallIntegerField(_("days to pay above that"), default=15)
    block_after_refusals = models.PositiveSmallIntegerField(
        _("refused repairs that block a customer"), default=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("billing policy")
        verbose_name_plural = _("billing policy")

    def __str__(self):
        return str(_("Billing policy"))


class LabourRate(models.Model):
    """A published labour price: a labour line without a catalogue part takes its price
    from here (an engineer may not type one)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    price = MoneyField(_("price"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0),
                                              name="labour_rate_not_negative")]

    def __str__(self):
        return f"{self.code} {self.name}: {self.price}"


class SubsidyRate(models.Model):
    """What HQ pays a service point of a tier for each completed job."""

    tier = models.CharField(_("tier"), max_length=20, choices=ServicePoint.Tier.choices,
                            unique=True)
    per_job = MoneyField(_("subsidy per completed job"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subsidy rate")
        verbose_name_plural = _("subsidy rates")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(per_job__gte=0),
                                              name="subsidy_rate_not_negative")]

    def __str__(self):
        return f"{self.get_tier_display()}: {self.per_job}"


# --------------------------------------------------------------------------
# Debt blocks
# --------------------------------------------------------------------------


class DebtBlockEvent(models.Model):
    """Each time billing blocks or unblocks a customer for debt (the audit of the flag,
    and how billing knows a block is its own and may lift it)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="debt_block_events")
    blocked = models.BooleanField()
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                           related_name="+")

    class Meta:
        verbose_name = _("debt block event")
        verbose_name_plural = _("debt block events")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.customer_id} {'block' if self.blocked else 'unblock'}"


# --------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------


class Quote(models.Model):
    """A priced offer for a ticket's work; above zero it waits for the customer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the customer")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Replaced by a later quote")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="quotes", verbose_name=_("ticket"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    zone = models.CharField(_("fee zone"), max_length=20, choices=Zone.choices)
    coverage = models.CharField(_("covered by"), max_length=40, blank=True)
    transport = models.PositiveSmallIntegerField(_("large-unit transports"), default=0)
    total = MoneyField(_("total"))
    needs_manager = models.BooleanField(_("needs a manager"), default=False)
    price_change = models.CharField(
        _("price change"), max_length=10, blank=True, choices=[
            ("pending", _("Waiting for a manager")), ("approved", _("Approved by a manager"))],
        help_text=_("A line priced other than the catalogue, the fee table or the labour "
                    "rates needs a manager's approval before the customer is asked."))
    price_approved_by = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+",
                                          verbose_name=_("price approved by"))
    price_approved_at = models.DateTimeField(_("price approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(status="pending"),
                                    name="one_pending_quote_per_ticket"),
            models.CheckConstraint(condition=Q(total__gte=0), name="quote_total_not_negative"),
        ]

    def __str__(self):
        return f"{self.ticket_id} #{self.pk} {self.total}"

    @property
    def needs_approval(self) -> bool:
        return self.total > 0 or self.price_change == "pending"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=20)
    description = models.CharField(_("description"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=40, blank=True)
    qty = models.PositiveIntegerField(_("quantity"))
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))
    covered_reason = models.CharField(_("covered by"), max_length=40, blank=True)
    rate = models.CharField(_("labour rate"), max_length=20, blank=True)
    list_price = MoneyField(_("published price"), null=True, blank=True, default=None)
    price_reason = models.CharField(_("reason for the price"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="quote_line_position"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(unit_price__gte=0),
                                   name="quote_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


# --------------------------------------------------------------------------
# Charges and the ledger
# --------------------------------------------------------------------------


class Charge(models.Model):
    """What a customer owes for a ticket or for a contract sold; one row each, locked for
    every money change. The amounts live in the ledger, not here."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="charge", verbose_name=_("ticket"))
    contract = models.OneToOneField("contracts.Contract", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="charge",
                                    verbose_name=_("contract"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="charges", verbose_name=_("customer"))
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="charges", verbose_name=_("device"))
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    posting = models.PositiveSmallIntegerField(_("posting"), default=1)
    resolved_on = models.DateField(_("resolved on"))
    due_on = models.DateField(_("due on"), db_index=True)
    refused_at = models.DateTimeField(_("payment refused at"), null=True, blank=True)
    refused_note = models.CharField(_("refusal note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ticket__isnull=False, contract__isnull=True)
                           | Q(ticket__isnull=True, contract__isnull=False)),
                name="charge_for_a_ticket_or_a_contract"),
        ]

    def __str__(self):
        return f"{self.ticket_id or self.contract_id} due {self.due_on}"


class ChargeLine(models.Model):
    """The lines that fell due; a later posting (reopen, re-resolve) adds a new set and the
    ledger books the difference, so nothing is rewritten."""

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="lines")
    posting = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=20)
    description = models.CharField(_("description"), max_length=200)
    qty = models.PositiveIntegerField(_("quantity"))
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))
    covered_reason = models.CharField(_("covered by"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")
        ordering = ["charge", "posting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["charge", "posting", "position"],
                                    name="charge_line_position"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


class LedgerEntry(models.Model):
    """Every money change, append-only: charges positive, payments negative. A ticket's
    or customer's outstanding amount is the sum of its rows."""

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        ADJUSTMENT = "adjustment", _("Charge adjustment")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="entries")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = MoneyField(_("amount (signed)"))
    method = models.CharField(_("payment method"), max_length=20,
                              choices=PaymentMethod.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True,
                                 help_text=_("e.g. the bank or WeChat transaction of a refund"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["id"]
        indexes = [models.Index(fields=["customer", "charge"], name="ledger_customer_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=(Q(kind="charge", amount__gt=0, method="")
                           | Q(kind="adjustment", method="")
                           | (Q(kind="payment", amount__lt=0) & ~Q(method=""))
                           | (Q(kind="refund", amount__gt=0) & ~Q(method=""))),
                name="ledger_kind_sign_method"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


# --------------------------------------------------------------------------
# Service-point subsidies
# --------------------------------------------------------------------------


class SubsidySettlement(models.Model):
    """One monthly settlement run (unique per month, so settling twice changes nothing)."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("subsidy settlement")
        verbose_name_plural = _("subsidy settlements")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class SubsidyStatement(models.Model):
    """A service point's subsidy for a month: completed jobs × its tier's rate."""

    settlement = models.ForeignKey(SubsidySettlement, on_delete=models.PROTECT,
                                   related_name="statements")
    service_point = models.ForeignKey("network.ServicePoint", on_delete=models.PROTECT,
                                      related_name="subsidy_statements",
                                      verbose_name=_("service point"))
    month = models.DateField(_("month"))
    tier = models.CharField(_("tier"), max_length=20, choices=ServicePoint.Tier.choices)
    per_job = MoneyField(_("subsidy per job"))
    jobs = models.PositiveIntegerField(_("completed jobs"))
    amount = MoneyField(_("amount"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy statement")
        verbose_name_plural = _("subsidy statements")
        ordering = ["-month", "service_point_id"]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "month"],
                                    name="one_subsidy_statement_per_point_month"),
        ]

    def __str__(self):
        return f"{self.service_point_id} {self.month:%Y-%m} {self.amount}"


class SubsidyLine(models.Model):
    """One settled job; a ticket is settled at most once."""

    statement = models.ForeignKey(SubsidyStatement, on_delete=models.PROTECT,
                                  related_name="lines")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT,
                                  related_name="subsidy_line")
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("subsidy line")
        verbose_name_plural = _("subsidy lines")

    def __str__(self):
        return f"{self.ticket_id} {self.amount}"


# Money in the field (cash hand-over, liabilities, claims, disputes, invoices, refunds)
from .field_models import (  # noqa: E402,F401  (models of this app kept in a module of their own)
    CashHandover,
    Claim,
    FeeDispute,
    FieldMoneyPolicy,
    HandedOverPayment,
    InvoiceRequest,
    Refund,
    StaffLiability,
)
