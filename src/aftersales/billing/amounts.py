"""A client's amount, checked once for every money-in-the-field write."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.money import to_money


def parse_amount(value: object, *, field: str, positive: bool = True) -> Decimal:
    """A string, an integer, a Decimal or a JSON number with at most two decimals; above
    zero unless `positive` is False. A JSON number arrives as a float: its shortest
    decimal form is what the client wrote."""
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationFailed(_("Not a valid amount."), field=field)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValidationFailed(_("Not a valid amount."), field=field) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("1e12"):
        raise ValidationFailed(_("Not a valid amount."), field=field)
    amount = to_money(amount)
    if positive and amount <= 0:
        raise ValidationFailed(_("The amount must be above zero."), field=field)
    return amount
