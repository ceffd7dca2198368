"""Seeds PRODUCT.md's defaults: the statutory calendar for the years chinese-calendar knows,
business hours 09:00-12:00 and 13:30-18:00, the SLA targets and the ticket policy.
On PostgreSQL also a trigram index for substring search of Chinese summaries."""
from datetime import time

from django.db import migrations

from aftersales.tickets.calendar_data import statutory_days

SLA_TARGETS = [
    # name, priority, mode, kind, amount, unit, starts_on
    ("respond", "", "", "", 10, "clock", "opened"),
    ("onsite", "urgent", "onsite", "", 6 * 60, "clock", "opened"),
    ("onsite", "high", "onsite", "", 24 * 60, "clock", "opened"),
    ("onsite", "normal", "onsite", "", 48 * 60, "clock", "opened"),
    ("onsite", "low", "onsite", "", 72 * 60, "clock", "opened"),
    ("resolve", "", "onsite", "", 48 * 60, "clock", "onsite_start"),
    ("resolve", "", "send_in", "", 3, "working_days", "repair_start"),
    ("escalate", "", "remote", "", 4 * 60, "clock", "opened"),
]


def seed(apps, schema_editor):
    BusinessDay = apps.get_model("tickets", "BusinessDay")
    CalendarYear = apps.get_model("tickets", "CalendarYear")
    WorkingWindow = apps.get_model("tickets", "WorkingWindow")
    SLATarget = apps.get_model("tickets", "SLATarget")
    TicketPolicy = apps.get_model("tickets", "TicketPolicy")
    known = set(CalendarYear.objects.values_list("year", flat=True))
    years, days = [], []
    for year in range(2004, 2100):
        published = statutory_days(year)
        if published is None or year in known:
            continue
        holidays, workdays = published
        years.append(CalendarYear(year=year, note="chinese-calendar"))
        days += [BusinessDay(day=day, kind="holiday", name=name[:60])
                 for day, name in sorted(holidays.items())]
        days += [BusinessDay(day=day, kind="workday", name="调休") for day in sorted(workdays)]
    CalendarYear.objects.bulk_create(years, ignore_conflicts=True)
    BusinessDay.objects.bulk_create(days, ignore_conflicts=True, batch_size=500)
    if not WorkingWindow.objects.filter(service_point__isnull=True).exists():
        WorkingWindow.objects.create(starts=time(9), ends=time(12))
        WorkingWindow.objects.create(starts=time(13, 30), ends=time(18))
    for name, priority, mode, kind, amount, unit, starts_on in SLA_TARGETS:
        SLATarget.objects.get_or_create(
            name=name, priority=priority, mode=mode, kind=kind,
            defaults={"amount": amount, "unit": unit, "starts_on": starts_on})
    if not TicketPolicy.objects.exists():
        TicketPolicy.objects.create()


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ticket_summary_trgm_idx ON tickets_ticket "
        "USING gin (summary gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_summary_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
