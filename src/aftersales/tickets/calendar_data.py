"""Published Chinese holiday schedules (法定节假日 and 调休), read from ``chinesecalendar``.

Pure Python: the migration that seeds the holiday table calls
:func:`statutory_days` per year; the table, which admins can correct and
extend, is what the SLA calendar is built from.  The State Council
publishes each year's schedule late in the year before, so the installed
package only knows up to some year (1.11.0: 2004-2026); later years give
``None`` (never an exception), so the caller can warn the admin.
"""

from __future__ import annotations

from datetime import date

import chinese_calendar
from chinese_calendar.constants import Holiday

__all__ = ["statutory_days"]


def statutory_days(year: int) -> tuple[dict[date, str], set[date]] | None:
    """(holidays {date: Chinese name, e.g. 春节}, adjusted Sat/Sun working days) of ``year``, or None.

    Holidays include the weekend days inside a holiday block, as published.
    Only Saturday/Sunday entries of the package's ``workdays`` are returned:
    those are the 调休 days; Monday-Friday are working days anyway.
    None when the package has no data for the year (it raises
    NotImplementedError for those) or the year is not a valid date year.
    """
    if not date.min.year <= year <= date.max.year:
        return None
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    holidays = {d: chinese_name(name) for d, name in chinese_calendar.holidays.items()
                if d.year == year}
    workdays = {d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5}
    return holidays, workdays


def chinese_name(name: str) -> str:
    """The package keys holidays by their English name; the calendar shows 春节, 国庆节."""
    try:
        return Holiday(str(name)).chinese
    except ValueError:
        return str(name)
