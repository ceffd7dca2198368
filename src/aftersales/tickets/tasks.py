"""Celery tasks of the tickets app: thin wrappers that call the sweep services."""
from celery import shared_task
from django.utils import timezone

from . import sweeps


@shared_task(name="aftersales.tickets.tasks.run_sweeps_task")
def run_sweeps_task() -> dict[str, int]:
    """Scheduled by celery beat every minute (CELERY_BEAT_SCHEDULE)."""
    return sweeps.run_sweeps()


@shared_task(name="aftersales.tickets.tasks.sweep_task")
def sweep_task(name: str) -> int:
    """One sweep by name (response_overdue, phone_escalations, backup_devices,
    callbacks_due)."""
    return sweeps.SWEEPS[name](now=timezone.now())


@shared_task(name="aftersales.tickets.tasks.fetch_mail_task")
def fetch_mail_task() -> dict[str, int]:
    """Read the service mailbox (scheduled every 10 min when AFTERSALES_IMAP_HOST is set)."""
    return sweeps.fetch_mail_if_configured()
