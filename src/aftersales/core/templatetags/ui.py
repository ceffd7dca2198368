"""Template helpers of the console and the portal."""
from django import template

from aftersales.core.money import to_money

register = template.Library()


@register.filter
def money(value) -> str:
    """CNY with thousands separators and two decimals, never through a float:
    ¥175,200.00 (a negative amount: -¥50.00)."""
    if value is None or value == "":
        return "—"
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
