"""`aftersales sweep`: run the periodic sweeps once (for cron, or by hand): the ticket
sweeps (escalations, backup devices, callbacks, unsent messages), then the follow-up
sweeps (leads, preventive visits, campaign progress, the yearly survey). It lives in the
campaigns app because it composes both layers."""
from django.core.management.base import BaseCommand

from aftersales.campaigns.sweeps import run_followup_sweeps
from aftersales.tickets.sweeps import run_sweeps


class Command(BaseCommand):
    help = ("Run the escalation, backup-device and callback sweeps, resend pending messages, "
            "then the follow-up sweeps (leads, preventive visits, campaigns, survey).")

    def handle(self, *args, **options):
        done = {**run_sweeps(), **run_followup_sweeps()}
        for name, count in done.items():
            self.stdout.write(f"{name}: {count}")
