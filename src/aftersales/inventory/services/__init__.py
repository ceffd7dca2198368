"""Every stock write. Each movement is an append-only StockMove and the StockLevel balance
changes in the same transaction by a conditional UPDATE, so a balance never goes below
zero under any concurrency (the CHECK constraint is the last line of defence).

One module per topic; everything public is re-exported here, so callers write
`from aftersales.inventory import services` and `services.issue_to_ticket(...)`.
"""
from .common import (
    FAULTY_PART_KINDS,
    ISSUERS,
    KEEPERS,
    MAX_QTY,
    clean_qty,
    hq_warehouse,
    resolve_part,
    resolve_warehouse,
)
from .requisitions import (
    approve_requisition,
    create_requisition,
    receive_requisition,
    reject_requisition,
    ship_requisition,
)
from .returns import (
    RETURN_TRANSITIONS,
    receive_returned_unit,
    record_returned_unit_test,
    refurbish_returned_unit,
    replace_device,
    scrap_returned_unit,
    send_returned_unit_to_factory,
)
from .stock import (
    adjust_stock,
    count_stock,
    create_warehouse,
    receive_stock,
    set_reorder_levels,
    transfer_stock,
)
from .ticket_parts import (
    issue_to_ticket,
    receive_faulty_part,
    return_ticket_parts,
    ship_faulty_part,
)

__all__ = [
    "FAULTY_PART_KINDS",
    "ISSUERS",
    "KEEPERS",
    "MAX_QTY",
    "clean_qty",
    "hq_warehouse",
    "resolve_part",
    "resolve_warehouse",
    "adjust_stock",
    "count_stock",
    "create_warehouse",
    "receive_stock",
    "set_reorder_levels",
    "transfer_stock",
    "issue_to_ticket",
    "receive_faulty_part",
    "return_ticket_parts",
    "ship_faulty_part",
    "approve_requisition",
    "create_requisition",
    "receive_requisition",
    "reject_requisition",
    "ship_requisition",
    "RETURN_TRANSITIONS",
    "receive_returned_unit",
    "record_returned_unit_test",
    "refurbish_returned_unit",
    "replace_device",
    "scrap_returned_unit",
    "send_returned_unit_to_factory",
]
