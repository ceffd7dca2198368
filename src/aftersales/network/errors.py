"""Error codes of the network app (one enum, no free strings in the code)."""
from enum import StrEnum


class NetworkCode(StrEnum):
    """The error codes the network app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    #: a deposit withdrawal below the stock the point holds
    DEPOSIT_INSUFFICIENT = "deposit_insufficient"
    DUPLICATE_CODE = "duplicate_code"  # the code is taken
    DUPLICATE_USERNAME = "duplicate_username"  # the user name is taken
    AGREEMENT_LAPSED = "agreement_lapsed"  # the point's cooperation agreement is not in force
    NOT_CERTIFIED = "not_certified"  # the engineer holds no valid certificate for the category
    #: the password fails the password validators (length, common, numeric, similarity)
    WEAK_PASSWORD = "weak_password"
