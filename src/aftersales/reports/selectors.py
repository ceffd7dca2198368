"""Report queries: one aggregate query each, scoped by the actor's service point."""
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.dates import local_days_bounds, month_bounds, next_month, parse_month
from aftersales.core.errors import ValidationFailed
from aftersales.core.scoping import require_role, scope
from aftersales.devices.models import Device
from aftersales.network.models import User
from aftersales.tickets.models import Ticket

from .rates import rate

READERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.FINANCE)
REPAIR_KINDS = ("repair", "return", "exchange")


def fault_analysis(*, actor: User, month: str) -> list[dict]:
    """Repairs resolved in the month by model and fault code, with the repair rate against
    the units sold of that model up to the month's end (the installed base)."""
    require_role(actor, *READERS)
    try:
        first = parse_month(month)
    except ValueError:
        raise ValidationFailed(_("The month is written YYYY-MM."), field="month") from None
    since, until = month_bounds(first)
    last = next_month(first) - timedelta(days=1)
    tickets = scope(Ticket.objects, actor=actor).filter(
        kind__in=REPAIR_KINDS, resolved_at__gte=since, resolved_at__lt=until,
        device__isnull=False, fault_code__isnull=False)
    counted = (tickets.values(model=F("device__model__code"), model_name=F("device__model__name"),
                              fault=F("fault_code__code"), fault_name=F("fault_code__name"),
                              component=F("fault_code__component"))
               .annotate(repairs=Count("id")).order_by("model", "fault"))
    rows = list(counted)
    sold = dict(scope(Device.objects, actor=actor, path="customer__service_point")
                .filter(model__code__in={r["model"] for r in rows}, purchase_date__lte=last)
                .values_list("model__code").annotate(n=Count("id")))
    return [{"model": r["model"], "model_name": r["model_name"], "fault_code": r["fault"],
             "fault_name": r["fault_name"], "component": r["component"],
             "repairs": r["repairs"], "units_sold": sold.get(r["model"], 0),
             "repair_rate": rate(r["repairs"], sold.get(r["model"], 0))} for r in rows]


def sla_compliance(*, actor: User, since: date, until: date) -> dict:
    """Tickets received in [since, until] (business dates) and how many met each target."""
    require_role(actor, *READERS)
    if until < since:
        raise ValidationFailed(_("The end date is before the start date."), field="to")
    start, end = local_days_bounds(since, until)
    qs = scope(Ticket.objects, actor=actor).filter(created_at__gte=start, created_at__lt=end)
    totals = qs.aggregate(
        tickets=Count("id"),
        responded_in_time=Count("id", filter=Q(respond_met_at__isnull=False,
                                               respond_met_at__lte=F("respond_due"))),
        onsite_in_time=Count("id", filter=Q(onsite_met_at__isnull=False,
                                            onsite_met_at__lte=F("onsite_due"))),
        resolved_in_time=Count("id", filter=Q(resolve_met_at__isnull=False,
                                              resolve_met_at__lte=F("resolve_due"))),
        # breached as soon as a clock passed unmet, not only once it is met or closed
        breached=Count("id", filter=Q(sla_breached=True) | Q(sla_next_due__lt=timezone.now())),
    )
    return totals
