"""Celery task of the campaigns app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import sweeps


@shared_task(name="aftersales.campaigns.tasks.run_followup_sweeps_task")
def run_followup_sweeps_task() -> dict[str, int]:
    return sweeps.run_followup_sweeps()
