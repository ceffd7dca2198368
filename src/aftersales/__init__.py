"""Aftersales: after-sales service management. The Celery app is loaded with Django so
that `@shared_task` tasks bind to it (`celery -A aftersales worker`)."""
from .celery import app as celery_app

__all__ = ["celery_app"]
