"""Dispatch: a job dropped on an engineer's day is assigned and booked inside working
hours only; the board shows each engineer's days, load and service point; suggestions
put first the engineer who served this customer before."""
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from aftersales.tickets.models import Ticket, Visit
from aftersales.tickets.selectors import dispatch_suggestions

from .conftest import act

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def board(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_a_drop_assigns_and_books_inside_working_hours(make_ticket, boss, tech):
    ticket = make_ticket()
    client = board(boss)
    page = client.get("/tickets/dispatch/").content.decode()
    assert f'data-ticket="{ticket.pk}"' in page and f'data-engineer="{tech.pk}"' in page
    assert '<option value="09:00">' in page and '<option value="12:00">' not in page
    response = client.post("/tickets/dispatch/move/", {
        "ticket": ticket.pk, "engineer": tech.pk, "day": "2026-11-24", "time": "10:30"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    visit = Visit.objects.get(ticket=ticket)
    assert (ticket.engineer_id, ticket.status) == (tech.pk, "scheduled")
    assert visit.scheduled_at == datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
    page = client.get("/tickets/dispatch/").content.decode()
    assert "10:30 " + ticket.number in page


@pytest.mark.parametrize("day, time", [
    ("2026-11-24", "12:30"),  # the lunch break
    ("2026-11-24", "19:00"),  # after hours
    ("2026-11-28", "10:00"),  # a Saturday
    ("2026-12-01", "10:00"),  # a holiday the admin entered
])
def test_a_drop_outside_working_hours_is_refused_and_changes_nothing(make_ticket, boss, tech,
                                                                     day, time):
    from datetime import date

    from aftersales.tickets.models import BusinessDay

    BusinessDay.objects.create(day=date(2026, 12, 1), kind="holiday", name="测试假日")
    ticket = make_ticket()
    client = board(boss)
    response = client.post("/tickets/dispatch/move/", {
        "ticket": ticket.pk, "engineer": tech.pk, "day": day, "time": time}, follow=True)
    assert "工作时间" in response.content.decode()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.engineer_id, fresh.status, fresh.version) == (None, "new", ticket.version)
    assert not Visit.objects.filter(ticket=ticket).exists()


def test_the_week_and_the_day_view(make_ticket, boss, tech):
    client = board(boss)
    week = client.get("/tickets/dispatch/").content.decode()
    day = client.get("/tickets/dispatch/", {"view": "day"}).content.decode()
    assert week.count('class="dispatch-cell"') == 7 and day.count('class="dispatch-cell"') == 1
    assert "休息日" in week  # the weekend
    assert "石家庄站" in week  # the engineer's service point


def test_who_served_this_customer_before_is_suggested_first(make_ticket, hotline_api, tech,
                                                             other_tech):
    earlier = make_ticket()
    # other_tech has the wrong skill, but served this customer before
    act(hotline_api, earlier, "assign", engineer=other_tech.pk)
    ticket = make_ticket()
    ranked = dispatch_suggestions(actor=other_tech, ticket=ticket)
    assert [r["engineer"] for r in ranked][:2] == [other_tech, tech]
    assert ranked[0]["served_before"] is True
