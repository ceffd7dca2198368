"""Pure arithmetic of the reports: rates as exact decimals (no floats)."""
from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")


def rate(part: int, whole: int) -> Decimal:
    """part / whole to four places, half-up; 0 when there is no whole."""
    if whole <= 0:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def month_bounds(month: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11); ValueError for anything else."""
    year_text, _, month_text = month.partition("-")
    if len(year_text) != 4 or len(month_text) != 2 or not (year_text + month_text).isdigit():
        raise ValueError("month is YYYY-MM")
    year, number = int(year_text), int(month_text)
    if not 1 <= number <= 12:
        raise ValueError("month is YYYY-MM")
    return year, number
