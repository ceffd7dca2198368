"""Template helpers of the console and the portal."""
import json

from django import template
from django.utils import timezone
from django.utils.html import format_html

from aftersales.core.countdown import countdown_text, countdown_words
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


@register.simple_tag
def countdown(due) -> str:
    """An SLA deadline's time left (or overdue) in words, ticked on by app.js:
    <span class="countdown" data-due="…">剩余 9 小时 54 分</span> (class "bad" when past)."""
    if not due:
        return ""
    seconds = (due - timezone.now()).total_seconds()
    return format_html('<span class="countdown{}" data-due="{}">{}</span>',
                       " bad" if seconds < 0 else "", due.isoformat(),
                       countdown_text(seconds))


@register.simple_tag
def countdown_words_json() -> str:
    """The countdown's phrases for app.js (<body data-countdown>), in the page's language."""
    return json.dumps(countdown_words(), ensure_ascii=False)
