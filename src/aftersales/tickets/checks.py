"""A system check that warns when the business calendar lacks this or next year's
State Council schedule (published each November/December): deadlines in that year then
count weekends only. A warning, never an error."""
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone

from .clocks import missing_years


def calendar_warnings() -> list[str]:
    this_year = timezone.localdate().year
    return [str(year) for year in missing_years(years=range(this_year, this_year + 2))]


@register(Tags.database)
def check_business_calendar(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    try:
        missing = calendar_warnings()
    except DatabaseError:  # not migrated yet
        return []
    if not missing:
        return []
    return [Warning(
        f"The business calendar has no holiday schedule for {', '.join(missing)}; "
        "working days there count weekends only.",
        hint="Enter the statutory holidays and adjusted working days in the admin "
             "(Tickets > business calendar) and add the year under published calendar years.",
        id="tickets.W001")]
