"""Error codes of the customers app (one enum, no free strings in the code)."""
from enum import StrEnum


class CustomerCode(StrEnum):
    """The error codes the customers app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    DUPLICATE_PHONE = "duplicate_phone"  # the phone already belongs to an archive
    NOT_PROVISIONAL = "not_provisional"  # only a web booking's unverified record is verified
