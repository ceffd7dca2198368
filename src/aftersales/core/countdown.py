"""The words of an SLA countdown: "剩余 9 小时 54 分" / "已超时 2 小时 5 分" ("9 h 54 min left" /
"2 h 5 min overdue"). One home for the wording: the templates render it through
`ui.countdown`, and app.js ticks it on with the same phrases, which base.html hands it in
<body data-countdown> (countdown_words), so the page's language is the script's.

Rounding: time left is rounded down (never promise a minute that is not there), time
overdue up (a second late is late). From 24 h on, days and hours; below, hours and minutes;
a zero tail is left out ("1 小时", "2 天")."""
from __future__ import annotations

import math

from django.utils.translation import gettext as _

MINUTES_PER_DAY = 24 * 60


def countdown_words() -> dict[str, str]:
    """The phrases, in the active language, with %(name)s placeholders."""
    return {
        "left": _("%(span)s left"),
        "overdue": _("%(span)s overdue"),
        "days_hours": _("%(days)s d %(hours)s h"),
        "days": _("%(days)s d"),
        "hours_minutes": _("%(hours)s h %(minutes)s min"),
        "hours": _("%(hours)s h"),
        "minutes": _("%(minutes)s min"),
    }


def span_parts(minutes: int) -> tuple[str, dict[str, int]]:
    """Which phrase a span of whole minutes takes, and its numbers."""
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    hours, mins = divmod(rest, 60)
    if days:
        return ("days_hours", {"days": days, "hours": hours}) if hours else (
            "days", {"days": days})
    if hours:
        return ("hours_minutes", {"hours": hours, "minutes": mins}) if mins else (
            "hours", {"hours": hours})
    return "minutes", {"minutes": mins}


def countdown_text(seconds: float) -> str:
    """`seconds` until the deadline (negative: past it) in words, in the active language."""
    overdue = seconds < 0
    minutes = math.ceil(-seconds / 60) if overdue else math.floor(seconds / 60)
    words = countdown_words()
    key, numbers = span_parts(minutes)
    return words["overdue" if overdue else "left"] % {"span": words[key] % numbers}
