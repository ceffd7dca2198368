"""Error codes of the loaner pool and purchasing (one enum, no free strings in the code).
The values are part of the public API: never change one."""
from enum import StrEnum


class LoanerPurchasingCode(StrEnum):
    CLAIM_DECIDED = "claim_decided"  # the supplier's answer is recorded already
    CLAIMED_ALREADY = "claimed_already"  # the faulty part is claimed already
    DUPLICATE_CODE = "duplicate_code"  # the code is taken
    DUPLICATE_DEVICE = "duplicate_device"  # the device record is a loaner already
    DUPLICATE_SERIAL = "duplicate_serial"  # the serial number is taken
    EXCEEDS_ORDERED = "exceeds_ordered"  # more inspected than is still expected
    FAULTY_PART_NOT_RETURNED = "faulty_part_not_returned"  # not yet received at HQ
    LOANER_LENT = "loaner_lent"  # the loaner is out: record its return first
    LOANER_NOT_LENT = "loaner_not_lent"  # the loaner is not out
    LOANER_UNAVAILABLE = "loaner_unavailable"  # lent, in repair or retired
    NOT_SUPPLIED = "not_supplied"  # the supplier never delivered this part
    ORDER_CLOSED = "order_closed"  # the order is not waiting for goods
    OTHER_SERVICE_POINT = "other_service_point"  # the ticket is another point's
    SUPPLIER_WARRANTY_OVER = "supplier_warranty_over"  # past the supplier's warranty days
    TICKET_ENDED = "ticket_ended"  # the ticket is closed or cancelled
