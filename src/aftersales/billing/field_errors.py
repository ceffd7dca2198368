"""Error codes of money in the field (one enum, no free strings in the code). The values
are part of the public API: never change one."""
from enum import StrEnum


class FieldMoneyCode(StrEnum):
    ALREADY_HANDED_OVER = "already_handed_over"  # a payment is in a hand-over already
    CLAIM_DECIDED = "claim_decided"  # the claim was approved or rejected already
    CLAIM_OPEN = "claim_open"  # the ticket has a live claim
    DISPUTE_DECIDED = "dispute_decided"  # the dispute was decided already
    DISPUTE_OPEN = "dispute_open"  # the charge has an open dispute
    DUPLICATE_NUMBER = "duplicate_number"  # the invoice number is recorded already
    EXCEEDS_CHARGED = "exceeds_charged"  # a reduction or return above what was charged
    EXCEEDS_OVERPAYMENT = "exceeds_overpayment"  # a refund above what was overpaid
    EXCEEDS_PAID = "exceeds_paid"  # a refund above what was paid
    INVOICE_NOT_REQUESTED = "invoice_not_requested"  # not waiting to be issued
    INVOICE_REQUESTED = "invoice_requested"  # the payment has a live invoice request
    LIABILITY_OPEN = "liability_open"  # the liability is booked already
    LIABILITY_SETTLED = "liability_settled"  # cleared or written off already
    NO_ENGINEER = "no_engineer"  # the ticket has no engineer to book a liability on
    NOT_ENGINEERS_CASH = "not_engineers_cash"  # a payment not held by that engineer
    NOTHING_CHARGED = "nothing_charged"  # nothing is charged to dispute or refund
    NOTHING_OUTSTANDING = "nothing_outstanding"  # nothing is owed on the ticket
    REFUND_DECIDED = "refund_decided"  # the refund was approved or rejected already
    REQUIRED = "required"  # a required field is empty
    RETURN_PERIOD_OVER = "return_period_over"  # a return after the return days
    TOO_LONG = "too_long"  # the text is longer than the field allows
    TOTAL_MISMATCH = "total_mismatch"  # the amount counted is not the payments' sum
    UNKNOWN_PAYMENT = "unknown_payment"  # no such payment
