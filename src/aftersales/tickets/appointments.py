"""When a visit may be booked (pure: no database). An appointment lies ahead, on a working
day of the statutory calendar (调休 included), inside the serving point's working windows,
and not further ahead than anyone can promise. Every booking goes through `refusal`:
the ticket's schedule action (API and page) and the dispatch board alike."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import TicketError
from .sla import BusinessCalendar, WorkingHours

#: the furthest an appointment may be booked ahead (a typo such as 2062 is refused)
MAX_AHEAD = timedelta(days=90)


def hours_text(hours: WorkingHours) -> str:
    return "、".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in hours.windows)


def refusal(*, at: datetime, now: datetime, hours: WorkingHours,
            calendar: BusinessCalendar) -> tuple[TicketError, str] | None:
    """None when `at` may be booked, else (code, message) saying why not."""
    if at < now:
        return TicketError.APPOINTMENT_IN_PAST, _("The appointment is in the past.")
    if at > now + MAX_AHEAD:
        return TicketError.APPOINTMENT_TOO_FAR, _(
            "Appointments are booked at most %(days)s days ahead.") % {
            "days": MAX_AHEAD.days}
    local = timezone.localtime(at, hours.zone)
    inside = any(starts <= local.time() < ends for starts, ends in hours.windows)
    if not calendar.is_working_day(local.date()) or not inside:
        return TicketError.OUTSIDE_WORKING_HOURS, _(
            "Appointments are booked on working days within the working hours "
            "(%(hours)s).") % {"hours": hours_text(hours)}
    return None
