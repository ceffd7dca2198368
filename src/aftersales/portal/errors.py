"""Error codes of the portal app (one enum, no free strings in the code)."""
from enum import StrEnum


class PortalCode(StrEnum):
    """The error codes the portal app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    #: the ticket has no follow-up waiting for the customer's rating
    NOTHING_TO_RATE = "nothing_to_rate"
    #: the booking's confirmation code is not the one sent to the phone
    WRONG_CODE = "wrong_code"
    #: the code's time ran out or too many wrong codes were tried: ask for a new one
    CODE_EXPIRED = "code_expired"
    #: the booking was already confirmed (it is a ticket now)
    ALREADY_CONFIRMED = "already_confirmed"
