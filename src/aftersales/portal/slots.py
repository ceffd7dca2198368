"""The half-day slots a customer may pick for a visit: working days of the statutory
calendar (holidays and adjusted working days) and the serving point's working hours, from
tomorrow on for the policy's number of working days."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone

from aftersales.tickets import clocks

NOON = time(12)


@dataclass(frozen=True)
class HalfDay:
    day: date
    slot: str  # "am" | "pm"
    starts: time
    ends: time

    @property
    def value(self) -> str:
        return f"{self.day.isoformat()}|{self.slot}"


def half_days(day: date, windows) -> list[HalfDay]:
    """The morning and afternoon of one working day: the windows before and after noon (a
    window across noon is split there)."""
    morning = [(s, min(e, NOON)) for s, e in windows if s < NOON]
    afternoon = [(max(s, NOON), e) for s, e in windows if e > NOON]
    out = []
    if morning:
        out.append(HalfDay(day, "am", morning[0][0], morning[-1][1]))
    if afternoon:
        out.append(HalfDay(day, "pm", afternoon[0][0], afternoon[-1][1]))
    return out


def offered(*, service_point_id: int | None, days: int, today: date | None = None
            ) -> list[HalfDay]:
    """The next `days` working days after today, each with its half-days."""
    today = today or timezone.localdate()
    calendar = clocks.load_calendar(years=range(today.year, today.year + 2))
    hours = clocks.working_hours(service_point_id=service_point_id)
    out: list[HalfDay] = []
    day, found = today, 0
    while found < days and day < today + timedelta(days=days * 3 + 14):
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            out.extend(half_days(day, hours.windows))
            found += 1
    return out
