"""Celery task of the portal app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
from celery import shared_task
from django.utils import timezone

from .services import sweep_pending_bookings


def run_portal_sweeps(*, now=None) -> dict[str, int]:
    """Expired pending bookings go with the personal data they held (docs/security.md)."""
    return {"pending_bookings": sweep_pending_bookings(now=now or timezone.now())}


@shared_task(name="aftersales.portal.tasks.run_portal_sweeps_task")
def run_portal_sweeps_task() -> dict[str, int]:
    return run_portal_sweeps()
