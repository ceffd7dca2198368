"""Error codes of the billing app (one enum, no free strings in the code)."""
from enum import StrEnum


class BillingCode(StrEnum):
    """The error codes the billing app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    ALREADY_REFUSED = "already_refused"  # the customer's refusal to pay is already recorded
    #: the customer is blocked for debt: no new repair, installation or maintenance
    CUSTOMER_BLOCKED = "customer_blocked"
    DEVICE_UNPAID = "device_unpaid"  # the unit has an old debt: no new repair until it is paid
    EXCEEDS_OUTSTANDING = "exceeds_outstanding"  # a payment above what is still owed
    NO_PENDING_QUOTE = "no_pending_quote"  # no quote is waiting for the customer's answer
    NOTHING_OUTSTANDING = "nothing_outstanding"  # nothing is owed on the ticket
    #: chargeable work while a quote above zero is not approved
    QUOTE_NOT_APPROVED = "quote_not_approved"
    #: the quote has a price an engineer changed that no manager has approved yet
    PRICE_NOT_APPROVED = "price_not_approved"
    NO_PRICE_CHANGE = "no_price_change"  # no changed price waits for a manager
    ALREADY_REFUNDED = "already_refunded"  # the returned unit's refund is already booked
