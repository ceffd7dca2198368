"""Money is Decimal with two places, rounded half-up; never a float.

`to_money` is the one rounding of money in the project: every amount that is rounded
(fees, quotes, charges, ledger sums, stock values, subsidies) goes through it. This module
has no Django import, so the pure rule modules (billing/fees.py) use it too. The model
field for amounts is `core.models.MoneyField`.
"""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """`value` rounded to cents, half-up (0.005 -> 0.01). A float is refused (TypeError):
    2.675 as a float is really 2.67499…, so money is given as Decimal, int or string."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def from_cents(value) -> Decimal:
    """Whole cents (as summed by the database) back to money."""
    return to_money(Decimal(int(value or 0)) / 100)


def format_money(value: Decimal | None) -> str:
    return f"{to_money(value or 0):.2f}"


__all__ = ["CENT", "ZERO", "from_cents", "format_money", "to_money"]


def __getattr__(name):
    # MoneyField moved to core.models (this module stays free of Django). Kept importable
    # from here for code written before the move; new code imports it from core.models.
    if name == "MoneyField":
        from .models import MoneyField

        return MoneyField
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
