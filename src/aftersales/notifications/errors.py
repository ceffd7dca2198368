"""Error codes of the notifications app (one enum, no free strings in the code)."""
from enum import StrEnum


class NotificationCode(StrEnum):
    """The error codes the notifications app answers with. The values are part of the public
    API (docs/api-conventions.md, "Errors"): never change one."""

    ALREADY_ACKNOWLEDGED = "already_acknowledged"  # the alert is already acknowledged
