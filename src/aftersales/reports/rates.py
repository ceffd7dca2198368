"""Pure arithmetic of the reports: rates as exact decimals (no floats)."""
from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")


def rate(part: int, whole: int) -> Decimal:
    """part / whole to four places, half-up; 0 when there is no whole."""
    if whole <= 0:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
