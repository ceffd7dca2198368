"""Celery task of the reports app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import sweeps


@shared_task(name="aftersales.reports.tasks.run_report_sweeps_task")
def run_report_sweeps_task() -> dict[str, int]:
    return sweeps.run_report_sweeps()
