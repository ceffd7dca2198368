"""Error codes of the telephony app (one enum, no free strings in the code)."""
from enum import StrEnum


class TelephonyCode(StrEnum):
    """The error codes the telephony app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    BAD_SIGNATURE = "bad_signature"  # the call report's signature does not match
    CALL_HAS_TICKET = "call_has_ticket"  # the call already has a ticket
    EXTENSION_TAKEN = "extension_taken"  # another agent has this extension
    NOT_YOUR_CALL = "not_your_call"  # the call rang at another agent's desk
    REPLAYED = "replayed"  # the call was already reported
    STALE_REQUEST = "stale_request"  # the request's timestamp is missing or too old
