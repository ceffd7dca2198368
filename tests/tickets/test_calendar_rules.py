"""The business calendar and rule tables: seeded by the migration, editable, and a year
without data warns the admin instead of failing."""
from datetime import date

import time_machine
from django.core.checks import run_checks
from django.test import Client

from aftersales.tickets.models import BusinessDay, CalendarYear, SLATarget, WorkingWindow


def test_seeded_calendar_and_rules(db):
    assert set(range(2004, 2027)) <= set(CalendarYear.objects.values_list("year", flat=True))
    assert BusinessDay.objects.get(day=date(2026, 10, 1)).kind == "holiday"
    assert BusinessDay.objects.get(day=date(2026, 9, 20)).kind == "workday"  # Sunday 调休
    assert [(w.starts.isoformat(), w.ends.isoformat())
            for w in WorkingWindow.objects.filter(service_point__isnull=True)] == [
        ("09:00:00", "12:00:00"), ("13:30:00", "18:00:00")]
    rows = {(t.name, t.priority, t.mode, t.channel): (t.amount, t.unit, t.starts_on)
            for t in SLATarget.objects.all()}
    assert rows == {
        ("respond", "", "", ""): (10, "clock", "opened"),
        ("respond", "", "", "chat"): (5, "clock", "opened"),
        ("respond", "", "", "fax"): (5, "clock", "opened"),
        ("contact", "", "", ""): (5, "clock", "opened"),
        ("reply", "", "", "email"): (60, "clock", "opened"),
        ("reply", "", "", "web"): (60, "clock", "opened"),
        ("answer", "urgent", "", ""): (120, "clock", "opened"),
        ("onsite", "urgent", "onsite", ""): (360, "clock", "opened"),
        ("onsite", "high", "onsite", ""): (1440, "clock", "opened"),
        ("onsite", "normal", "onsite", ""): (2880, "clock", "opened"),
        ("onsite", "low", "onsite", ""): (4320, "clock", "opened"),
        ("resolve", "", "onsite", ""): (2880, "clock", "onsite_start"),
        ("resolve", "", "send_in", ""): (3, "working_days", "repair_start"),
        ("escalate", "", "remote", ""): (240, "clock", "opened")}


@time_machine.travel(date(2026, 11, 23))
def test_missing_next_year_is_a_warning(db):
    # given 2026 known, 2027 not
    warnings = [m for m in run_checks(databases=["default"]) if m.id == "tickets.W001"]
    assert len(warnings) == 1
    assert "2027" in warnings[0].msg and "2026" not in warnings[0].msg
    assert warnings[0].is_serious() is False
    # when the admin enters 2027
    CalendarYear.objects.create(year=2027)
    assert [m for m in run_checks(databases=["default"]) if m.id == "tickets.W001"] == []


@time_machine.travel(date(2026, 11, 23))
def test_the_admin_calendar_page_warns(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/tickets/businessday/")
    assert response.status_code == 200
    assert "2027" in response.content.decode()
