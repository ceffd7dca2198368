"""SLA clocks on real tickets, frozen time: each target, a pause, working days across a
statutory holiday and an adjusted working day (调休), a breach, the next-hour query."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersales.tickets import selectors
from aftersales.tickets.models import BusinessDay, CalendarYear, SLATarget, Ticket
from tests.conftest import ApiClient

from .conftest import act

SH = ZoneInfo("Asia/Shanghai")


def sh(*args):
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(("priority", "hours"), [("urgent", 6), ("high", 24), ("normal", 48),
                                                 ("low", 72)])
def test_onsite_target_by_priority(make_ticket, priority, hours):
    # given a ticket opened on a Sunday evening (clock targets ignore the calendar)
    with time_machine.travel(sh(2026, 11, 22, 20, 0), tick=False):
        ticket = make_ticket(priority=priority)
    # then
    assert ticket.respond_due == sh(2026, 11, 22, 20, 10)
    assert ticket.onsite_due == sh(2026, 11, 22, 20, 0) + timedelta(hours=hours)
    assert ticket.resolve_due is None  # starts when on-site support starts
    assert ticket.escalate_due is None  # phone support only


def test_resolve_is_48_hours_after_on_site_support_starts(make_ticket, hotline_api, tech_api,
                                                           tech):
    with time_machine.travel(sh(2026, 11, 23, 9, 0), tick=False) as clock:
        ticket = make_ticket()
        act(hotline_api, ticket, "assign", engineer=tech.pk)
        clock.move_to(sh(2026, 11, 23, 15, 30))
        body = act(tech_api, ticket, "arrive").json()
    assert body["sla"]["resolve_by"] == "2026-11-25T15:30:00+08:00"


def test_phone_support_escalation_after_4_hours(make_ticket):
    with time_machine.travel(sh(2026, 11, 23, 9, 0), tick=False):
        ticket = make_ticket(mode="remote")
    assert ticket.escalate_due == sh(2026, 11, 23, 13, 0)
    assert ticket.onsite_due is None


def _bench_repair_approved_at(make_ticket, hotline, boss, moment):
    """A send-in repair whose quote is approved (repair starts) at `moment`."""
    from aftersales.catalog.models import FaultCode
    FaultCode.objects.get_or_create(code="F-BAT", defaults={"name": "电池"})
    with time_machine.travel(moment - timedelta(hours=1), tick=False):
        hotline_api, boss_api = ApiClient(hotline), ApiClient(boss)  # tokens valid then
        ticket = make_ticket(mode="send_in")
        act(hotline_api, ticket, "receive", condition="外观完好", accessories=["充电器"])
        act(boss_api, ticket, "diagnose", fault_code="F-BAT")
    with time_machine.travel(moment, tick=False):
        body = act(boss_api, ticket, "quote",
                   lines=[{"kind": "labour", "description": "更换电池", "qty": 1,
                           "unit_price": "80.00"}]).json()
        assert body["status"] == "awaiting_approval"
        return act(hotline_api, ticket, "approve_quote").json()


def test_bench_repair_three_working_days_across_national_day(make_ticket, hotline, boss):
    # given approval on Tuesday 29 Sep 2026 at 10:00; 1-7 Oct are statutory holidays
    body = _bench_repair_approved_at(make_ticket, hotline, boss, sh(2026, 9, 29, 10, 0))
    # then: 30 Sep (1), holidays skipped, 8 Oct (2), 9 Oct (3)
    assert body["sla"]["resolve_by"] == "2026-10-09T10:00:00+08:00"


def test_bench_repair_counts_an_adjusted_saturday(make_ticket, hotline, boss):
    # given 10 Oct 2026 is a Saturday worked in exchange for the holiday (调休)
    assert BusinessDay.objects.get(day="2026-10-10").kind == "workday"
    body = _bench_repair_approved_at(make_ticket, hotline, boss, sh(2026, 10, 8, 10, 0))
    # then: 9 Oct (1), Sat 10 Oct (2), Mon 12 Oct (3)
    assert body["sla"]["resolve_by"] == "2026-10-12T10:00:00+08:00"


def test_a_year_without_calendar_data_counts_weekends_only(make_ticket, hotline, boss, caplog):
    # given 2027 is not loaded (chinese-calendar knows up to 2026)
    assert not CalendarYear.objects.filter(year=2027).exists()
    from aftersales.tickets import clocks
    clocks._warned_years.discard(2027)
    # when a bench repair starts on Thursday 30 Sep 2027, before China's National Day
    body = _bench_repair_approved_at(make_ticket, hotline, boss, sh(2027, 9, 30, 10, 0))
    # then Friday 1 Oct counts as a working day and nothing fails; the admin is warned
    assert body["sla"]["resolve_by"] == "2027-10-05T10:00:00+08:00"
    assert "no data for 2027" in caplog.text


def test_an_admin_entered_holiday_moves_the_deadline(make_ticket, hotline, boss):
    # given the admin enters 2027's National Day
    CalendarYear.objects.create(year=2027)
    for day in range(1, 8):
        BusinessDay.objects.create(day=f"2027-10-0{day}", kind="holiday", name="国庆节")
    body = _bench_repair_approved_at(make_ticket, hotline, boss, sh(2027, 9, 30, 10, 0))
    # then: 1-7 Oct skipped: 8 (1), 11 (2), 12 (3)
    assert body["sla"]["resolve_by"] == "2027-10-12T10:00:00+08:00"


def test_a_pause_extends_the_deadline_by_the_paused_time(make_ticket, hotline_api, tech):
    # given an urgent ticket at 10:00, on site due 16:00
    with time_machine.travel(sh(2026, 11, 23, 10, 0), tick=False) as clock:
        ticket = make_ticket(priority="urgent")
        act(hotline_api, ticket, "assign", engineer=tech.pk)
        # when it waits for parts from 11:00 to 12:30
        clock.move_to(sh(2026, 11, 23, 11, 0))
        held = act(hotline_api, ticket, "hold", reason="parts").json()
        clock.move_to(sh(2026, 11, 23, 12, 30))
        resumed = act(hotline_api, ticket, "resume").json()
    # then
    assert held["sla"]["onsite_by"] is None
    # the engineer's promised call-back (5 min) is the earliest clock not met
    assert Ticket.objects.get(pk=ticket.pk).sla_next_due == sh(2026, 11, 23, 10, 5)
    assert resumed["sla"]["onsite_by"] == "2026-11-23T17:30:00+08:00"
    assert resumed["sla"]["respond_by"] == "2026-11-23T10:10:00+08:00"  # breached before


def test_a_breach_is_reported_and_sticks(make_ticket, hotline_api):
    # given a ticket at 10:00 not answered in 10 minutes
    with time_machine.travel(sh(2026, 11, 23, 10, 0), tick=False) as clock:
        ticket = make_ticket()
        clock.move_to(sh(2026, 11, 23, 10, 10))
        on_time = hotline_api.get(f"/tickets/{ticket.pk}").json()["sla"]["respond"]
        clock.move_to(sh(2026, 11, 23, 10, 11))
        late = hotline_api.get(f"/tickets/{ticket.pk}").json()["sla"]["respond"]
        listed = hotline_api.get("/tickets", {"breached": "true"}).json()["items"]
        # when it is answered late
        answered = act(hotline_api, ticket, "respond").json()
    # then
    assert on_time["breached"] is False  # the due instant itself is on time
    assert late["breached"] is True
    assert [t["id"] for t in listed] == [ticket.pk]
    assert answered["sla"]["respond"] == {"due": "2026-11-23T10:10:00+08:00",
                                          "met_at": "2026-11-23T10:11:00+08:00",
                                          "breached": True, "paused": False}
    assert Ticket.objects.get(pk=ticket.pk).sla_breached is True
    # both clocks the late response met are recorded as breached: the 10-minute response
    # and the engineer's call-back promised within 5 minutes
    breaches = [(e["by"], e["data"]) for e in answered["events"] if e["action"] == "sla_breach"]
    assert breaches == [
        (None, {"target": "respond", "due": "2026-11-23T02:10:00+00:00"}),
        (None, {"target": "contact", "due": "2026-11-23T02:05:00+00:00"})]


def test_breaching_in_the_next_hour_is_one_query(make_ticket, hotline_api,
                                                 django_assert_num_queries):
    # given a ticket due at 10:10 and another responded to
    with time_machine.travel(sh(2026, 11, 23, 10, 0), tick=False):
        due_soon = make_ticket()
        answered = make_ticket()
        act(hotline_api, answered, "respond")
        # when / then: the respond target of `answered` is met; its on-site one is 2 days off
        with django_assert_num_queries(1):
            found = list(selectors.due_within(until=sh(2026, 11, 23, 11, 0)))
    assert [t.pk for t in found] == [due_soon.pk]


def test_sla_targets_are_rows_the_admin_edits(make_ticket):
    # given the admin shortens the urgent on-site target to 4 hours
    SLATarget.objects.filter(name="onsite", priority="urgent").update(amount=240)
    with time_machine.travel(sh(2026, 11, 23, 10, 0), tick=False):
        ticket = make_ticket(priority="urgent")
    assert ticket.onsite_due == sh(2026, 11, 23, 14, 0)


def test_service_point_hours_with_a_lunch_break(make_ticket, point):
    # given the point works 08:30-11:30 and 14:00-17:00, and the admin makes the urgent
    # on-site target 4 business hours
    from datetime import time

    from aftersales.tickets.models import WorkingWindow
    WorkingWindow.objects.create(service_point=point, starts=time(8, 30), ends=time(11, 30))
    WorkingWindow.objects.create(service_point=point, starts=time(14), ends=time(17))
    SLATarget.objects.filter(name="onsite", priority="urgent").update(amount=240,
                                                                        unit="business")
    # when a ticket comes in at 10:00 on a Friday
    with time_machine.travel(sh(2026, 11, 27, 10, 0), tick=False):
        ticket = make_ticket(priority="urgent")
    # then 1.5 h before lunch, 2.5 h after: 16:30; the 10-minute respond clock ignores hours
    assert ticket.onsite_due == sh(2026, 11, 27, 16, 30)
    assert ticket.respond_due == sh(2026, 11, 27, 10, 10)
    # and one at 16:00 runs over the weekend to Monday 11:30
    with time_machine.travel(sh(2026, 11, 27, 16, 0), tick=False):
        late = make_ticket(priority="urgent")
    assert late.onsite_due == sh(2026, 11, 30, 11, 30)
