"""Preventive maintenance (预防性维护, PRODUCT.md "Follow-up"): each quarter, contracts
with preventive visits get their maintenance tickets (free in warranty, as the contract
says after); a visit is done when its ticket is resolved within the quarter, else missed.
The first visit of a calendar year is the yearly health check."""
from __future__ import annotations

import calendar
import logging
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.contracts.models import Contract
from aftersales.core.errors import DomainError
from aftersales.tickets import services as ticket_services
from aftersales.tickets.models import Ticket

from ..models import PreventiveVisit
from .leads import warranty_end
from .tell import in_site_language

log = logging.getLogger("aftersales.campaigns")


def quarter_of(day: date) -> tuple[int, int, date]:
    """(year, quarter 1–4, the quarter's last day)."""
    quarter = (day.month - 1) // 3 + 1
    last_month = quarter * 3
    return day.year, quarter, date(day.year, last_month,
                                   calendar.monthrange(day.year, last_month)[1])


def visits_in_quarter(per_year: int, quarter: int) -> int:
    """`per_year` visits spread evenly over the four quarters (1 a year → Q4, 2 → Q2 and
    Q4, 4 → one each quarter)."""
    return per_year * quarter // 4 - per_year * (quarter - 1) // 4


def _first_visit_quarter(per_year: int) -> int:
    return next(q for q in range(1, 5) if visits_in_quarter(per_year, q))


def _open_visit(*, contract: Contract, device, quarter_label: str, due_on: date, seq: int,
                health_check: bool, today: date) -> PreventiveVisit | None:
    key = f"pm:{contract.pk}:{device.pk if device else 0}:{quarter_label}:{seq}"
    if PreventiveVisit.objects.filter(key=key).exists():
        return None
    end = warranty_end(device) if device is not None else None
    free = (end is not None and end >= today) or contract.covers_visits
    with in_site_language():
        summary = (_("Yearly health check %(quarter)s") if health_check
                   else _("Preventive maintenance %(quarter)s")) % {"quarter": quarter_label}
        description = _("Contract %(number)s; %(cost)s.") % {
            "number": contract.number,
            "cost": _("free") if free else _("charged as the contract says")}
    try:
        with transaction.atomic():
            ticket = ticket_services.open_ticket(
                actor=None, customer=contract.customer, device=device,
                channel=Ticket.Channel.PHONE, kind=Ticket.Kind.MAINTENANCE,
                priority=Ticket.Priority.LOW, mode=Ticket.Mode.ONSITE, summary=summary,
                description=description, order_ref=contract.number)
            return PreventiveVisit.objects.create(
                key=key, contract=contract, device=device, quarter=quarter_label,
                due_on=due_on, free=free, health_check=health_check, ticket=ticket)
    except IntegrityError:  # another sweep made it meanwhile: its ticket stands, ours not
        return None
    except DomainError as exc:  # e.g. the customer is blocked for debt: tried again later
        log.info("Preventive visit %s not opened: %s", key, exc.message)
        return None


def open_preventive_visits(*, today: date) -> int:
    """This quarter's visits of every active contract with preventive visits, once."""
    year, quarter, due_on = quarter_of(today)
    label = f"{year}Q{quarter}"
    contracts = (Contract.objects.select_related("customer")
                 .prefetch_related("devices", "devices__model")
                 .filter(status=Contract.Status.ACTIVE, preventive_visits_per_year__gt=0,
                         starts_on__lte=today, ends_on__gte=today).order_by("pk"))
    made = 0
    for contract in contracts:
        per_year = contract.preventive_visits_per_year
        count = visits_in_quarter(per_year, quarter)
        devices = list(contract.devices.all()) or [None]
        for device in devices:
            for seq in range(count):
                health = quarter == _first_visit_quarter(per_year) and seq == 0
                made += _open_visit(contract=contract, device=device, quarter_label=label,
                                    due_on=due_on, seq=seq, health_check=health,
                                    today=today) is not None
    return made


def count_preventive_visits(*, now: datetime) -> int:
    """Planned visits whose ticket was resolved by the quarter's end → done; planned
    visits whose quarter ended unresolved → missed."""
    today = timezone.localdate(now)
    changed = 0
    for visit in (PreventiveVisit.objects.select_related("ticket")
                  .filter(status=PreventiveVisit.Status.PLANNED).order_by("pk")):
        resolved = visit.ticket.resolved_at
        if resolved is not None and timezone.localdate(resolved) <= visit.due_on:
            status = PreventiveVisit.Status.DONE
        elif today > visit.due_on:
            status = PreventiveVisit.Status.MISSED
        else:
            continue
        changed += PreventiveVisit.objects.filter(
            pk=visit.pk, status=PreventiveVisit.Status.PLANNED).update(status=status)
    return changed
