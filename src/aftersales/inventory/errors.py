"""Error codes of the inventory app (one enum, no free strings in the code)."""
from enum import StrEnum


class InventoryCode(StrEnum):
    """The error codes the inventory app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    ALREADY_REPLACED = "already_replaced"  # the unit has already been replaced
    ALREADY_RETURNED = "already_returned"  # the unit is already in the returns process
    #: the receiving point's stock would pass its deposit × leverage
    DEPOSIT_EXCEEDED = "deposit_exceeded"
    DUPLICATE_CODE = "duplicate_code"  # the code is taken
    IN_TRANSIT_MISMATCH = "in_transit_mismatch"  # the parts in transit do not match the requisition
    INSUFFICIENT_STOCK = "insufficient_stock"  # not enough on hand
    INVALID_TRANSITION = "invalid_transition"  # the record is not in a state that allows this step
    NO_HQ_WAREHOUSE = "no_hq_warehouse"  # there is no head-office warehouse to send faulty parts to
    NO_WAREHOUSE = "no_warehouse"  # the engineer or point has no warehouse to issue from
    UNKNOWN_ACTION = "unknown_action"  # no such action
    #: no warehouse with this id (in the actor's service point)
    UNKNOWN_WAREHOUSE = "unknown_warehouse"
    WAREHOUSE_INACTIVE = "warehouse_inactive"  # the warehouse is closed
