"""The monthly fault analysis to R&D and production (PRODUCT.md "Follow-up"): on the
first sweep of a month, last month's analysis goes once to every active R&D and
production staff member, the Excel attached to the e-mail (SMS: a pointer to the
console). The unique month of `FaultReportDelivery` makes it once however often the
sweep runs."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.devices.models import Device
from aftersales.network.models import User
from aftersales.notifications.services import queue_notification
from aftersales.tickets.models import Ticket

from .faults import fault_table
from .models import FaultReportDelivery
from .selectors import fault_rows
from .tables import month_end

RECIPIENT_ROLES = (User.Role.RND, User.Role.PRODUCTION)


def send_fault_analysis(*, now: datetime) -> int:
    """Last month's analysis, once. Returns the messages queued (0 when sent already)."""
    first_of_this = timezone.localdate(now).replace(day=1)
    first = (first_of_this - timedelta(days=1)).replace(day=1)
    if FaultReportDelivery.objects.filter(month=first).exists():
        return 0
    label = first.strftime("%Y-%m")
    rows = fault_rows(first=first, last=month_end(first), tickets=Ticket.objects.all(),
                      devices=Device.objects.all())
    workbook = fault_table(rows, label).as_xlsx(f"fault-analysis-{label}.xlsx").content
    people = list(User.objects.filter(role__in=RECIPIENT_ROLES, is_active=True)
                  .order_by("pk"))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Fault analysis %(month)s") % {"month": label}
        body = _("The fault analysis of %(month)s: %(rows)d rows, %(repairs)d repairs. "
                 "The workbook is attached; the charts are on the console's reports page.") % {
            "month": label, "rows": len(rows), "repairs": sum(r["repairs"] for r in rows)}
    try:
        with transaction.atomic():
            FaultReportDelivery.objects.create(month=first, workbook=workbook,
                                               recipients=len(people))
            queued = 0
            for person in people:
                if person.email:
                    queue_notification(
                        channel="email", recipient=person.email, subject=subject, body=body,
                        kind="fault_analysis", dedupe_key=f"fault_analysis:{label}:u{person.pk}",
                        attachment=(f"fault-analysis-{label}.xlsx", workbook))
                elif person.phone:
                    queue_notification(channel="sms", recipient=person.phone, body=body,
                                       kind="fault_analysis",
                                       dedupe_key=f"fault_analysis:{label}:u{person.pk}")
                else:
                    continue
                queued += 1
    except IntegrityError:  # another sweep sent it meanwhile
        return 0
    return queued


def run_report_sweeps(*, now: datetime | None = None) -> dict[str, int]:
    return {"fault_analysis_sent": send_fault_analysis(now=now or timezone.now())}
