"""Error codes of the contracts app (one enum, no free strings in the code)."""
from enum import StrEnum


class ContractCode(StrEnum):
    """The error codes the contracts app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    ALREADY_RENEWED = "already_renewed"  # the contract has already been renewed
    CONTRACT_TERMINATED = "contract_terminated"  # a terminated contract cannot be renewed
