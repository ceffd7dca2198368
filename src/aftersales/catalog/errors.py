"""Error codes of the catalog app (one enum, no free strings in the code)."""
from enum import StrEnum


class CatalogCode(StrEnum):
    """The error codes the catalog app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    DUPLICATE_CODE = "duplicate_code"  # a product model or fault code with this code exists
    DUPLICATE_SKU = "duplicate_sku"  # a part with this SKU exists
    UNKNOWN_FAULT_CODE = "unknown_fault_code"  # no fault code with this code
    UNKNOWN_MODEL = "unknown_model"  # no product model with this code
    UNKNOWN_PART = "unknown_part"  # no part with this SKU
