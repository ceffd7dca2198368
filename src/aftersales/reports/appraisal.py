"""The monthly appraisal (考核) per engineer or per service point.

From the tickets resolved in the month (business time zone), per group:

* tickets — resolved in the month;
* responded_in_time / resolved_in_time — of those, met the response / resolution target;
* first_time_fix — resolved with at most one on-site visit (a workshop repair counts as one);
* repeat_repairs — the same unit came back (a new ticket received) within REPEAT_DAYS after
  the resolution;
* satisfaction — the mean of the customers' 1–5 ratings given (two places), None if none;
* complaints — resolved tickets that carry a complaint report;
* rewards — the sum of the managers' reward and penalty entries of the month (network).

The rates are exact decimals (reports/rates.py). Three queries (per-ticket figures, totals,
the entries), whatever the number of rows.
"""
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from aftersales.core.dates import month_bounds, parse_month
from aftersales.core.errors import ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import require_role, scope
from aftersales.network.models import AppraisalEntry, User
from aftersales.tickets.models import Ticket

from .rates import rate
from .selectors import in_region

REPEAT_DAYS = 30
GROUPS = ("engineer", "service_point")
READERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER, User.Role.FINANCE)


def appraisal(*, actor: User, month: str, group: str, region: int | None = None) -> list[dict]:
    require_role(actor, *READERS)
    if group not in GROUPS:
        raise ValidationFailed(_("Group by engineer or service_point."), field="group")
    try:
        first = parse_month(month)
    except ValueError:
        raise ValidationFailed(_("The month is written YYYY-MM."), field="month") from None
    since, until = month_bounds(first)
    tickets = in_region(scope(Ticket.objects, actor=actor).filter(
        resolved_at__gte=since, resolved_at__lt=until), region)
    key = "engineer" if group == "engineer" else "service_point"
    tickets = tickets.filter(**{f"{key}__isnull": False})
    came_back = Ticket.objects.filter(
        device_id=OuterRef("device_id"), created_at__gt=OuterRef("resolved_at"),
        created_at__lte=OuterRef("resolved_at") + timedelta(days=REPEAT_DAYS))
    name_field = f"{key}__name"
    figures = {}
    for ticket in (tickets.annotate(visit_count=Count("visits"),
                                    came_back=Exists(came_back.exclude(pk=OuterRef("pk"))))
                   .values("id", f"{key}_id", "visit_count", "came_back")):
        figures.setdefault(ticket[f"{key}_id"], {"ftf": 0, "repeat": 0})
        figures[ticket[f"{key}_id"]]["ftf"] += ticket["visit_count"] <= 1
        figures[ticket[f"{key}_id"]]["repeat"] += bool(ticket["came_back"])
    totals = {r["key_id"]: r for r in tickets.values(key_id=F(f"{key}_id")).annotate(
        name=F(name_field),
        tickets=Count("id"),
        responded_in_time=Count("id", filter=Q(respond_met_at__isnull=False,
                                               respond_met_at__lte=F("respond_due"))),
        resolved_in_time=Count("id", filter=Q(resolve_met_at__isnull=False,
                                              resolve_met_at__lte=F("resolve_due"))),
        satisfaction=Avg("satisfaction"),
        complaints=Count("complaint"),
    ).order_by("key_id")}
    entries_path = "user" if group == "engineer" else "user__service_point"
    rewards = dict(AppraisalEntry.objects.filter(month=first, **{f"{entries_path}__in": list(
        totals)}).values_list(entries_path).annotate(total=Sum("amount")))
    result = []
    for key_id, t in totals.items():
        f = figures.get(key_id, {"ftf": 0, "repeat": 0})
        satisfaction = (None if t["satisfaction"] is None else
                        Decimal(str(t["satisfaction"])).quantize(Decimal("0.01"),
                                                                 rounding=ROUND_HALF_UP))
        result.append({
            "group": group, "id": key_id, "name": t["name"], "month": month,
            "tickets": t["tickets"],
            "responded_in_time": t["responded_in_time"],
            "response_rate": rate(t["responded_in_time"], t["tickets"]),
            "resolved_in_time": t["resolved_in_time"],
            "resolution_rate": rate(t["resolved_in_time"], t["tickets"]),
            "first_time_fix": f["ftf"], "first_time_fix_rate": rate(f["ftf"], t["tickets"]),
            "repeat_repairs": f["repeat"], "satisfaction": satisfaction,
            "complaints": t["complaints"],
            "rewards": to_money(rewards.get(key_id) or ZERO),
        })
    return result
