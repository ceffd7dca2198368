"""Money in the field (PRODUCT.md "In the field", seed 000 §8–9): cash an engineer holds
until finance records its hand-over, staff liabilities, claims at our cost, fee disputes,
VAT invoice requests and refunds.

Every amount the customer owes still lives in the ledger (billing.models.LedgerEntry): a
dispute or a claim books an adjustment, a refund books a refund entry; nothing here edits
a charge. Imported by billing.models, so Django sees these models as the billing app's.
"""
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import OneRowPolicy
from aftersales.core.money import MoneyField


class FieldMoneyPolicy(OneRowPolicy):
    """Rule values of money in the field (one row, editable in the admin)."""

    handover_days = models.PositiveSmallIntegerField(
        _("cash handed to finance within (days)"), default=3)
    personal_qr_counts_as_cash = models.BooleanField(
        _("WeChat/Alipay taken by an engineer is held like cash"), default=True,
        help_text=_("Payments to an engineer's personal QR code must be handed over too."))
    return_refund_days = models.PositiveSmallIntegerField(
        _("a return is refunded within (days)"), default=7)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field money policy")
        verbose_name_plural = _("field money policy")

    def __str__(self):
        return str(_("Field money policy"))


# --------------------------------------------------------------------------
# Cash hand-over
# --------------------------------------------------------------------------


class CashHandover(models.Model):
    """Finance receives an engineer's cash: one action over selected payments whose sum
    must equal the amount counted."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    engineer = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                 related_name="cash_handovers", verbose_name=_("engineer"))
    total = MoneyField(_("amount handed over"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    received_by = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("received by"))

    class Meta:
        verbose_name = _("cash hand-over")
        verbose_name_plural = _("cash hand-overs")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0),
                                              name="cash_handover_total_gt_0")]

    def __str__(self):
        return self.number


class HandedOverPayment(models.Model):
    """One payment in a hand-over; a payment is handed over once (the unique key is what
    makes two concurrent hand-overs of the same payment impossible)."""

    handover = models.ForeignKey(CashHandover, on_delete=models.PROTECT,
                                 related_name="payments")
    entry = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT,
                                 related_name="handed_over", verbose_name=_("payment"))
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("payment handed over")
        verbose_name_plural = _("payments handed over")
        ordering = ["id"]

    def __str__(self):
        return f"{self.handover_id}: {self.entry_id}"


# --------------------------------------------------------------------------
# Staff liability
# --------------------------------------------------------------------------


class StaffLiability(models.Model):
    """A staff receivable on an engineer: a fee not collected at completion, or work done
    without an approved quote. Cleared when the customer pays, or written off by a manager
    with a reason; what is still open is settled against the monthly pay."""

    class Kind(models.TextChoices):
        UNCOLLECTED = "uncollected_fee", _("Fee not collected at completion")
        UNAPPROVED = "unapproved_work", _("Work done without an approved quote")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLEARED = "cleared", _("Cleared (the customer paid)")
        WRITTEN_OFF = "written_off", _("Written off")

    engineer = models.ForeignKey("network.User", on_delete=models.PROTECT,
                                 related_name="liabilities", verbose_name=_("engineer"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="staff_liabilities", verbose_name=_("ticket"))
    charge = models.ForeignKey("billing.Charge", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="staff_liabilities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = MoneyField(_("amount"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    reason = models.CharField(_("reason for the write-off"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff liability")
        verbose_name_plural = _("staff liabilities")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="liability_amount_gt_0"),
            models.UniqueConstraint(fields=["ticket", "kind"], condition=Q(status="open"),
                                    name="one_open_liability_per_ticket_kind"),
            models.CheckConstraint(condition=Q(status="open") | Q(settled_at__isnull=False),
                                   name="liability_settled_has_time"),
        ]

    def __str__(self):
        return f"{self.engineer_id} {self.kind} {self.amount}"


# --------------------------------------------------------------------------
# Claims at our cost
# --------------------------------------------------------------------------


class Claim(models.Model):
    """A job at our cost: the customer is charged nothing for the ticket and what it costs
    us is booked here, approved by a manager."""

    class Kind(models.TextChoices):
        CUSTOMER_LOSS = "customer_loss", _("Customer's loss caused by our equipment")
        OUR_FAULT = "our_fault", _("Fault caused by our defective supply or wrong guidance")
        SUPPLIER_WARRANTY = "supplier_warranty", _("Part failed under the supplier's warranty")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a manager")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="claims", verbose_name=_("ticket"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="claims", verbose_name=_("customer"))
    description = models.CharField(_("description"), max_length=500)
    cost = MoneyField(_("our cost (compensation, parts, labour)"))
    waived = MoneyField(_("customer's charge waived"))
    adjustment = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="claim")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0) & Q(waived__gte=0),
                                   name="claim_amounts_not_negative"),
            models.UniqueConstraint(fields=["ticket"], condition=~Q(status="rejected"),
                                    name="one_live_claim_per_ticket"),
        ]

    def __str__(self):
        return self.number

    @property
    def booked(self) -> Decimal:
        """Everything the claim costs us: our cost plus the charge we waived."""
        return self.cost + self.waived


# --------------------------------------------------------------------------
# Fee disputes
# --------------------------------------------------------------------------


class FeeDispute(models.Model):
    """The customer disputes a charge; a manager decides. A reduction or waiver is an
    adjustment in the ledger, never an edited charge."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Charge upheld")
        REDUCED = "reduced", _("Charge reduced")
        WAIVED = "waived", _("Charge waived")

    charge = models.ForeignKey("billing.Charge", on_delete=models.PROTECT,
                               related_name="disputes", verbose_name=_("charge"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="fee_disputes", verbose_name=_("customer"))
    complaint = models.CharField(_("what the customer disputes"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    reduced_by = MoneyField(_("reduced by"))
    reason = models.CharField(_("reason for the decision"), max_length=200, blank=True)
    adjustment = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="dispute")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee dispute")
        verbose_name_plural = _("fee disputes")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["charge"], condition=Q(status="open"),
                                    name="one_open_dispute_per_charge"),
            models.CheckConstraint(condition=Q(reduced_by__gte=0),
                                   name="dispute_reduction_not_negative"),
        ]

    def __str__(self):
        return f"{self.charge_id} {self.status}"


# --------------------------------------------------------------------------
# VAT invoices (发票)
# --------------------------------------------------------------------------


class InvoiceRequest(models.Model):
    """A customer asks for a VAT invoice for a payment; finance issues it in the tax system
    and records its number and date here."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary VAT invoice (普票)")
        SPECIAL = "special", _("Special VAT invoice (专票)")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    payment = models.ForeignKey("billing.LedgerEntry", on_delete=models.PROTECT,
                                related_name="invoice_requests", verbose_name=_("payment"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="invoice_requests", verbose_name=_("customer"))
    amount = MoneyField(_("amount"))
    kind = models.CharField(_("invoice type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("invoice title"), max_length=100)
    taxpayer_id = models.CharField(_("taxpayer ID"), max_length=18, blank=True)
    address_phone = models.CharField(_("address and phone"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank and account"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.REQUESTED)
    number = models.CharField(_("invoice number"), max_length=30, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice request")
        verbose_name_plural = _("invoice requests")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["payment"], condition=~Q(status="cancelled"),
                                    name="one_live_invoice_per_payment"),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""),
                                    name="invoice_number_unique"),
            models.CheckConstraint(
                condition=~Q(status="issued") | (~Q(number="") & Q(issued_on__isnull=False)),
                name="issued_invoice_has_number_and_date"),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"


# --------------------------------------------------------------------------
# Refunds
# --------------------------------------------------------------------------


class Refund(models.Model):
    """Money paid back to a customer (a return within the return days, or an overpayment);
    booked in the ledger only when finance approves it."""

    class Reason(models.TextChoices):
        RETURN = "return", _("Return")
        OVERPAYMENT = "overpayment", _("Overpayment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for finance")
        APPROVED = "approved", _("Approved and paid")
        REJECTED = "rejected", _("Rejected")

    charge = models.ForeignKey("billing.Charge", on_delete=models.PROTECT,
                               related_name="refunds", verbose_name=_("charge"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="refunds", verbose_name=_("customer"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    amount = MoneyField(_("amount"))
    method = models.CharField(_("refund method"), max_length=20)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    entry = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="refund")
    reversal = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="refund_reversal")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    created_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("network.User", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="refund_amount_gt_0")]

    def __str__(self):
        return f"{self.charge_id} {self.amount}"
