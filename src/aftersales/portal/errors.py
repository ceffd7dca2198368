"""Error codes of the portal app (one enum, no free strings in the code)."""
from enum import StrEnum


class PortalCode(StrEnum):
    """The error codes the portal app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    #: the ticket has no follow-up waiting for the customer's rating
    NOTHING_TO_RATE = "nothing_to_rate"
