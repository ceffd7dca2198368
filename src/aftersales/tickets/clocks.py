"""The SLA clocks of a ticket: build the pure engine's inputs from the rule tables, store
the due and met times on the ticket. The arithmetic lives in sla.py, only there."""
from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from . import sla
from .models import BusinessDay, CalendarYear, SLATarget, Ticket, TicketPause, WorkingWindow
from .workflow import FINAL

log = logging.getLogger(__name__)

TARGETS = ("respond", "onsite", "resolve", "escalate", "contact", "reply", "answer")
_warned_years: set[int] = set()


def load_calendar(*, years: range) -> sla.BusinessCalendar:
    """The statutory calendar for `years`; a year without data counts Mon-Fri only."""
    rows = BusinessDay.objects.filter(day__year__gte=years.start, day__year__lt=years.stop)
    known = set(CalendarYear.objects.filter(year__in=list(years)).values_list("year",
                                                                                 flat=True))
    holidays, workdays = set(), set()
    for day, kind in rows.values_list("day", "kind"):
        (holidays if kind == BusinessDay.Kind.HOLIDAY else workdays).add(day)
    return sla.BusinessCalendar(holidays=holidays, workdays=workdays, known_years=known)


def warn_unknown(calendar: sla.BusinessCalendar, *moments: datetime | None) -> None:
    """Log once per process and year when a deadline was counted without that year's
    schedule (weekends only): the admin must enter it (never fail a request for it)."""
    for moment in moments:
        if moment is None:
            continue
        year = timezone.localtime(moment).year
        if not calendar.knows(year) and year not in _warned_years:
            _warned_years.add(year)
            log.warning("Business calendar has no data for %s: counting weekends only. "
                        "Enter the State Council schedule in the admin.", year)


def missing_years(*, years: range) -> list[int]:
    known = set(CalendarYear.objects.filter(year__in=list(years)).values_list("year",
                                                                                 flat=True))
    return [year for year in years if year not in known]


def working_hours(*, service_point_id: int | None) -> sla.WorkingHours:
    rows = list(WorkingWindow.objects.filter(service_point_id=service_point_id)
                .order_by("starts")) if service_point_id else []
    if not rows:
        rows = list(WorkingWindow.objects.filter(service_point__isnull=True).order_by("starts"))
    if not rows:
        return sla.WorkingHours()
    return sla.WorkingHours(windows=tuple((r.starts, r.ends) for r in rows))


def targets_for(ticket: Ticket) -> dict[str, SLATarget]:
    """The most specific active row per target name (blank fields match anything)."""
    rows = list(SLATarget.objects.filter(
        Q(priority="") | Q(priority=ticket.priority), Q(mode="") | Q(mode=ticket.mode),
        Q(kind="") | Q(kind=ticket.kind), Q(channel="") | Q(channel=ticket.channel),
        active=True))
    # kept for promised_minutes(ticket=): the rows a promise depends on are among these
    # (blank fields match any ticket), so intake's SMS needs no second read
    ticket._sla_rows = rows
    return _most_specific(rows)


def _specificity(row: SLATarget) -> int:
    return bool(row.priority) + bool(row.mode) + bool(row.kind) + bool(row.channel)


def _most_specific(rows) -> dict[str, SLATarget]:
    best: dict[str, SLATarget] = {}
    for row in rows:
        current = best.get(row.name)
        if current is None or _specificity(row) > _specificity(current):
            best[row.name] = row
    return best


def promised_minutes(*, channel: str = "", name: str = SLATarget.Name.CONTACT,
                     ticket: Ticket | None = None) -> int | None:
    """The figure a customer is promised at intake for a request by `channel` (the
    engineer's call-back by default), from the configured rows that depend on nothing
    else; None when no such clock-minute row is active. With `ticket` (whose clocks were
    just computed) the rows already read for it are used and `channel` is the ticket's."""
    loaded = getattr(ticket, "_sla_rows", None) if ticket is not None else None
    if loaded is None:
        if ticket is not None:
            channel = ticket.channel
        rows = SLATarget.objects.filter(Q(channel="") | Q(channel=channel), name=name,
                                        priority="", mode="", kind="", active=True,
                                        unit=SLATarget.Unit.CLOCK)
    else:
        rows = [row for row in loaded
                if row.name == name and not (row.priority or row.mode or row.kind)
                and row.channel in ("", ticket.channel) and row.active
                and row.unit == SLATarget.Unit.CLOCK]
    row = _most_specific(rows).get(name)
    return row.amount if row is not None else None


def _start_of(ticket: Ticket, row: SLATarget) -> datetime | None:
    if row.starts_on == SLATarget.Start.ONSITE_START:
        return ticket.onsite_started_at
    if row.starts_on == SLATarget.Start.REPAIR_START:
        return ticket.repair_started_at
    return ticket.created_at


def met_times(ticket: Ticket) -> dict[str, datetime | None]:
    return {"respond": ticket.responded_at, "onsite": ticket.onsite_started_at,
            "resolve": ticket.resolved_at,
            "escalate": ticket.escalated_at or ticket.resolved_at,
            # the promised call-back: a recorded contact, or any response to the customer
            "contact": ticket.contacted_at or ticket.responded_at or ticket.resolved_at,
            "reply": ticket.replied_at or ticket.resolved_at,
            "answer": ticket.answered_at or ticket.resolved_at}


SLA_FIELDS = [f"{name}_{suffix}" for name in TARGETS for suffix in ("due", "met_at")] + [
    "sla_next_due", "sla_breached"]


def refresh(ticket: Ticket, *, now: datetime, new: bool = False) -> list[str]:
    """Recompute the stored due times of the targets not met yet; returns the fields set.
    `new`: the ticket was just opened, so it has no pauses to read."""
    rows = targets_for(ticket)
    pauses = [] if new else [sla.Pause(start=p.started_at, end=p.ended_at)
                             for p in TicketPause.objects.filter(ticket=ticket)]
    start_year = ticket.created_at.year
    calendar = load_calendar(years=range(start_year - 1, max(start_year, now.year) + 2))
    hours = working_hours(service_point_id=ticket.service_point_id)
    met = met_times(ticket)
    final = ticket.status in FINAL
    stopped_at = ticket.resolved_at or ticket.closed_at or now
    next_due = None
    breached = ticket.sla_breached
    for name in TARGETS:
        setattr(ticket, f"{name}_met_at", met[name])
        row = rows.get(name)
        due = getattr(ticket, f"{name}_due")
        if met[name] is None or due is None:
            start = _start_of(ticket, row) if row else None
            if start is None:
                due = None
            else:
                due = sla.due_at(start=start, target=sla.Target(name, row.amount, row.unit),
                                 pauses=pauses, calendar=calendar, hours=hours)
            setattr(ticket, f"{name}_due", due)
            if row is not None and row.unit != SLATarget.Unit.CLOCK:
                warn_unknown(calendar, start, due)
        if due is None:
            continue
        if met[name] is not None or final:
            breached = breached or sla.is_breached(due=due, met_at=met[name], now=stopped_at)
        else:
            next_due = due if next_due is None else min(next_due, due)
    ticket.sla_next_due = None if final else next_due
    ticket.sla_breached = breached
    return SLA_FIELDS


def target_view(ticket: Ticket, *, now: datetime) -> dict[str, dict]:
    """Each target with its due time, met time and whether it is breached."""
    met = met_times(ticket)
    paused = ticket.status == Ticket.Status.ON_HOLD
    final = ticket.status in FINAL
    stopped_at = ticket.resolved_at or ticket.closed_at or now
    out = {}
    for name in TARGETS:
        due = getattr(ticket, f"{name}_due")
        met_at = met[name]
        at = met_at or (stopped_at if final else now)
        out[name] = {"due": due, "met_at": met_at,
                     "breached": sla.is_breached(due=due, met_at=None, now=at),
                     "paused": paused and met_at is None and not final}
    return out
