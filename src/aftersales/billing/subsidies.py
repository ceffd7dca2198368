"""Service-point subsidies: each point's jobs completed in a month × its tier's rate, one
statement per point, a month settled once (finance at head office)."""
from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.dates import month_bounds, next_month, parse_month
from aftersales.core.errors import Forbidden, ValidationFailed
from aftersales.core.money import ZERO, to_money
from aftersales.core.scoping import is_unbound, require_role
from aftersales.network.models import ServicePoint, User

from .models import SubsidyLine, SubsidyRate, SubsidySettlement, SubsidyStatement

#: Ticket kinds that are not a service point's job for the subsidy.
NOT_SUBSIDISED = ("consultation", "complaint")
#: A job counts for the subsidy once its ticket is resolved (or closed after that).
JOB_DONE_STATUSES = ("resolved", "closed")

def month_start(value: str | date) -> date:
    try:
        return parse_month(value)
    except ValueError:
        raise ValidationFailed(_("A month is written YYYY-MM."), field="month") from None


@transaction.atomic
def settle_subsidies(*, actor: User, month: date) -> tuple[SubsidySettlement, bool]:
    """Monthly settlement: per service point, its jobs completed in the month × its tier's
    rate, one statement each. A month is settled once; asking again returns the same
    statements (created False)."""
    require_role(actor, User.Role.ADMIN, User.Role.FINANCE)
    if not is_unbound(actor):
        raise Forbidden(_("Only head-office finance settles subsidies."))
    month = month_start(month)
    end = next_month(month)
    if end > timezone.localdate():
        raise ValidationFailed(_("Only a month that has ended can be settled."),
                               field="month")
    existing = SubsidySettlement.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            settlement = SubsidySettlement.objects.create(month=month, created_by=actor)
    except IntegrityError:  # settled by a concurrent request just now
        return SubsidySettlement.objects.get(month=month), False
    start, stop = month_bounds(month)
    # Tickets sit above billing: the month's jobs are read through the service points'
    # tickets relation (point, tier, ticket), one query, without importing the tickets app.
    jobs = (ServicePoint.objects
            .filter(tickets__resolved_at__gte=start, tickets__resolved_at__lt=stop,
                    tickets__status__in=JOB_DONE_STATUSES,
                    tickets__subsidy_line__isnull=True)
            .order_by("pk", "tickets__id")
            .values_list("pk", "tickets__id", "tickets__kind"))
    rates = {rate.tier: rate.per_job for rate in SubsidyRate.objects.all()}
    by_point: dict[int, list[int]] = {}
    for point_id, ticket_id, kind in jobs:
        if kind not in NOT_SUBSIDISED:
            by_point.setdefault(point_id, []).append(ticket_id)
    points = ServicePoint.objects.in_bulk(list(by_point))
    for point_id, ticket_ids in by_point.items():
        point = points[point_id]
        per_job = to_money(rates.get(point.tier, ZERO))
        statement = SubsidyStatement.objects.create(
            settlement=settlement, service_point=point, month=month, tier=point.tier,
            per_job=per_job, jobs=len(ticket_ids), amount=to_money(per_job * len(ticket_ids)))
        SubsidyLine.objects.bulk_create([SubsidyLine(statement=statement, ticket_id=ticket_id,
                                                     amount=per_job) for ticket_id in ticket_ids])
    return settlement, True
