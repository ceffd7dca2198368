"""SLA engine: exact examples plus hypothesis properties.  Pure: runs without Django."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.tickets.calendar_data import statutory_days
from aftersales.tickets.sla import (
    BusinessCalendar,
    Pause,
    Target,
    WorkingHours,
    due_at,
    elapsed,
    is_breached,
)

SH = ZoneInfo("Asia/Shanghai")
HOURS = WorkingHours()  # 09:00-12:00, 13:30-18:00 Asia/Shanghai


def sh(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SH)


def _calendar(*years):
    holidays, workdays = set(), set()
    for year in years:
        published = statutory_days(year)
        assert published is not None
        holidays |= set(published[0])
        workdays |= published[1]
    return BusinessCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays),
                            known_years=frozenset(years))


CAL = _calendar(2025, 2026)  # 2027 deliberately unknown


def due(start, target, pauses=(), calendar=CAL):
    return due_at(start=start, target=target, pauses=pauses, calendar=calendar, hours=HOURS)


# -- clock targets -------------------------------------------------------------


def test_respond_is_ten_clock_minutes_even_on_a_holiday_night():
    # given a hotline ticket at 23:55 on National Day
    start = sh(2026, 10, 1, 23, 55)
    # when
    result = due(start, Target("respond", 10, "clock"))
    # then
    assert result == sh(2026, 10, 2, 0, 5)
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        ("urgent", sh(2026, 10, 3, 2, 0)),
        ("high", sh(2026, 10, 3, 20, 0)),
        ("normal", sh(2026, 10, 4, 20, 0)),
        ("low", sh(2026, 10, 5, 20, 0)),
    ],
)
def test_onsite_clock_targets_by_priority(priority, expected):
    # given an on-site ticket opened at 20:00 on a holiday (clock ignores the calendar)
    start = sh(2026, 10, 2, 20, 0)
    hours = {"urgent": 6, "high": 24, "normal": 48, "low": 72}[priority]  # PRODUCT.md's seed
    onsite = Target("onsite", hours * 60, "clock")
    # when
    result = due(start, onsite)
    # then
    assert result == expected


# -- business targets ----------------------------------------------------------


def test_business_target_across_lunch_break():
    # given Monday 11:00, two business hours
    start = sh(2026, 3, 16, 11, 0)
    # when
    result = due(start, Target("respond", 120, "business"))
    # then one hour before lunch, one after 13:30
    assert result == sh(2026, 3, 16, 14, 30)


def test_business_target_overnight():
    # given Monday 16:00, four business hours
    start = sh(2026, 3, 16, 16, 0)
    # when
    result = due(start, Target("respond", 240, "business"))
    # then 2 h on Monday, 2 h on Tuesday morning
    assert result == sh(2026, 3, 17, 11, 0)


def test_business_target_overnight_and_across_lunch():
    # given Monday 17:00, five business hours
    start = sh(2026, 3, 16, 17, 0)
    # when
    result = due(start, Target("respond", 300, "business"))
    # then 1 h Monday, 3 h Tuesday morning, 1 h after lunch
    assert result == sh(2026, 3, 17, 14, 30)


def test_business_due_exactly_at_window_end_stays_there():
    # given Monday 17:00, four business hours
    start = sh(2026, 3, 16, 17, 0)
    # when
    result = due(start, Target("respond", 240, "business"))
    # then due at the lunch break start, not at 13:30
    assert result == sh(2026, 3, 17, 12, 0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2026, 3, 14, 10, 0), sh(2026, 3, 16, 9, 30)),  # Saturday
        (sh(2026, 3, 16, 7, 0), sh(2026, 3, 16, 9, 30)),  # before opening
        (sh(2026, 3, 16, 12, 15), sh(2026, 3, 16, 14, 0)),  # lunch break
        (sh(2026, 3, 16, 21, 0), sh(2026, 3, 17, 9, 30)),  # evening
        (sh(2026, 9, 30, 19, 0), sh(2026, 10, 8, 9, 30)),  # eve of National Day
    ],
)
def test_business_start_outside_hours_counts_from_next_opening(start, expected):
    # given a 30-minute business target / when
    result = due(start, Target("respond", 30, "business"))
    # then
    assert result == expected


# -- working-day targets ---------------------------------------------------------


def test_working_days_across_national_day_and_adjusted_saturday():
    # given Wednesday 2026-09-30 10:00; Oct 1-7 are holidays, Sat Oct 10 is a 调休 working day
    start = sh(2026, 9, 30, 10, 0)
    # when
    result = due(start, Target("resolve", 3, "working_days"))
    # then Thu Oct 8, Fri Oct 9, Sat Oct 10
    assert result == sh(2026, 10, 10, 10, 0)


def test_working_days_adjusted_sunday_counts():
    # given Friday 2026-09-18 15:00; Sunday 2026-09-20 is a 调休 working day
    start = sh(2026, 9, 18, 15, 0)
    # when
    result = due(start, Target("resolve", 1, "working_days"))
    # then
    assert result == sh(2026, 9, 20, 15, 0)


def test_working_days_skip_mid_autumn_holiday():
    # given Thursday 2026-09-24 10:00; Fri Sep 25 (中秋) and the weekend are off
    start = sh(2026, 9, 24, 10, 0)
    # when
    result = due(start, Target("resolve", 1, "working_days"))
    # then
    assert result == sh(2026, 9, 28, 10, 0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2026, 3, 16, 20, 0), sh(2026, 3, 17, 18, 0)),  # after hours -> close of business
        (sh(2026, 3, 16, 18, 0), sh(2026, 3, 17, 18, 0)),  # at closing: inside (end included)
        (sh(2026, 3, 16, 8, 0), sh(2026, 3, 17, 9, 0)),  # before opening -> opening
        (sh(2026, 3, 16, 12, 30), sh(2026, 3, 17, 13, 30)),  # lunch -> afternoon opening
        (sh(2026, 3, 14, 10, 0), sh(2026, 3, 16, 18, 0)),  # Saturday -> close of business
    ],
)
def test_working_days_start_outside_windows(start, expected):
    # given a 1-working-day target / when
    result = due(start, Target("resolve", 1, "working_days"))
    # then
    assert result == expected


# -- pauses --------------------------------------------------------------------------


def test_pause_extends_clock_due():
    # given a 6 h on-site target from 08:00, paused 09:00-10:30
    start = sh(2026, 3, 16, 8, 0)
    pauses = [Pause(sh(2026, 3, 16, 9, 0), sh(2026, 3, 16, 10, 30))]
    # when
    result = due(start, Target("onsite", 360, "clock"), pauses)
    # then
    assert result == sh(2026, 3, 16, 15, 30)


def test_overlapping_pauses_are_merged_and_parts_before_start_ignored():
    # given a 6 h target from 08:00, pauses 07:00-08:30, 09:00-10:00 and 09:30-11:00
    start = sh(2026, 3, 16, 8, 0)
    pauses = [
        Pause(sh(2026, 3, 16, 7, 0), sh(2026, 3, 16, 8, 30)),
        Pause(sh(2026, 3, 16, 9, 0), sh(2026, 3, 16, 10, 0)),
        Pause(sh(2026, 3, 16, 9, 30), sh(2026, 3, 16, 11, 0)),
    ]
    # when
    result = due(start, Target("onsite", 360, "clock"), pauses)
    # then 30 min + 2 h paused
    assert result == sh(2026, 3, 16, 16, 30)


def test_pause_after_deadline_does_not_move_it():
    # given a 6 h target from 08:00, paused only after it fell due
    start = sh(2026, 3, 16, 8, 0)
    pauses = [Pause(sh(2026, 3, 16, 15, 0), sh(2026, 3, 16, 16, 0))]
    # when
    result = due(start, Target("onsite", 360, "clock"), pauses)
    # then
    assert result == sh(2026, 3, 16, 14, 0)


def test_pause_extends_business_due():
    # given Monday 09:00, two business hours, paused 10:00-10:30
    start = sh(2026, 3, 16, 9, 0)
    pauses = [Pause(sh(2026, 3, 16, 10, 0), sh(2026, 3, 16, 10, 30))]
    # when
    result = due(start, Target("respond", 120, "business"), pauses)
    # then
    assert result == sh(2026, 3, 16, 11, 30)


def test_pause_over_lunch_counts_only_business_minutes():
    # given Monday 11:00, two business hours, paused 11:30-14:00 (covers 1 h of business time)
    start = sh(2026, 3, 16, 11, 0)
    pauses = [Pause(sh(2026, 3, 16, 11, 30), sh(2026, 3, 16, 14, 0))]
    # when
    result = due(start, Target("respond", 120, "business"), pauses)
    # then 30 min before the pause, 90 min after it
    assert result == sh(2026, 3, 16, 15, 30)


def test_pause_extends_working_days_due_by_the_business_time_it_covered():
    # given Monday 10:00, 1 working day, paused 11:00-14:30 (2 h of business time)
    start = sh(2026, 3, 16, 10, 0)
    pauses = [Pause(sh(2026, 3, 16, 11, 0), sh(2026, 3, 16, 14, 30))]
    # when
    result = due(start, Target("resolve", 1, "working_days"), pauses)
    # then Tuesday 10:00 pushed by 2 business hours
    assert result == sh(2026, 3, 17, 12, 0)


def test_overnight_pause_does_not_move_working_days_due():
    # given Monday 10:00, 1 working day, paused overnight only
    start = sh(2026, 3, 16, 10, 0)
    pauses = [Pause(sh(2026, 3, 16, 18, 30), sh(2026, 3, 17, 8, 0))]
    # when
    result = due(start, Target("resolve", 1, "working_days"), pauses)
    # then
    assert result == sh(2026, 3, 17, 10, 0)


def test_open_pause_stops_the_clock():
    # given a 6 h target with a pause still open
    start = sh(2026, 3, 16, 8, 0)
    pauses = [Pause(sh(2026, 3, 16, 9, 0), None)]
    # when
    result = due(start, Target("onsite", 360, "clock"), pauses)
    # then
    assert result is None


def test_open_pause_after_breach_keeps_the_past_due():
    # given a 6 h target paused only after it fell due (14:00)
    start = sh(2026, 3, 16, 8, 0)
    pauses = [Pause(sh(2026, 3, 16, 15, 0), None)]
    # when
    result = due(start, Target("onsite", 360, "clock"), pauses)
    # then
    assert result == sh(2026, 3, 16, 14, 0)


def test_elapsed_skips_pauses_and_closes_an_open_one_at_until():
    # given Monday 09:00 with a closed pause 10:00-10:30 and an open one from 15:00
    start = sh(2026, 3, 16, 9, 0)
    pauses = [Pause(sh(2026, 3, 16, 10, 0), sh(2026, 3, 16, 10, 30)),
              Pause(sh(2026, 3, 16, 15, 0), None)]
    until = sh(2026, 3, 16, 20, 0)
    # when
    clock = elapsed(start=start, until=until, target_kind="clock", pauses=pauses,
                    calendar=CAL, hours=HOURS)
    business = elapsed(start=start, until=until, target_kind="business", pauses=pauses,
                       calendar=CAL, hours=HOURS)
    # then clock 9:00-15:00 minus 30 min; business 2.5 h + 1.5 h
    assert clock == timedelta(hours=5, minutes=30)
    assert business == timedelta(hours=4)


# -- breach ------------------------------------------------------------------------------


def test_breach():
    # given a due at 10:00
    deadline = sh(2026, 3, 16, 10, 0)
    # when / then
    assert is_breached(due=deadline, met_at=sh(2026, 3, 16, 9, 59), now=sh(2026, 3, 17)) is False
    assert is_breached(due=deadline, met_at=deadline, now=sh(2026, 3, 17)) is False
    assert is_breached(due=deadline, met_at=sh(2026, 3, 16, 10, 1), now=sh(2026, 3, 16, 10, 1))
    assert is_breached(due=deadline, met_at=None, now=sh(2026, 3, 16, 10, 0, 1)) is True
    assert is_breached(due=deadline, met_at=None, now=sh(2026, 3, 16, 9, 0)) is False
    assert is_breached(due=None, met_at=None, now=sh(2030, 1, 1)) is False


# -- calendar --------------------------------------------------------------------------------


def test_unknown_year_counts_weekdays_only():
    # given a calendar that knows 2025-2026 only
    assert not CAL.knows(2027)
    assert CAL.knows(2026)
    start = sh(2027, 9, 30, 10, 0)  # Thursday
    # when
    result = due(start, Target("resolve", 3, "working_days"))
    # then Fri Oct 1 counts (no schedule loaded), the weekend does not
    assert result == sh(2027, 10, 5, 10, 0)
    assert CAL.is_working_day(date(2027, 10, 1))
    assert not CAL.is_working_day(date(2027, 10, 2))


def test_statutory_days_2026_has_national_day_and_adjusted_days():
    # given / when
    published = statutory_days(2026)
    # then
    assert published is not None
    holidays, workdays = published
    assert holidays[date(2026, 10, 1)] == "National Day"
    assert {date(2026, 10, d) for d in range(1, 8)} <= set(holidays)
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= workdays
    assert all(d.weekday() >= 5 and d.year == 2026 for d in workdays)
    assert all(d.year == 2026 for d in holidays)


@pytest.mark.parametrize("year", [2003, 2027, 2030, 0, 10000])
def test_statutory_days_unknown_year_is_none(year):
    # given / when / then
    assert statutory_days(year) is None


def test_bad_input_raises_value_error():
    # given / when / then
    with pytest.raises(ValueError):
        due(datetime(2026, 3, 16, 9, 0), Target("respond", 10, "clock"))
    with pytest.raises(ValueError):
        Target("respond", 10, "fortnightly")
    with pytest.raises(ValueError):
        Target("respond", 0, "clock")
    with pytest.raises(ValueError):
        Pause(sh(2026, 3, 16, 10, 0), sh(2026, 3, 16, 9, 0))
    with pytest.raises(ValueError):
        WorkingHours(windows=((time(13), time(18)), (time(9), time(12))))


# -- properties ----------------------------------------------------------------------------------

BASE = datetime(2025, 12, 1, tzinfo=UTC)
PROPS = settings(max_examples=200, deadline=None)

starts = st.integers(0, 500 * 86400).map(lambda s: BASE + timedelta(seconds=s))
targets = st.one_of(
    st.integers(1, 6 * 24 * 60).map(lambda a: Target("t", a, "clock")),
    st.integers(1, 5 * 450).map(lambda a: Target("t", a, "business")),
    st.integers(1, 10).map(lambda a: Target("t", a, "working_days")),
)
# (offset from start, length) in seconds; offsets may be negative (pause begins before start)
pause_specs = st.tuples(st.integers(-2 * 86400, 10 * 86400), st.integers(0, 3 * 86400))


def _pauses(start, specs):
    return [Pause(start + timedelta(seconds=o), start + timedelta(seconds=o + n)) for o, n in specs]


@PROPS
@given(start=starts, target=targets, base=st.lists(pause_specs, max_size=3), extra=pause_specs)
def test_prop_pause_never_shortens_deadline(start, target, base, extra):
    # given
    pauses = _pauses(start, base)
    # when
    without = due(start, target, pauses)
    with_extra = due(start, target, pauses + _pauses(start, [extra]))
    # then
    assert with_extra >= without


@PROPS
@given(start=starts, target=targets, base=st.lists(pause_specs, max_size=3),
       at=st.integers(-86400, 10 * 86400))
def test_prop_zero_length_pause_changes_nothing(start, target, base, at):
    # given
    pauses = _pauses(start, base)
    instant = start + timedelta(seconds=at)
    # when / then
    assert due(start, target, pauses + [Pause(instant, instant)]) == due(start, target, pauses)


@PROPS
@given(start=starts, later=st.integers(0, 20 * 86400), target=targets,
       specs=st.lists(pause_specs, max_size=3))
def test_prop_deadline_monotone_in_start(start, later, target, specs):
    # given the same pauses for both tickets
    pauses = _pauses(start, specs)
    second = start + timedelta(seconds=later)
    # when / then
    assert due(start, target, pauses) <= due(second, target, pauses)


@PROPS
@given(start=starts, amount=st.integers(1, 72 * 60), where=st.floats(0, 1, exclude_max=True),
       length=st.integers(0, 3 * 86400))
def test_prop_clock_due_is_amount_plus_pause_inside_period(start, amount, where, length):
    # given a pause that begins inside the counting period
    p_start = start + timedelta(seconds=int(amount * 60 * where))
    pause = Pause(p_start, p_start + timedelta(seconds=length))
    # when
    result = due(start, Target("t", amount, "clock"), [pause])
    # then
    assert result - start == timedelta(minutes=amount, seconds=length)


@PROPS
@given(start=starts, amount=st.integers(1, 5 * 450), specs=st.lists(pause_specs, max_size=3))
def test_prop_business_due_inside_a_window_on_a_working_day(start, amount, specs):
    # given / when
    result = due(start, Target("t", amount, "business"), _pauses(start, specs))
    # then
    local = result.astimezone(SH)
    assert CAL.is_working_day(local.date())
    assert any(a < local.time() <= b for a, b in HOURS.windows)


@PROPS
@given(start=starts, target=targets, specs=st.lists(pause_specs, max_size=3))
def test_prop_working_days_due_inside_a_window_too(start, target, specs):
    # given / when
    result = due(start, target, _pauses(start, specs))
    # then
    if target.kind == "working_days":
        local = result.astimezone(SH)
        assert CAL.is_working_day(local.date())
        assert any(a <= local.time() <= b for a, b in HOURS.windows)
    assert result > start


@PROPS
@given(start=starts, target=targets, specs=st.lists(pause_specs, max_size=3))
def test_prop_elapsed_until_due_equals_amount(start, target, specs):
    # given
    pauses = _pauses(start, specs)
    # when
    result = due(start, target, pauses)
    spent = elapsed(start=start, until=result, target_kind=target.kind, pauses=pauses,
                    calendar=CAL, hours=HOURS)
    # then the minute kinds consume exactly their budget
    if target.kind != "working_days":
        assert spent == timedelta(minutes=target.amount)
