"""Template helpers of the console and the portal."""
from django import template

from aftersales.core.money import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """CNY with two decimals, never through a float: ¥1234.50."""
    if value is None or value == "":
        return "—"
    return f"¥{format_money(value)}"
