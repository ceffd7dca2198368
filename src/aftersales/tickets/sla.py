"""SLA due-time engine (服务时效): when must a ticket be responded to, visited, resolved.

Pure Python on purpose: no Django here, so the rules can be tested with exact
datetimes and property tests, and reused from the API, the admin and Celery
jobs alike.  The service layer builds a :class:`BusinessCalendar` from the
holiday table, a :class:`WorkingHours` from settings and a :class:`Target`
from the SLA rows, then calls :func:`due_at`.

Every datetime going in must be aware; every datetime coming out is in UTC.
Arithmetic on instants is done in UTC (Python subtracts two datetimes that
share a ``tzinfo`` by wall clock, which is wrong across DST changes); only
"which day is it / which window" questions are asked in ``WorkingHours.tz``.

Target kinds:

* ``clock``: 24 h wall clock (hotline answer, 6 h urgent on-site).
* ``business``: only minutes inside the working windows of working days
  count.  A start outside the windows begins counting at the next opening.
  A due that lands exactly on a window end stays there (12:00, 18:00); it
  is not moved to the next opening.
* ``working_days``: due on the Nth working day after the start day at the
  start's local time of day.  How that time of day is chosen when the start
  is outside the windows is dictated by "deadlines never go backwards when
  the ticket is opened later" (see :func:`_working_days_due`).

Choices worth knowing:

* Pauses (waiting for the customer, for parts) stop the clock.  Overlapping
  pauses are merged, the parts before ``start`` ignored, and a pause that
  begins after the deadline was already reached does not move it: pausing
  cannot un-breach a ticket.
* ``clock`` pauses count wall time, ``business`` pauses count only the
  business time they cover (a pause over a night changes nothing).
* ``working_days`` pauses: the due is first computed without pauses, then
  pushed forward, walking business time and skipping later pauses, by the
  business time the pauses covered before that due.  So a pause extends the
  deadline by exactly the working time it took away, and never shortens it.
* An open pause (``end is None``) that began before the deadline means the
  clock is stopped: :func:`due_at` returns ``None`` and the caller
  recomputes on resume.  If it began at or after the deadline the ticket is
  already late and the (past) due is returned.
* A year the calendar does not know is counted Mon-Fri only; nothing
  raises.  :meth:`BusinessCalendar.knows` lets the caller warn the admin.
* Bad input (naive datetimes, unknown kind, non-positive amount, a pause
  ending before it starts, unsorted windows) raises ValueError.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "BUSINESS",
    "CLOCK",
    "KINDS",
    "WORKING_DAYS",
    "BusinessCalendar",
    "Pause",
    "Target",
    "WorkingHours",
    "due_at",
    "elapsed",
    "is_breached",
]

CLOCK = "clock"
BUSINESS = "business"
WORKING_DAYS = "working_days"
KINDS = (CLOCK, BUSINESS, WORKING_DAYS)

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)


def _require_aware(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are working days (工作日), statutory holidays and 调休 included.

    ``workdays`` wins over ``holidays``: an adjusted working day is never a
    holiday in the published schedule, and if data ever says both, staff
    being at work is the safer assumption for deadlines.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    known_years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        # Callers hand over sets or query results; freeze them so the
        # calendar stays hashable and cannot change under a computation.
        for name in ("holidays", "workdays", "known_years"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    def is_working_day(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def knows(self, year: int) -> bool:
        """False when the year's schedule is not loaded: the answer then is Mon-Fri only."""
        return year in self.known_years


@dataclass(frozen=True)
class WorkingHours:
    """Daily working windows in local time; the gap between them is the lunch break."""

    windows: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13, 30), time(18)))
    tz: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        windows = tuple((start, end) for start, end in self.windows)
        if not windows:
            raise ValueError("working hours need at least one window")
        previous_end: time | None = None
        for start, end in windows:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("window times are local wall times and must be naive")
            if not start < end:
                raise ValueError(f"window {start}-{end} must end after it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("windows must be sorted and must not overlap")
            previous_end = end
        object.__setattr__(self, "windows", windows)
        ZoneInfo(self.tz)  # fail early on a misspelt zone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


@dataclass(frozen=True)
class Target:
    """One SLA promise: ``amount`` minutes (clock, business) or working days."""

    name: str
    amount: int
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}; expected one of {KINDS}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError("target amount must be an int")
        if self.amount <= 0:
            raise ValueError("target amount must be positive")


@dataclass(frozen=True)
class Pause:
    """A stretch during which the SLA clock is stopped; ``end=None`` means still paused."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        start = _require_aware(self.start, "pause start")
        if self.end is not None and _require_aware(self.end, "pause end") < start:
            raise ValueError("a pause cannot end before it starts")


# -- internals ---------------------------------------------------------------

_Interval = tuple[datetime, datetime]


def _closed_pauses(pauses: Sequence[Pause], start: datetime,
                   cap: datetime | None = None) -> list[_Interval]:
    """Merged, sorted UTC intervals of the pauses after ``start``.

    Open pauses are closed at ``cap`` when given (measuring up to now),
    otherwise left out (the caller deals with them).  Empty intervals are
    dropped: a pause resumed at once changes nothing.
    """
    raw: list[_Interval] = []
    for pause in pauses:
        p_start = pause.start.astimezone(UTC)
        if pause.end is None:
            if cap is None:
                continue
            p_end = cap
        else:
            p_end = pause.end.astimezone(UTC)
        p_start = max(p_start, start)
        if cap is not None:
            p_end = min(p_end, cap)
        if p_end > p_start:
            raw.append((p_start, p_end))
    raw.sort()
    merged: list[_Interval] = []
    for p_start, p_end in raw:
        if merged and p_start <= merged[-1][1]:
            if p_end > merged[-1][1]:
                merged[-1] = (merged[-1][0], p_end)
        else:
            merged.append((p_start, p_end))
    return merged


def _open_pause_start(pauses: Sequence[Pause]) -> datetime | None:
    starts = [p.start.astimezone(UTC) for p in pauses if p.end is None]
    return min(starts) if starts else None


def _local(d: date, t: time, hours: WorkingHours) -> datetime:
    return datetime.combine(d, t, tzinfo=hours.zone).astimezone(UTC)


def _business_windows(start: datetime, calendar: BusinessCalendar,
                      hours: WorkingHours) -> Iterator[_Interval]:
    """Endless UTC business windows from ``start`` on, the first one clipped to it."""
    day = start.astimezone(hours.zone).date()
    while True:
        if calendar.is_working_day(day):
            for w_start, w_end in hours.windows:
                a, b = _local(day, w_start, hours), _local(day, w_end, hours)
                a = max(a, start)
                if b > a:
                    yield a, b
        day += _ONE_DAY


def _minus(a: datetime, b: datetime, paused: list[_Interval]) -> Iterator[_Interval]:
    """The parts of [a, b) not covered by the (sorted, merged) pauses."""
    cursor = a
    for p_start, p_end in paused:
        if p_end <= cursor:
            continue
        if p_start >= b:
            break
        if p_start > cursor:
            yield cursor, p_start
        cursor = max(cursor, p_end)
        if cursor >= b:
            return
    if cursor < b:
        yield cursor, b


def _counting(start: datetime, calendar: BusinessCalendar, hours: WorkingHours,
              paused: list[_Interval]) -> Iterator[_Interval]:
    """Business time that counts: the windows from ``start`` minus the pauses."""
    for a, b in _business_windows(start, calendar, hours):
        yield from _minus(a, b, paused)


def _walk_business(start: datetime, amount: timedelta, calendar: BusinessCalendar,
                   hours: WorkingHours, paused: list[_Interval]) -> datetime:
    """Earliest instant by which ``amount`` of unpaused business time has passed."""
    remaining = amount
    for a, b in _counting(start, calendar, hours, paused):
        if remaining <= b - a:
            return a + remaining
        remaining -= b - a
    raise AssertionError("unreachable: business windows never run out")


def _measure_business(start: datetime, until: datetime, calendar: BusinessCalendar,
                      hours: WorkingHours, paused: list[_Interval]) -> timedelta:
    total = _ZERO
    if until <= start:
        return total
    for a, b in _counting(start, calendar, hours, paused):
        if a >= until:
            break
        total += min(b, until) - a
    return total


def _clock_due(start: datetime, amount: timedelta, paused: list[_Interval]) -> datetime:
    """Earliest instant by which ``amount`` of unpaused wall time has passed."""
    cursor, remaining = start, amount
    for p_start, p_end in paused:
        if p_start >= cursor + remaining:
            break
        remaining -= p_start - cursor
        cursor = p_end
    return cursor + remaining


def _working_days_due(start: datetime, days: int, calendar: BusinessCalendar,
                      hours: WorkingHours) -> datetime:
    """The Nth working day after the start's local day, at the start's time of day.

    The time of day is the start's own when it lies in a window (ends
    included) of a working day.  Otherwise it is the business-time position
    of the start, written on the due day, so that a later start never gets
    an earlier deadline:

    * after the last window: the end of the last window (close of business);
    * before the first window or in the lunch gap: the next window opening
      that day (08:00 behaves like 09:00, 12:30 like 13:30), because the
      rule "the end of the last window" would give an 08:59 ticket a later
      deadline than a 09:00 one;
    * on a rest day: the end of the last window, like a start after hours on
      the working day before it (a Saturday ticket is due when a Friday
      evening ticket is, not earlier).
    """
    local = start.astimezone(hours.zone)
    start_day, start_time = local.date(), local.time()
    last_end = hours.windows[-1][1]
    if not calendar.is_working_day(start_day):
        time_of_day = last_end
    elif any(w_start <= start_time <= w_end for w_start, w_end in hours.windows):
        time_of_day = start_time
    elif start_time > last_end:
        time_of_day = last_end
    else:
        time_of_day = next(w_start for w_start, _ in hours.windows if w_start > start_time)
    day, counted = start_day, 0
    while counted < days:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            counted += 1
    return _local(day, time_of_day, hours)


def _due_ignoring_open(start: datetime, target: Target, paused: list[_Interval],
                       calendar: BusinessCalendar, hours: WorkingHours) -> datetime:
    if target.kind == CLOCK:
        return _clock_due(start, timedelta(minutes=target.amount), paused)
    if target.kind == BUSINESS:
        return _walk_business(start, timedelta(minutes=target.amount), calendar, hours, paused)
    plain = _working_days_due(start, target.amount, calendar, hours)
    covered = (_measure_business(start, plain, calendar, hours, [])
               - _measure_business(start, plain, calendar, hours, paused))
    if covered <= _ZERO:
        return plain
    return _walk_business(plain, covered, calendar, hours, paused)


# -- public API ---------------------------------------------------------------


def due_at(*, start: datetime, target: Target, pauses: Sequence[Pause] = (),
           calendar: BusinessCalendar, hours: WorkingHours) -> datetime | None:
    """When ``target`` falls due for a ticket opened at ``start`` (UTC), or None while paused."""
    start = _require_aware(start, "start")
    paused = _closed_pauses(pauses, start)
    due = _due_ignoring_open(start, target, paused, calendar, hours)
    open_since = _open_pause_start(pauses)
    if open_since is not None and open_since < due:
        return None
    return due


def elapsed(*, start: datetime, until: datetime, target_kind: str, pauses: Sequence[Pause] = (),
            calendar: BusinessCalendar, hours: WorkingHours) -> timedelta:
    """SLA time consumed between ``start`` and ``until`` (for progress bars and reports).

    ``clock`` counts wall time, ``business`` and ``working_days`` count
    business time (the currency the working-day pause rule uses); paused
    time never counts, and an open pause runs up to ``until``.
    """
    if target_kind not in KINDS:
        raise ValueError(f"unknown target kind {target_kind!r}; expected one of {KINDS}")
    start = _require_aware(start, "start")
    until = _require_aware(until, "until")
    if until <= start:
        return _ZERO
    paused = _closed_pauses(pauses, start, cap=until)
    if target_kind == CLOCK:
        return (until - start) - sum((b - a for a, b in paused), _ZERO)
    return _measure_business(start, until, calendar, hours, paused)


def is_breached(*, due: datetime | None, met_at: datetime | None, now: datetime) -> bool:
    """Late if met after the due, or not met and now is past it; the due instant itself is on time.

    ``due=None`` (clock stopped, or no target) is never a breach.
    """
    if due is None:
        return False
    due = _require_aware(due, "due")
    if met_at is not None:
        return _require_aware(met_at, "met_at") > due
    return _require_aware(now, "now") > due
