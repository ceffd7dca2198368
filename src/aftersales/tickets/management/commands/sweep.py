"""`aftersales sweep`: run the periodic sweeps once (for cron, or by hand)."""
from django.core.management.base import BaseCommand

from aftersales.tickets.sweeps import run_sweeps


class Command(BaseCommand):
    help = "Run the escalation, backup-device and callback sweeps and resend pending messages."

    def handle(self, *args, **options):
        done = run_sweeps()
        for name, count in done.items():
            self.stdout.write(f"{name}: {count}")
