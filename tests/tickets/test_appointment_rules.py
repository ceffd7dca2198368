"""An appointment is refused by the schedule service itself, whoever asks (the API, the
ticket page, the dispatch board): in the past, further ahead than 90 days, or outside the
serving point's working days and hours. 422 with its own code on field `at`; a refusal
changes nothing."""
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.test import Client

from aftersales.notifications.models import Outbox
from aftersales.tickets import appointments
from aftersales.tickets.models import BusinessDay, Ticket, TicketEvent, Visit, WorkingWindow
from aftersales.tickets.sla import BusinessCalendar, WorkingHours

from .conftest import act, error_code

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (ticket.status, ticket.version, ticket.engineer_id,
            TicketEvent.objects.filter(ticket=ticket).count(),
            list(Visit.objects.filter(ticket=ticket).values_list("scheduled_at", flat=True)),
            Outbox.objects.filter(ticket=ticket).count())


@pytest.fixture
def assigned(make_ticket, hotline_api, tech):
    ticket = make_ticket()
    assert act(hotline_api, ticket, "assign", engineer=tech.pk).status_code == 200
    return ticket


# -- the rule (pure) ------------------------------------------------------------------------

HOURS = WorkingHours()  # 09:00–12:00, 13:30–18:00
CALENDAR = BusinessCalendar(holidays=frozenset({date(2026, 12, 1)}),
                            workdays=frozenset({date(2026, 11, 28)}))


def at(text):
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("when, code", [
    ("2026-11-23T09:30:00+08:00", "appointment_in_past"),   # earlier today
    ("2026-11-24T08:30:00+08:00", "outside_working_hours"),  # before opening
    ("2026-11-24T12:00:00+08:00", "outside_working_hours"),  # the lunch break starts
    ("2026-11-24T18:00:00+08:00", "outside_working_hours"),  # closing time
    ("2026-11-29T10:00:00+08:00", "outside_working_hours"),  # a Sunday
    ("2026-12-01T10:00:00+08:00", "outside_working_hours"),  # a holiday
    ("2027-02-22T10:00:00+08:00", "appointment_too_far"),    # 91 days ahead
    ("2062-11-24T10:00:00+08:00", "appointment_too_far"),    # a typo in the year
])
def test_the_rule_refuses_with_a_code(when, code):
    refused = appointments.refusal(at=at(when), now=NOW, hours=HOURS, calendar=CALENDAR)
    assert refused is not None and refused[0] == code


@pytest.mark.parametrize("when", [
    "2026-11-23T10:30:00+08:00",  # later today
    "2026-11-24T09:00:00+08:00",  # opening time
    "2026-11-24T17:30:00+08:00",  # the last half hour
    "2026-11-28T10:00:00+08:00",  # an adjusted working Saturday (调休)
    "2026-11-24T02:00:00+00:00",  # the same moment in UTC: Tuesday 10:00 locally
    "2027-02-20T10:00:00+08:00",  # 89 days ahead (a working Saturday in this calendar)
])
def test_the_rule_accepts_working_time(when):
    calendar = BusinessCalendar(workdays=frozenset({date(2026, 11, 28), date(2027, 2, 20)}))
    assert appointments.refusal(at=at(when), now=NOW, hours=HOURS, calendar=calendar) is None


# -- through the API ------------------------------------------------------------------------

@pytest.mark.parametrize("when, code", [
    ("2026-11-22T09:30:00+08:00", "appointment_in_past"),
    ("2026-11-24T12:30:00+08:00", "outside_working_hours"),
    ("2026-11-24T20:00:00+08:00", "outside_working_hours"),
    ("2026-11-28T10:00:00+08:00", "outside_working_hours"),  # Saturday
    ("2026-12-01T10:00:00+08:00", "outside_working_hours"),  # the holiday entered below
    ("2027-03-01T10:00:00+08:00", "appointment_too_far"),
])
def test_the_api_refuses_422_and_changes_nothing(assigned, tech_api, when, code):
    BusinessDay.objects.create(day=date(2026, 12, 1), kind="holiday", name="测试假日")
    before = snapshot(assigned)
    response = act(tech_api, assigned, "schedule_visit", at=when)
    assert response.status_code == 422
    assert (error_code(response), response.json()["error"]["field"]) == (code, "at")
    assert snapshot(assigned) == before


def test_the_service_points_own_hours_decide(assigned, tech_api, point):
    WorkingWindow.objects.create(service_point=point, starts=time(8), ends=time(17))
    early = act(tech_api, assigned, "schedule_visit", at="2026-11-24T08:00:00+08:00")
    assert early.status_code == 200
    late = act(tech_api, assigned, "schedule_visit", at="2026-11-24T17:30:00+08:00")
    assert (late.status_code, error_code(late)) == (422, "outside_working_hours")
    assert "08:00–17:00" in late.json()["error"]["message"]
    assert Visit.objects.get(ticket=assigned).scheduled_at == datetime(2026, 11, 24, 0, 0,
                                                                       tzinfo=UTC)


def test_a_working_time_is_booked(assigned, tech_api):
    response = act(tech_api, assigned, "schedule_visit", at="2026-11-24T14:00:00+08:00")
    assert (response.status_code, response.json()["status"]) == (200, "scheduled")
    assert Visit.objects.get(ticket=assigned).scheduled_at == datetime(2026, 11, 24, 6, 0,
                                                                       tzinfo=UTC)


# -- on the ticket page ---------------------------------------------------------------------

def test_the_page_says_why_next_to_the_field(assigned, tech):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(tech)
    before = snapshot(assigned)
    response = client.post(f"/tickets/{assigned.pk}/actions/schedule_visit/",
                           {"at": "2026-11-24T20:00",
                            "version": Ticket.objects.get(pk=assigned.pk).version})
    page = response.content.decode()
    assert response.status_code == 422
    field = page[page.index('id="schedule-at"'):]
    field = field[:field.index("</div>")]
    assert 'value="2026-11-24T20:00"' in field and 'aria-invalid="true"' in field
    assert ('<p class="error" role="alert" id="schedule-at-error">预约须在工作日的工作时间内'
            '（09:00–12:00、13:30–18:00）。</p>') in field
    assert "outside_working_hours" not in page
    assert snapshot(assigned) == before
