"""Agreement and certificate expiry reminders to the people who renew them (issue 18).

`network.services.sweep_expiries` raises one `ExpiryReminder` row per agreement or
certificate ending within `NetworkPolicy.expiry_reminder_days` (the row is the alert,
unique per item and end date); this sweep, in the same transaction, tells the point's
managers and the region's regional managers (HQ managers for a point-less item) by e-mail,
else SMS. A second run finds no new row and sends nothing: once per item. Scheduled with
the other sweeps (settings.CELERY_BEAT_SCHEDULE "network", `aftersales sweep`)."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from aftersales.network.models import ExpiryReminder, ServicePoint, User
from aftersales.network.services import sweep_expiries

from .services import queue_notification

KIND = "expiry_reminder"


def recipients(reminder: ExpiryReminder) -> list[User]:
    """The point's managers and its region's regional managers; HQ managers when the item
    has no point or the point has nobody."""
    active = User.objects.filter(is_active=True)
    people: list[User] = []
    if reminder.service_point_id is not None:
        region = (ServicePoint.objects.filter(pk=reminder.service_point_id)
                  .values_list("region_id", flat=True).first())
        people = list(active.filter(role=User.Role.MANAGER,
                                    service_point_id=reminder.service_point_id))
        if region is not None:
            people += list(active.filter(role=User.Role.REGIONAL_MANAGER, region_id=region))
    if not people:
        people = list(active.filter(role=User.Role.MANAGER, service_point__isnull=True,
                                    region__isnull=True))
    return sorted(people, key=lambda u: u.pk)


@transaction.atomic
def send_expiry_reminders(*, now: datetime | None = None) -> int:
    """Raise the day's new reminders and tell each once. Returns the reminders raised."""
    raised = sweep_expiries(on=timezone.localdate(now or timezone.now()))
    for reminder in raised:
        for person in recipients(reminder):
            channel, address = (("email", person.email) if person.email
                                else ("sms", person.phone))
            if not address:
                continue
            queue_notification(channel=channel, recipient=address, subject=reminder.message,
                               body=reminder.message, kind=KIND,
                               dedupe_key=f"{KIND}:{reminder.pk}:u{person.pk}")
    return len(raised)
