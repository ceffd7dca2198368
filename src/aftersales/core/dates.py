"""Local days and months as instants: the one home of "from the start of this local day to
the start of the next" (Asia/Shanghai unless the settings say otherwise) and of reading a
month written YYYY-MM. Every range is half-open, [start, end)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_midnight(day: date) -> datetime:
    """The instant the local day starts."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def local_day_bounds(day: date, *, days: int = 1) -> tuple[datetime, datetime]:
    """[start of `day`, start of the day `days` later) as aware instants."""
    return local_midnight(day), local_midnight(day + timedelta(days=days))


def local_days_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last` (both local days included)."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """The local month that `first` lies in, as [start, end) instants."""
    first = first.replace(day=1)
    return local_midnight(first), local_midnight(next_month(first))


def parse_month(text: str | date) -> date:
    """'2026-11' -> date(2026, 11, 1); a date -> its month's first day; ValueError else."""
    if isinstance(text, date):
        return text.replace(day=1)
    year_text, _sep, month_text = str(text or "").partition("-")
    if len(year_text) != 4 or len(month_text) != 2 or not (year_text + month_text).isdigit():
        raise ValueError("month is YYYY-MM")
    number = int(month_text)
    if not 1 <= number <= 12:
        raise ValueError("month is YYYY-MM")
    return date(int(year_text), number, 1)


def parse_day(text: str | None, *, default: date) -> date:
    """'2026-11-30' -> that date; anything else -> `default`."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return default
