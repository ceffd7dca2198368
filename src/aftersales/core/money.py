"""Money is Decimal with two places, rounded half-up; never a float."""
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(str(value) if not isinstance(value, Decimal) else value).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def format_money(value: Decimal | None) -> str:
    return f"{to_money(value or 0):.2f}"


class MoneyField(models.DecimalField):
    """CNY amount: 14 digits, 2 places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
