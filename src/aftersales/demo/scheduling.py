"""Every periodic sweep, composed in the top app (the run commands live here): the
ticket sweeps (escalations, backup devices, callbacks, unsent messages), the follow-up
sweeps (leads, preventive visits, campaign progress, the yearly survey), the monthly
fault analysis to R&D and production, and the agreement and certificate expiry reminders.
Each is idempotent under the same clock.

Celery beat runs each as its own task (settings.CELERY_BEAT_SCHEDULE); in embedded mode
`aftersales serve` runs `AllSweepsScheduler`; `aftersales sweep` runs them once (cron).
The tickets, campaigns and reports apps are peers or lower layers of each other's, so
only the top app may call all three."""
from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from aftersales.campaigns.sweeps import run_followup_sweeps
from aftersales.notifications.expiry import send_expiry_reminders
from aftersales.portal.tasks import run_portal_sweeps
from aftersales.reports.sweeps import run_report_sweeps
from aftersales.tickets.sweeps import EmbeddedScheduler, run_sweeps

log = logging.getLogger("aftersales.sweeps")


def run_all_sweeps(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    done = dict(run_sweeps(now=now))
    for name, runner in (("follow-up", run_followup_sweeps), ("reports", run_report_sweeps),
                         ("network", _expiry_reminders), ("portal", run_portal_sweeps)):
        try:
            done.update(runner(now=now))
        except Exception:  # the ticket sweeps' results still count
            log.exception("The %s sweeps failed", name)
    return done


def _expiry_reminders(*, now: datetime) -> dict[str, int]:
    return {"expiry_reminders": send_expiry_reminders(now=now)}


class AllSweepsScheduler(EmbeddedScheduler):
    """Embedded mode: every sweep each interval, in a daemon thread of `serve`."""

    def run_once(self) -> dict[str, int] | None:
        try:
            done = run_all_sweeps()
        except Exception:
            log.exception("Sweeps failed")
            return None
        if any(done.values()):
            log.info("Sweeps: %s", done)
        return done


def start_scheduler(*, interval: float, mail_interval: float | None = None
                    ) -> AllSweepsScheduler:
    scheduler = AllSweepsScheduler(interval=interval, mail_interval=mail_interval)
    scheduler.start()
    return scheduler
