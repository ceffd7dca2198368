"""The Celery app (Celery 5 on Redis, celery beat for schedules; docs/background-work.md).

Configured from Django's settings (namespace CELERY_). With no AFTERSALES_BROKER_URL the
tasks run eagerly in the caller's process (embedded mode) and the periodic sweeps are run
by `aftersales serve`'s in-process scheduler or `aftersales sweep` (docs/background-work.md).

Production: `celery -A aftersales worker` and `celery -A aftersales beat` with
AFTERSALES_BROKER_URL=redis://127.0.0.1:6379/0.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

app = Celery("aftersales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: ["aftersales.tickets", "aftersales.notifications"])
