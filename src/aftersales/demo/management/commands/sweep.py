"""`aftersales sweep`: run every periodic sweep once (for cron, or by hand). It lives in
the demo app (the run commands, the top of the stack) because it composes all of them."""
from django.core.management.base import BaseCommand

from aftersales.demo.scheduling import run_all_sweeps


class Command(BaseCommand):
    help = ("Run the escalation, backup-device and callback sweeps, resend pending messages, "
            "the follow-up sweeps (leads, preventive visits, campaigns, survey) and the "
            "monthly fault analysis and the agreement and certificate expiry reminders.")

    def handle(self, *args, **options):
        for name, count in run_all_sweeps().items():
            self.stdout.write(f"{name}: {count}")
