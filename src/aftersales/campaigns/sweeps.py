"""The follow-up sweep, run with the ticket sweeps (celery beat's `campaigns` task every
minute, the embedded scheduler, or `aftersales sweep`). Every step is idempotent: the
unique keys of leads, visits and survey rows decide, so running it twice (or two at
once) under the same clock writes nothing twice."""
from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from .services import campaigns, leads, preventive, surveys

log = logging.getLogger("aftersales.campaigns")


def run_followup_sweeps(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    steps = {
        "renewal_leads": lambda: leads.create_renewal_leads(today=today),
        "expired_warranty_leads": lambda: leads.create_expired_warranty_leads(now=now),
        "owners_told": lambda: leads.tell_owners_of_new_requests(now=now),
        "leads_won_by_renewal": lambda: leads.close_renewed_leads(now=now),
        "preventive_visits": lambda: preventive.open_preventive_visits(today=today),
        "preventive_counted": lambda: preventive.count_preventive_visits(now=now),
        "campaign_units_done": lambda: campaigns.mark_resolved_units_done(now=now),
        "survey_invitations": lambda: surveys.send_yearly_survey(today=today),
    }
    done = {}
    for name, step in steps.items():
        try:
            done[name] = step()
        except Exception:  # one failing step does not stop the others
            log.exception("Follow-up sweep %s failed", name)
            done[name] = 0
    return done

