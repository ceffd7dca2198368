"""A bench repair not done within its target (PRODUCT.md "Exchange and return evidence"):
the customer is offered a loaner (备用机) or an extension of the warranty by the days of
delay, as the policy says. Pure: no Django here."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

REMEDIES = ("choice", "loaner", "extension")
OPTIONS = ("loaner", "extension")


def offered(remedy: str) -> tuple[str, ...]:
    """What the customer may choose under the policy's `remedy`."""
    if remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {remedy!r}; expected one of {REMEDIES}")
    return OPTIONS if remedy == "choice" else (remedy,)


def days_late(*, due: datetime, done: datetime) -> int:
    """Whole days of delay, each begun day counting (1 minute late is one day)."""
    late = done - due
    if late <= timedelta(0):
        return 0
    return math.ceil(late / timedelta(days=1))
