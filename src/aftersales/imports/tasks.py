"""Celery task of the imports app: a large workbook is read and written by the worker."""
from celery import shared_task

from . import services


@shared_task(name="aftersales.imports.tasks.run_import_task")
def run_import_task(job_id: int) -> dict:
    job = services.run_import(job_id=job_id)
    return {"id": job.pk, "status": job.status, "imported": job.imported}
