"""The monthly appraisal (考核) per engineer or per service point.

The month's KPIs (reports/kpis.py, the one home of their definitions: tickets received in
the month, business time zone) per engineer or point — tickets, response / resolution in
time and their rates, medians, first-time fix and its rate, repeat repairs, satisfaction,
complaints — plus the rewards: the sum of the managers' reward and penalty entries of the
month (network). Two queries for the figures and one for the entries, whatever the rows.
"""
from django.db.models import Sum
from django.utils.translation import gettext as _

from aftersales.core.dates import parse_month
from aftersales.core.errors import ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import require_role
from aftersales.network.models import AppraisalEntry, User

from . import kpis
from .tables import Period, month_end

GROUPS = kpis.GROUPS
READERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER, User.Role.FINANCE)
FIGURES = ("tickets", "first_response_minutes_median", "resolve_hours_median",
           "responded_in_time", "response_rate", "resolved_in_time", "resolution_rate",
           "first_time_fix", "first_time_fix_rate", "repeat_repairs", "complaints")


def appraisal(*, actor: User, month: str, group: str, region: int | None = None) -> list[dict]:
    require_role(actor, *READERS)
    if group not in GROUPS:
        raise ValidationFailed(_("Group by engineer or service_point."), field="group")
    try:
        first = parse_month(month)
    except ValueError:
        raise ValidationFailed(_("The month is written YYYY-MM."), field="month") from None
    period = Period(since=first, until=month_end(first), region=region)
    rows = kpis.figures(kpis.filtered_tickets(actor=actor, period=period), group=group)
    entries_path = "user" if group == "engineer" else "user__service_point"
    rewards = dict(AppraisalEntry.objects.filter(
        month=first, **{f"{entries_path}__in": [r["id"] for r in rows]})
        .values_list(entries_path).annotate(total=Sum("amount")))
    return [{"group": group, "id": r["id"], "name": r["name"], "month": month,
             **{name: r[name] for name in FIGURES},
             "satisfaction": r["satisfaction_avg"],
             "rewards": to_money(rewards.get(r["id"]) or ZERO)}
            for r in sorted(rows, key=lambda r: r["id"])]
