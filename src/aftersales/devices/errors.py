"""Error codes of the devices app (one enum, no free strings in the code)."""
from enum import StrEnum


class DeviceCode(StrEnum):
    """The error codes the devices app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    DUPLICATE_IMEI = "duplicate_imei"  # another unit has this IMEI
    DUPLICATE_SERIAL = "duplicate_serial"  # another unit has this serial number
    UNKNOWN_DEVICE = "unknown_device"  # no unit with this serial (in the actor's service point)
