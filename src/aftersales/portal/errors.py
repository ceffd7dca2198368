"""Error codes of the portal app (one enum, no free strings in the code)."""
from enum import StrEnum


class PortalCode(StrEnum):
    """The error codes the portal app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    #: the ticket has no follow-up waiting for the customer's rating
    NOTHING_TO_RATE = "nothing_to_rate"
    #: the half-day asked for is not one the serving point offers
    SLOT_NOT_OFFERED = "slot_not_offered"
    TOO_MANY_PHOTOS = "too_many_photos"  # more fault photos than the policy allows
    PHOTO_TOO_LARGE = "photo_too_large"  # a photo above the policy's size
    NOT_AN_IMAGE = "not_an_image"  # a file whose bytes are not a JPEG, PNG or WebP image
    INVALID_CODE = "invalid_code"  # the one-time code is wrong, expired, used or void
    NO_PENDING_QUOTE = "no_pending_quote"  # no quote is waiting for the customer's answer
    NOTHING_OUTSTANDING = "nothing_outstanding"  # nothing is owed on the ticket
    PAYMENT_UNAVAILABLE = "payment_unavailable"  # the payment provider refused or is down
    ALREADY_PAID = "already_paid"  # the payment order was paid by another transaction
    AMOUNT_MISMATCH = "amount_mismatch"  # the provider's amount is not the order's
